"""Post due campaign runs through the outbox. The scheduler only calls :func:`post_due_runs`.

Exactly once: a run is first claimed in the run log (unique campaign × run time) in the same
transaction that queues its posts, and every post has the idempotency key campaign × run × chat.
A restart, a second worker or a scheduler that fires twice finds the claim and posts nothing.
A run missed while the bot was down is posted once if it is at most
``CAMPAIGN_MISFIRE_GRACE_MINUTES`` old; older ones are skipped (an old warning is noise).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.campaigns.model import Campaign
from handlers.campaigns.schedule import due_run, rotation_index
from handlers.services import Services
from handlers.types import Msg, Reply
from storage import campaigns as store
from storage.models import Area, Chat

log = logging.getLogger(__name__)


def post_key(campaign_id: str, run_at: datetime, chat_id: int) -> str:
    return f"campaign:{campaign_id}:{run_at:%Y%m%dT%H%MZ}:{chat_id}"


def campaign_post(campaign: Campaign, index: int, locale: str) -> Reply:
    return Reply(
        (
            Msg.of("campaigns.post", title=campaign.title.get(locale), text=campaign.text(index, locale)),
            Msg.of("campaigns.post_footer"),
        )
    )


async def _audience_area_ids(session: AsyncSession, campaign: Campaign) -> list[int] | None:
    if not campaign.audience.areas:
        return None
    rows = await session.scalars(select(Area.id).where(Area.key.in_(campaign.audience.areas)))
    return list(rows)


async def _post_run(session: AsyncSession, services: Services, campaign: Campaign, run_at: datetime) -> int:
    run = await store.claim_run(session, campaign.id, run_at, services.clock.now())
    if run is None:
        return 0
    scoped = await store.states(session, campaign.id)
    chats: list[Chat] = await store.subscribed_groups(session, await _audience_area_ids(session, campaign))
    index = rotation_index(campaign, run_at, services.settings.tz)
    posts = 0
    for chat in chats:
        if not store.is_active(scoped, chat.area_id, campaign.enabled_by_default):
            continue
        locale = chat.locale or services.settings.default_locale
        reply = campaign_post(campaign, index, locale)
        if await services.outbox.enqueue(session, chat, reply, post_key(campaign.id, run_at, chat.id)):
            posts += 1
    run.posts = posts
    return posts


async def post_due_runs(services: Services) -> int:
    """Queue the posts of every campaign run that is due now; returns how many posts were queued."""
    now = services.clock.now()
    grace = timedelta(minutes=services.settings.campaign_misfire_grace_minutes)
    total = 0
    for campaign in services.campaigns:
        run_at = due_run(campaign, now, grace, services.settings.tz)
        if run_at is None:
            continue
        async with services.db() as session:
            posts = await _post_run(session, services, campaign, run_at)
            await session.commit()
        if posts:
            log.info("campaign %s run %s: %d posts queued", campaign.id, run_at.isoformat(), posts)
        total += posts
    if total:
        services.outbox.wake()
    return total
