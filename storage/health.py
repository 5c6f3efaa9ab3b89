"""A heartbeat row: the health check's proof that the database can still be written.

Why a write: a SQLite file on a read-only or full file system still answers ``SELECT 1`` (and even
``BEGIN IMMEDIATE``), so ``/healthz`` said OK while every report failed to save. One tiny UPSERT
of one ``app_state`` row per check costs a few milliseconds and keeps no history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppState

HEARTBEAT_KEY = "health.heartbeat"


async def write_heartbeat(session: AsyncSession, now: datetime) -> None:
    """Insert or update the heartbeat row (the caller commits: the commit is part of the check)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(AppState).values(key=HEARTBEAT_KEY, value=now.isoformat())
    statement = statement.on_conflict_do_update(index_elements=["key"], set_={"value": now.isoformat()})
    await session.execute(statement)
