"""Process each platform delivery (update_id, wamid) once, across restarts and workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedDelivery


async def first_delivery(session: AsyncSession, platform: str, delivery_id: str, now: datetime) -> bool:
    """Record the id; False when it was seen before (the unique constraint decides, race-free)."""
    try:
        async with session.begin_nested():
            session.add(ProcessedDelivery(platform=platform, delivery_id=delivery_id, received_at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def forget_old(session: AsyncSession, before: datetime | None = None, *, now: datetime) -> int:
    """Drop ids older than a week: Telegram gives up redelivering after 24 h."""
    cutoff = before or now - timedelta(days=7)
    result = await session.execute(delete(ProcessedDelivery).where(ProcessedDelivery.received_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
