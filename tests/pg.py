"""PostgreSQL for the test suite: start the local server if it is down, one fresh database per run."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path

import asyncpg

PG_HOST = os.environ.get("BUURTBOT_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BUURTBOT_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("BUURTBOT_TEST_PG_USER", "postgres")
ADMIN_DB = os.environ.get("BUURTBOT_TEST_PG_ADMIN_DB", "test")


async def _connect() -> asyncpg.Connection:
    return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=ADMIN_DB, timeout=5)


def _start_server() -> None:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").exists() else []
    )
    if not versions:
        raise RuntimeError("PostgreSQL is not reachable and no local cluster is installed")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
        check=False,
        capture_output=True,
    )
    # Blocks until the server accepts connections (bounded by -t), so the caller need not poll.
    subprocess.run(
        ["pg_isready", "-h", PG_HOST, "-p", str(PG_PORT), "-t", "15"], check=False, capture_output=True
    )


async def _reachable() -> bool:
    try:
        connection = await _connect()
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def _ensure_running() -> None:
    if await _reachable():
        return
    _start_server()
    if await _reachable():
        return
    raise RuntimeError(f"PostgreSQL did not come up on {PG_HOST}:{PG_PORT}")


async def _create(name: str) -> None:
    await _ensure_running()
    connection = await _connect()
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop(name: str) -> None:
    connection = await _connect()
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def admin_connection() -> asyncpg.Connection:
    """A connection to the server's admin database (for tests that take a database away)."""
    return await _connect()


def create_database() -> str:
    """Create a uniquely named database and return its SQLAlchemy URL."""
    name = f"buurtbot_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create(name))
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_database(url: str) -> None:
    asyncio.run(_drop(url.rsplit("/", 1)[1]))
