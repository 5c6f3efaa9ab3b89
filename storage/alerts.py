"""The broadcast audit log: every alert and free-text message, who sent it, where, and how it went.

Coordinators are not modelled here: they are :class:`storage.models.Role` rows (role
``coordinator`` with an area), granted and revoked with ``storage.people``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Chat, OutboxMessage, OutboxStatus


class BroadcastKind(StrEnum):
    ALERT = "alert"  # a template from the alert catalogue
    WARNING = "bericht"  # free text framed as a warning ("Is er nu gevaar? Bel 112")
    NOTICE = "mededeling"  # free text framed as a notice (wijkoverleg, a street party)


class BroadcastStatus(StrEnum):
    DRAFT = "draft"  # preview shown, waiting for "Versturen"
    QUEUED = "queued"  # fanned out to the outbox
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    """One alert or message to one or more areas; the counts are kept up to date by the sender."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # a BroadcastKind
    alert_type: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text, default="")
    area_ids: Mapped[list[int]] = mapped_column(JSON)
    area_names: Mapped[str] = mapped_column(String(500), default="")
    # A relayed copy says where it comes from ("Doorgestuurd vanuit Oud Krispijn").
    relayed_from: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime]
    scheduled_for: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    progress_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


async def create_broadcast(session: AsyncSession, **fields: Any) -> Broadcast:
    broadcast = Broadcast(status=BroadcastStatus.DRAFT, total=0, delivered=0, failed=0, **fields)
    session.add(broadcast)
    await session.flush()
    return broadcast


async def take_draft(session: AsyncSession, broadcast_id: int, status: BroadcastStatus) -> bool:
    """Move a draft on (queued or cancelled) exactly once: a double press does nothing the 2nd time."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.DRAFT)
        .values(status=status)
    )
    return bool(getattr(result, "rowcount", 0))


async def delivery_counts(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """Outbox rows of a broadcast by status (pending / sent / failed)."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    return {str(status): int(count) for status, count in rows.tuples()}


async def failed_chat_names(session: AsyncSession, broadcast_id: int, limit: int = 10) -> list[str]:
    rows = await session.scalars(
        select(Chat.title)
        .join(OutboxMessage, OutboxMessage.chat_id == Chat.id)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(Chat.id)
        .limit(limit)
    )
    return [title or "?" for title in rows]


async def recent_broadcasts(session: AsyncSession, limit: int = 20) -> list[Broadcast]:
    return list(await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)))


async def planned_broadcasts(session: AsyncSession, now: datetime) -> list[Broadcast]:
    """Confirmed broadcasts whose time has not come yet, soonest first."""
    rows = await session.scalars(
        select(Broadcast)
        .where(
            Broadcast.status == BroadcastStatus.QUEUED,
            Broadcast.scheduled_for.is_not(None),
            Broadcast.scheduled_for > now,
        )
        .order_by(Broadcast.scheduled_for, Broadcast.id)
    )
    return list(rows)


async def cancel_planned(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """Cancel a planned broadcast and drop its unsent rows, once; False when it already went out."""
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status == BroadcastStatus.QUEUED,
            Broadcast.scheduled_for > now,
        )
        .values(status=BroadcastStatus.CANCELLED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    return True


async def switch_kind(session: AsyncSession, broadcast: Broadcast, kind: str) -> bool:
    """Change a draft's kind; False once it has been sent or cancelled."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status == BroadcastStatus.DRAFT)
        .values(kind=kind)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    broadcast.kind = kind
    return True
