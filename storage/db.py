"""One engine and session factory per process; SQLite (embedded) or PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util.concurrency import await_only, in_greenlet

BUSY_TIMEOUT_SECONDS = 30
# aiosqlite logs every statement with its values at DEBUG: with LOG_LEVEL=DEBUG that would write
# names and descriptions to the log, so its logger never goes below INFO.
_CHATTY_DRIVER_LOGGERS = ("aiosqlite",)


def _quiet_driver_logs() -> None:
    for name in _CHATTY_DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET (0) too: it would follow a DEBUG root
            logger.setLevel(logging.INFO)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the console, the sender and a webhook worker read while one writes;
    # foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()
    # The sqlite3 driver starts transactions itself, only before INSERT/UPDATE/DELETE, and never
    # before SAVEPOINT: a begin_nested() then runs in autocommit and every outbox row or claim
    # commits on its own (not atomic, ~8 ms per row). Let SQLAlchemy emit BEGIN instead.
    dbapi_connection.isolation_level = None


class WriterTurns:
    """One transaction at a time per SQLite file within this process, taken in turn on the event loop.

    Why not just SQLite's busy timeout: a waiting ``BEGIN IMMEDIATE`` sleeps inside SQLite holding
    its connection's mutex. If the garbage collector then finalises a stray cursor of that
    connection on the event-loop thread, the loop blocks on that mutex, so the transaction holding
    the lock can never finish, and after the busy timeout the waiter fails with "database is
    locked". Waiting on an asyncio lock instead keeps the loop running. Other processes (the CLI)
    are still handled by the busy timeout.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]]
        self._locks = weakref.WeakKeyDictionary()
        self._owners: dict[int, asyncio.Task[Any] | None] = {}

    def lock(self, database: str) -> asyncio.Lock:
        per_loop = self._locks.setdefault(asyncio.get_running_loop(), {})
        return per_loop.setdefault(database, asyncio.Lock())

    async def take(self, database: str) -> asyncio.Lock | None:
        """Wait for this file's turn; None when this task already holds it (nothing to release)."""
        lock, task = self.lock(database), asyncio.current_task()
        if lock.locked() and self._owners.get(id(lock)) is task:
            return None  # a nested transaction in one task: SQLite's own locking decides, as before
        try:
            async with asyncio.timeout(BUSY_TIMEOUT_SECONDS):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (waited for this process's turn)") from None
        self._owners[id(lock)] = task
        return lock

    def give_back(self, lock: asyncio.Lock) -> None:
        self._owners.pop(id(lock), None)
        lock.release()


_TURNS = WriterTurns()
_TURN_KEY = "buurtbot_writer_turn"


# Which transactions SQLite syncs to disk at COMMIT. WAL with synchronous=NORMAL survives any crash
# of the process (and keeps the file sound on power loss); only a power cut can lose the last
# commits. That is harmless for what can be redone from the inbox (handling an update, recording a
# delivery: at worst a reply goes out twice), so only storing what a platform was told is ours
# (the inbox intake, before its 200 or offset) waits for the disk: ~4.5 ms per commit here.
_DURABLE: ContextVar[bool] = ContextVar("buurtbot_durable_commit", default=False)
_SYNC_KEY = "buurtbot_synchronous"


@contextmanager
def durable() -> Iterator[None]:
    """Transactions begun in this block reach the disk before their COMMIT returns (SQLite's
    synchronous=FULL; PostgreSQL always does)."""
    token = _DURABLE.set(True)
    try:
        yield
    finally:
        _DURABLE.reset(token)


def _synchronous(connection: Any) -> None:
    # Only outside a transaction may the level change: here, just before BEGIN.
    level = "FULL" if _DURABLE.get() else "NORMAL"
    if connection.info.get(_SYNC_KEY) != level:
        # On the driver's cursor, like the pragmas at connect: a setting of the connection, not a
        # statement of the transaction (engine events, e.g. the tests' database cuts, skip it).
        cursor = connection.connection.cursor()
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()
        connection.info[_SYNC_KEY] = level


def _begin(connection: Any) -> None:
    _synchronous(connection)
    if in_greenlet():  # always, under the async engine; a plain sync use has no loop to protect
        database = connection.engine.url.database or ":memory:"
        turn = await_only(_TURNS.take(database))
        if turn is not None:
            connection.info[_TURN_KEY] = turn
    # IMMEDIATE takes the write lock up front: two deferred transactions that both read and then
    # write would otherwise fail at once with "database is locked" instead of waiting their turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _end(connection: Any) -> None:
    # Fired just before COMMIT/ROLLBACK runs: the next waiter's BEGIN then only waits for that
    # statement, which completes in its own thread whatever the loop does.
    turn = connection.info.pop(_TURN_KEY, None)
    if turn is not None:
        _TURNS.give_back(turn)


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    # A connection dropped without COMMIT/ROLLBACK events (an error while closing) still gives back.
    turn = record.info.pop(_TURN_KEY, None) if record is not None else None
    if turn is not None:
        _TURNS.give_back(turn)


def _drop_row_values(context: Any) -> None:
    """PostgreSQL's DETAIL repeats the failing row or key ("Failing row contains (…)", "Key (…)=(…)"):
    personal data that ``hide_parameters`` does not cover. Drop it from the error and its causes;
    the message, SQLSTATE and constraint name still say what went wrong."""
    for start in (context.sqlalchemy_exception, context.original_exception):
        error: BaseException | None = start
        while error is not None:
            if getattr(error, "detail", None):
                error.detail = None  # type: ignore[attr-defined]
            if error.args and isinstance(error.args[0], str) and "\nDETAIL:" in error.args[0]:
                error.args = (error.args[0].split("\nDETAIL:", 1)[0], *error.args[1:])
            error = error.__cause__ or error.__context__


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine; for SQLite the data directory is created first.

    ``hide_parameters``: a failing statement's error text otherwise carries its values (names,
    suspect descriptions, plates) into every log line that prints the exception, where no purge
    reaches them. The SQL itself stays in the message, so the error is still diagnosable.
    """
    _quiet_driver_logs()
    if is_sqlite(url):
        parsed = make_url(url)
        database = parsed.database
        # A "file:…?uri=true" URL names a SQLite URI (e.g. mode=ro), not a path to create.
        if database and database != ":memory:" and not parsed.query.get("uri"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin)
        event.listen(engine.sync_engine, "commit", _end)
        event.listen(engine.sync_engine, "rollback", _end)
        event.listen(engine.sync_engine.pool, "checkin", _checked_in)
        return engine
    engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine.sync_engine, "handle_error", _drop_row_values)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions of one database. No row cache: the dispatcher reads the chat, person, roles and
    dialog once per update, in the transaction that handles it (see handlers/router.py)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _root_cause(error: BaseException) -> BaseException:
    seen: set[int] = set()
    while id(error) not in seen:
        seen.add(id(error))
        inner = getattr(error, "orig", None) or error.__cause__
        if not isinstance(inner, BaseException):
            break
        error = inner
    return error


def unreachable_reason(url: str, limit: float = 10.0) -> str | None:
    """None when the database answers ``SELECT 1``; else one short line saying why not.

    Why: started against a database that is down, the bot printed a 128-line traceback ending in
    the one fact that mattered. The CLI asks this first and prints one line instead. Runs its own
    event loop: call it outside one.
    """

    async def attempt() -> None:
        engine = create_engine(url)
        try:
            async with asyncio.timeout(limit), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(attempt())
    except Exception as error:  # any failure to connect; the operator gets the root cause only
        cause = _root_cause(error)
        detail = (str(cause).strip().splitlines() or [""])[0][:200]
        return f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
    return None
