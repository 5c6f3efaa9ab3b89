"""Stable sender worker ids, held by a lock for as long as the worker lives.

Outbox leases carry the id of the worker that holds them. With a random id per process, a
restarted bot had to wait for its own leases to expire (``OUTBOX_LEASE_SECONDS``) before it sent
the rows it was busy with when it died. Instead a worker takes the first free name
``<host>:<database>:<n>`` and holds a lock on it while it runs: a PostgreSQL session advisory
lock, or on SQLite an ``flock`` on a file beside the database. The operating system or the
database drops the lock when the process dies, so

- a restarted process gets its old name back (the lowest free one) and resumes those rows at once;
- two live processes on one host never share a name (the second gets ``:1``);
- on PostgreSQL, any leased row whose worker's name is not locked belongs to a dead worker, so the
  lease only holds rows back from *other live* workers.

A configured ``OUTBOX_WORKER_ID`` takes the same lock; if a live process already holds it, start-up
fails instead of two workers sending the same rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import socket
from collections.abc import Collection
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MAX_SLOTS = 64
_NAMESPACE = 0x62756274  # first key of the two-key advisory lock: "bubt", keeps clear of other users
_TRY = text("SELECT pg_try_advisory_lock(:ns, hashtext(:name))")
_UNLOCK = text("SELECT pg_advisory_unlock(:ns, hashtext(:name))")


class WorkerNameTaken(RuntimeError):
    """The configured worker id is held by a running worker."""


def base_name(database_url: str, host: str | None = None) -> str:
    """``<host>:<8 hex of the database>``: the same on every start of this installation."""
    url = make_url(database_url)
    where = url.database if url.get_backend_name() == "sqlite" else f"{url.host}:{url.port}/{url.database}"
    if url.get_backend_name() == "sqlite" and where and where != ":memory:":
        where = str(Path(where).resolve())
    digest = hashlib.sha256(str(where).encode()).hexdigest()[:8]
    return f"{(host or socket.gethostname())[:20]}:{digest}"


class WorkerNames:
    """Takes (and while running holds) this worker's name; tells dead workers' names apart."""

    def __init__(self, engine: AsyncEngine, database_url: str, host: str | None = None) -> None:
        self._engine = engine
        self._url = make_url(database_url)
        self._base = base_name(database_url, host)
        self._connection: AsyncConnection | None = None
        self._file: IO[bytes] | None = None
        self.name: str | None = None

    @property
    def _postgres(self) -> bool:
        return self._url.get_backend_name() == "postgresql"

    async def take(self, configured: str | None = None) -> str:
        """Lock ``configured`` (or the first free stable name) for this process; returns it."""
        await self.close()
        candidates = [configured] if configured else [f"{self._base}:{n}" for n in range(MAX_SLOTS)]
        for name in candidates:
            if await self._try_lock(name):
                self.name = name
                return name
        await self.close()
        if configured:
            raise WorkerNameTaken(f"OUTBOX_WORKER_ID {configured!r} is in use by a running worker")
        raise WorkerNameTaken(f"all {MAX_SLOTS} worker names of {self._base} are in use")

    async def _try_lock(self, name: str) -> bool:
        if self._postgres:
            if self._connection is None:
                self._connection = await self._engine.connect()
            got = bool(await self._connection.scalar(_TRY, {"ns": _NAMESPACE, "name": name}))
            await self._connection.commit()  # the lock is the session's; leave no transaction open
            return got
        return self._try_file_lock(name)

    def _try_file_lock(self, name: str) -> bool:
        database = self._url.database
        if not database or database == ":memory:":
            return True  # nothing outlives this process
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        path = Path(f"{database}.worker-{digest}.lock")
        handle = path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    async def dead(self, names: Collection[str]) -> set[str]:
        """Which of ``names`` (other workers' ids on leased rows) no live worker holds (PostgreSQL).

        On SQLite one process sends, so only this worker's own name is known to be safe."""
        if not self._postgres or self._connection is None:
            return set()
        found: set[str] = set()
        for name in names:
            if name == self.name:
                continue
            params = {"ns": _NAMESPACE, "name": name}
            if await self._connection.scalar(_TRY, params):
                found.add(name)
                await self._connection.scalar(_UNLOCK, params)
        await self._connection.commit()
        return found

    async def close(self) -> None:
        """Give the name back (a clean stop); a crash gives it back by itself."""
        self.name = None
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:  # the connection goes back to the pool: its session (and lock) would live on
                await connection.scalar(text("SELECT pg_advisory_unlock_all()"))
                await connection.commit()
                await connection.close()
            except Exception:
                with contextlib.suppress(Exception):
                    await connection.invalidate()  # closes the session for real
        if self._file is not None:
            handle, self._file = self._file, None
            with contextlib.suppress(OSError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
