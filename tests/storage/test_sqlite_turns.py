"""SQLite: a transaction waiting for another one waits on the event loop, never inside SQLite.

The WhatsApp end-to-end test used to fail now and then with "database is locked": a webhook's
``BEGIN IMMEDIATE`` slept inside SQLite while another task held the write lock, the garbage
collector finalised a stray cursor of the waiting connection on the event-loop thread, the loop
blocked on that connection's mutex, and the holder could never commit. This replays it on purpose.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage.db import create_engine


async def _in_thread_cursor(raw: Any) -> Any:
    """A cursor of ``raw``'s sqlite3 connection with a statement still in use, made in its thread."""
    driver = raw.driver_connection  # aiosqlite.Connection
    cursor = await driver._execute(driver._conn.cursor)
    await driver._execute(cursor.execute, "SELECT 1")
    return cursor


async def test_waiting_transaction_survives_gc_of_its_cursors(tmp_path: Path) -> None:
    # Its own SQLite file, so it also runs when the suite's database is PostgreSQL.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    release, a_started = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def holder() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
            a_started.set()
            await release.wait()
            order.append("a-commits")

    async def waiter(conn: Any) -> None:
        async with conn.begin():
            order.append("b-begun")

    try:
        a = asyncio.create_task(holder())
        await a_started.wait()
        async with engine.connect() as conn_b:
            raw = await conn_b.get_raw_connection()
            cycle: list[Any] = [await _in_thread_cursor(raw)]
            cycle.append(cycle)  # only the cycle collector can free it: on the loop thread
            del cycle
            b = asyncio.create_task(waiter(conn_b))
            for _ in range(50):  # yields, not time: let b reach its BEGIN (SQLite's busy wait, before)
                await asyncio.sleep(0)
            await asyncio.to_thread(lambda: None)  # one round trip through a worker thread too
            gc.collect()
            release.set()
            async with asyncio.timeout(10):
                await asyncio.gather(a, b)
    finally:
        await engine.dispose()
    assert order == ["a-commits", "b-begun"]
