"""Claiming due outbox rows with a lease, so several sender workers share one outbox.

A claim sets ``claimed_by``/``claimed_until`` on pending, due rows in one short transaction. On
PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``: two workers claiming at the same
moment get disjoint rows without waiting for each other. SQLite has one writer at a time (every
transaction there is ``BEGIN IMMEDIATE``, see ``storage/db.py``), so a plain select-and-update is
already exclusive. A worker that dies leaves its lease behind; once it expires the rows are due
again, so another worker resumes them; a restarted worker takes its old name back
(``storage.worker_names``) and resumes its own rows at once, and on PostgreSQL the rows of a worker
whose name nobody holds any more are released at once too. Sent rows are never claimed again.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Chat, OutboxMessage, OutboxStatus


def claimable(now: datetime) -> ColumnElement[bool]:
    """Pending, due, and not leased by a live worker."""
    return (
        (OutboxMessage.status == OutboxStatus.PENDING)
        & (OutboxMessage.next_attempt_at <= now)
        & or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    )


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    lease_until: datetime,
    worker: str,
    platforms: Collection[str],
    limit: int,
) -> list[tuple[OutboxMessage, Chat]]:
    """Lease up to ``limit`` due rows of ``platforms`` to ``worker``; the caller commits.

    Rows of a chat another live worker is sending to stay with that worker: the chat's messages
    keep their order, and its budget is booked by one worker (two claiming at the same instant can
    still split a chat; the shared budget then still holds, see ``bot/shared_pacing.py``)."""
    other = aliased(OutboxMessage)
    elsewhere = (
        select(other.id)
        .where(
            other.chat_id == OutboxMessage.chat_id,
            other.status == OutboxStatus.PENDING,
            other.claimed_until >= now,
            other.claimed_by != worker,
        )
        .exists()
    )
    query = (
        select(OutboxMessage, Chat)
        .join(Chat, Chat.id == OutboxMessage.chat_id)
        .where(claimable(now), Chat.platform.in_(list(platforms)), ~elsewhere)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    rows = [(message, chat) for message, chat in (await session.execute(query)).tuples()]
    for message, _chat in rows:
        message.claimed_by, message.claimed_until = worker, lease_until
    await session.flush()
    return rows


async def renew(session: AsyncSession, worker: str, row_ids: Collection[int], lease_until: datetime) -> None:
    """Extend the lease of rows still waiting in this worker (e.g. a long per-chat queue)."""
    if row_ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(row_ids)), OutboxMessage.claimed_by == worker)
            .values(claimed_until=lease_until)
        )


async def release(
    session: AsyncSession, worker: str, row_ids: Collection[int], next_attempt_at: datetime | None = None
) -> None:
    """Give rows back unsent (shutdown, or the chat is throttled), optionally not before a time."""
    if not row_ids:
        return
    values: dict[str, object] = {"claimed_by": None, "claimed_until": None}
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(row_ids)),
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(**values)
    )


async def release_expired(session: AsyncSession, now: datetime) -> int:
    """Start-up housekeeping: clear leases that ran out (their worker is gone); returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claimed_until.is_not(None),
            OutboxMessage.claimed_until < now,
        )
        .values(claimed_by=None, claimed_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def leaseholders(session: AsyncSession, now: datetime) -> set[str]:
    """Workers holding a live lease on a pending row (candidates for :func:`release_worker`)."""
    rows = await session.scalars(
        select(OutboxMessage.claimed_by)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claimed_by.is_not(None),
            OutboxMessage.claimed_until >= now,
        )
        .distinct()
    )
    return {name for name in rows if name}


async def release_worker(session: AsyncSession, worker: str) -> int:
    """Give back every pending row ``worker`` holds (it is known to be dead); returns how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == OutboxStatus.PENDING)
        .values(claimed_by=None, claimed_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
