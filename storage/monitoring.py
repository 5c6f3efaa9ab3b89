"""Read models for monitoring (``/metrics``): cheap counts taken at scrape time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, OutboxMessage, OutboxStatus


async def outbox_depth(session: AsyncSession) -> dict[str, int]:
    """Pending outbox rows per platform (uses the ``status`` index; platforms are few)."""
    query = (
        select(Chat.platform, func.count())
        .select_from(OutboxMessage)
        .join(Chat, Chat.id == OutboxMessage.chat_id)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .group_by(Chat.platform)
    )
    return {platform: int(count) for platform, count in (await session.execute(query)).all()}


async def oldest_pending(session: AsyncSession) -> datetime | None:
    """When the oldest pending row was queued: a sender that stalls shows here first."""
    query = select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
    return (await session.execute(query)).scalar_one_or_none()
