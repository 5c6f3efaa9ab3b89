"""Outbox rows: every outgoing message is stored before it is sent, keyed for exactly-once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, OutboxMessage, OutboxStatus, SentMessage


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class NewRow:
    """One outbox row to add (see :func:`enqueue_many`)."""

    chat_id: int
    payload: dict[str, Any]
    key: str
    broadcast_id: int | None = None
    not_before: datetime | None = None


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    payload: dict[str, Any],
    key: str,
    now: datetime,
    broadcast_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a row; False when a row with this key exists already (so a retry never doubles it)."""
    added = await enqueue_many(session, [NewRow(chat_id, payload, key, broadcast_id, not_before)], now)
    return added == 1


async def enqueue_many(session: AsyncSession, rows: Sequence[NewRow], now: datetime) -> int:
    """Add rows in one statement, skipping keys queued before; returns how many were added.

    ``ON CONFLICT DO NOTHING`` instead of a savepoint per row: a duplicate key neither aborts the
    transaction nor costs two extra round trips (both SQLite and PostgreSQL support it).
    """
    if not rows:
        return 0
    values = [
        {
            "chat_id": row.chat_id,
            "idempotency_key": row.key[:200],
            "payload": row.payload,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": row.not_before or now,
            "broadcast_id": row.broadcast_id,
            "created_at": now,
        }
        for row in rows
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
    result = await session.execute(statement.returning(OutboxMessage.id), values)
    return len(result.all())


async def due_rows(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[tuple[OutboxMessage, Chat]]:
    """Pending rows whose time has come, oldest first, with their chat."""
    rows = await session.execute(
        select(OutboxMessage, Chat)
        .join(Chat, Chat.id == OutboxMessage.chat_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            # Rows leased by a paced sender worker are its business until the lease runs out.
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return [(message, chat) for message, chat in rows.tuples()]


async def pending_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    )
    return int(count or 0)


async def tracked_message_id(session: AsyncSession, chat_id: int, track: str) -> str | None:
    found: str | None = await session.scalar(
        select(SentMessage.platform_message_id).where(
            SentMessage.chat_id == chat_id, SentMessage.track == track
        )
    )
    return found


async def remember_tracked(
    session: AsyncSession, chat_id: int, track: str, platform_message_id: str, now: datetime
) -> None:
    row = await session.scalar(
        select(SentMessage).where(SentMessage.chat_id == chat_id, SentMessage.track == track)
    )
    if row is None:
        session.add(
            SentMessage(chat_id=chat_id, track=track, platform_message_id=platform_message_id, updated_at=now)
        )
    else:
        row.platform_message_id, row.updated_at = platform_message_id, now
    await session.flush()
