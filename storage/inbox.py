"""The inbox: every update a platform delivered, stored raw before it is acknowledged.

A webhook answers 200 (and long polling confirms an offset) only once the update is a row here, so a
crash or a database hiccup after that answer loses nothing: unfinished rows are handled again at
start-up and on a timer. The unique ``(platform, external_key)`` is also the dedupe of redeliveries
(Telegram ``update_id``, WhatsApp ``wamid``). A row is marked done in the same transaction that writes
its replies to the outbox (see bot/reply_writer.py), so it is never handled twice after a crash.

A row being handled is *leased*: ``next_attempt_at`` lies in the future and ``claimed_by`` names the
process. Other processes take it over only when the lease runs out; a restarted process takes its own
rows back at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

ERROR_LENGTH = 80
DONE_KEPT = timedelta(days=7)  # as long as the old dedupe ids: Telegram stops redelivering after 24 h


class InboxState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class InboxMessage(Base):
    """One delivered update, raw, with its handling state."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "external_key", name="uq_inbox_platform_key"),
        Index("ix_inbox_due", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default=InboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    done_at: Mapped[datetime | None] = mapped_column(index=True)


@dataclass(frozen=True)
class NewInbound:
    """An update to store: its platform, its id there, and the raw JSON text."""

    platform: str
    external_key: str
    payload: str


@dataclass(frozen=True)
class InboxRow:
    """A stored update to handle (what the worker needs, detached from any session)."""

    id: int
    platform: str
    external_key: str
    payload: str
    received_at: datetime
    attempts: int = 0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def store(
    session: AsyncSession, items: Sequence[NewInbound], now: datetime, worker: str, lease: timedelta
) -> list[InboxRow]:
    """Insert the updates not seen before, leased to ``worker``; returns the new rows (in order).

    One ``INSERT … ON CONFLICT DO NOTHING``: a redelivery neither aborts the transaction nor adds a
    row. The caller commits, and only then acknowledges the platform.
    """
    if not items:
        return []
    values = [
        {
            "platform": item.platform,
            "external_key": item.external_key[:128],
            "payload": item.payload,
            "received_at": now,
            "state": InboxState.PENDING,
            "attempts": 0,
            "next_attempt_at": now + lease,
            "claimed_by": worker,
        }
        for item in items
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(InboxMessage).on_conflict_do_nothing(index_elements=["platform", "external_key"])
    result = await session.execute(
        statement.returning(InboxMessage.id, InboxMessage.platform, InboxMessage.external_key), values
    )
    new = {(platform, key): row_id for row_id, platform, key in result.all()}
    stored = []
    for value in values:
        key = (str(value["platform"]), str(value["external_key"]))
        if key in new:
            stored.append(InboxRow(new.pop(key), key[0], key[1], str(value["payload"]), now))
    return stored


# Once per handled update: built once, on the table (no ORM session synchronisation to do), which
# halves its CPU cost (~1.8 → ~0.8 ms here).
_INBOX = InboxMessage.__table__
assert isinstance(_INBOX, Table)
_MARK_DONE = (
    update(_INBOX)
    .where(_INBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(state=InboxState.DONE, done_at=bindparam("now"), claimed_by=None, payload="")
)


async def mark_done(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    """Rows handled: part of the handling transaction, so replies and 'done' commit together.

    The payload goes at once (it may hold what a resident wrote about someone); the key stays a
    while to dedupe redeliveries."""
    if ids:
        await session.execute(_MARK_DONE, {"ids": list(ids), "now": now})


async def record_failure(
    session: AsyncSession, row_id: int, error: str, now: datetime, retry_at: datetime | None
) -> None:
    """One failed attempt; ``retry_at`` None parks the row as dead (for a beheerder to replay)."""
    values: dict[str, object] = {
        "attempts": InboxMessage.attempts + 1,
        "last_error": error[:ERROR_LENGTH],
        "claimed_by": None,
    }
    if retry_at is None:
        values.update(state=InboxState.DEAD)
    else:
        values.update(next_attempt_at=retry_at)
    await session.execute(
        update(InboxMessage)
        .where(InboxMessage.id == row_id, InboxMessage.state == InboxState.PENDING)
        .values(**values)
    )


async def claim_due(
    session: AsyncSession,
    now: datetime,
    worker: str,
    lease: timedelta,
    *,
    own_too: bool = False,
    limit: int = 500,
) -> list[InboxRow]:
    """Pending rows whose lease or backoff has run out (and, with ``own_too``, those this worker
    held before a restart), oldest first, leased to ``worker``; other workers skip locked rows."""
    due = InboxMessage.next_attempt_at <= now
    if own_too:
        due = or_(due, InboxMessage.claimed_by == worker)
    query = (
        select(InboxMessage)
        .where(InboxMessage.state == InboxState.PENDING, due)
        .order_by(InboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(await session.scalars(query))
    if rows:
        await session.execute(
            update(InboxMessage)
            .where(InboxMessage.id.in_([row.id for row in rows]))
            .values(next_attempt_at=now + lease, claimed_by=worker)
        )
    return [
        InboxRow(r.id, r.platform, r.external_key, r.payload, _aware(r.received_at), r.attempts) for r in rows
    ]


async def counts(session: AsyncSession) -> dict[str, int]:
    """How many rows are in each state."""
    result = await session.execute(select(InboxMessage.state, func.count()).group_by(InboxMessage.state))
    found = {str(state): int(n) for state, n in result.all()}
    return {state.value: found.get(state.value, 0) for state in InboxState}


@dataclass(frozen=True)
class DeadRow:
    """What a beheerder sees of a parked row: no payload (it may hold personal data)."""

    id: int
    platform: str
    received_at: datetime
    attempts: int
    last_error: str | None


async def dead_rows(session: AsyncSession, limit: int = 200) -> list[DeadRow]:
    query = (
        select(InboxMessage)
        .where(InboxMessage.state == InboxState.DEAD)
        .order_by(InboxMessage.id)
        .limit(limit)
    )
    return [
        DeadRow(r.id, r.platform, _aware(r.received_at), r.attempts, r.last_error)
        for r in await session.scalars(query)
    ]


async def replay(session: AsyncSession, row_id: int | None = None) -> int:
    """Put dead rows (one, or all when ``row_id`` is None) back to pending with fresh attempts, due
    at once (from their arrival on, so whichever clock the bot runs on sees them due)."""
    condition = InboxMessage.state == InboxState.DEAD
    if row_id is not None:
        condition = condition & (InboxMessage.id == row_id)
    result = await session.execute(
        update(InboxMessage)
        .where(condition)
        .values(
            state=InboxState.PENDING,
            attempts=0,
            next_attempt_at=InboxMessage.received_at,
            claimed_by=None,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_done(
    session: AsyncSession, now: datetime, kept: timedelta = DONE_KEPT, dead_kept: timedelta | None = None
) -> int:
    """Drop done rows older than ``kept`` (their ids stop deduping; the platforms gave up by then)
    and, with ``dead_kept``, dead rows nobody replayed in that time (their payload is personal data)."""
    stale = (InboxMessage.state == InboxState.DONE) & (InboxMessage.done_at < now - kept)
    if dead_kept is not None:
        stale = stale | (
            (InboxMessage.state == InboxState.DEAD) & (InboxMessage.received_at < now - dead_kept)
        )
    result = await session.execute(delete(InboxMessage).where(stale))
    return int(getattr(result, "rowcount", 0) or 0)
