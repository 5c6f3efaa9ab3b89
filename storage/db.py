"""One engine and session factory per process; SQLite (embedded) or PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.cache import INFO_KEY, CachedSession, RowCache
from storage.cache import install as install_cache_events


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the console, the sender and a webhook worker read while one writes;
    # foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # The sqlite3 driver starts transactions itself, only before INSERT/UPDATE/DELETE, and never
    # before SAVEPOINT: a begin_nested() then runs in autocommit and every outbox row or claim
    # commits on its own (not atomic, ~8 ms per row). Let SQLAlchemy emit BEGIN instead.
    dbapi_connection.isolation_level = None


def _begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two deferred transactions that both read and then
    # write would otherwise fail at once with "database is locked" instead of waiting their turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine; for SQLite the data directory is created first."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions of one database; they share a :class:`RowCache` that their own writes keep true."""
    install_cache_events()
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        sync_session_class=CachedSession,
        info={INFO_KEY: RowCache()},
    )
