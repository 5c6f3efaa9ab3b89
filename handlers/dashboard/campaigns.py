"""The dashboard's Campagnes page: upcoming posts per wijk for the next weeks, and pause/start.

The calendar uses the campaigns' own schedule (``next_run``: window and quiet hours included) and the
same on/off rules as the runner (``storage.campaigns.is_active``); switching goes through
``handlers.campaigns.commands.switch``, as ``/campagne pauze|start`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.campaigns.commands import switch
from handlers.campaigns.model import Campaign
from handlers.campaigns.schedule import next_run
from handlers.services import Services
from storage import campaigns as store
from storage.campaigns import CampaignState
from storage.models import Area

DAYS = 28  # how far the calendar looks ahead
PER_CAMPAIGN = 8  # runs listed per campaign at most (a daily campaign would fill the page)


@dataclass(frozen=True)
class Slot:
    campaign: Campaign
    active: bool
    runs: tuple[datetime, ...]


@dataclass(frozen=True)
class WijkPlan:
    wijk: Area
    slots: tuple[Slot, ...]


def upcoming(campaign: Campaign, now: datetime, services: Services) -> tuple[datetime, ...]:
    end, found = now + timedelta(days=DAYS), list[datetime]()
    moment: datetime | None = now
    while moment is not None and len(found) < PER_CAMPAIGN:
        moment = next_run(campaign, moment, services.settings.tz)
        if moment is None or moment > end:
            break
        found.append(moment)
        moment = moment + timedelta(seconds=1)
    return tuple(found)


async def _area_keys(session: AsyncSession, wijken: list[Area]) -> dict[int, set[str]]:
    """Each wijk's own key and its buurten's, in one query (audiences name either)."""
    ids = [w.id for w in wijken]
    keys: dict[int, set[str]] = {w.id: {w.key} for w in wijken}
    rows = await session.execute(select(Area.parent_id, Area.key).where(Area.parent_id.in_(ids)))
    for parent_id, key in rows.tuples():
        keys[parent_id or 0].add(key)
    return keys


def _reaches(campaign: Campaign, keys: set[str]) -> bool:
    """A campaign with an audience posts only in those areas (a wijk, or one of its buurten)."""
    return not campaign.audience.areas or bool(keys & set(campaign.audience.areas))


async def plans(session: AsyncSession, services: Services, actor: Actor) -> list[WijkPlan]:
    """Every wijk this person coordinates (a beheerder: all) with each campaign's state and runs."""
    wijken = [
        w
        for w in await session.scalars(select(Area).where(Area.kind == "wijk").order_by(Area.name))
        if actor.coordinates(w.id)
    ]
    now = services.clock.now()
    runs = {c.id: upcoming(c, now, services) for c in services.campaigns}
    scoped: dict[str, dict[str, bool]] = {c.id: {} for c in services.campaigns}
    states = await session.execute(
        select(CampaignState.campaign_id, CampaignState.scope, CampaignState.active)
    )
    for campaign_id, scope, active in states.tuples():  # every campaign's switches in one query
        scoped.setdefault(campaign_id, {})[scope] = active
    keys = await _area_keys(session, wijken)
    return [
        WijkPlan(
            wijk,
            tuple(
                Slot(c, store.is_active(scoped[c.id], wijk.id, c.enabled_by_default), runs[c.id])
                for c in services.campaigns
                if _reaches(c, keys[wijk.id])
            ),
        )
        for wijk in wijken
    ]


def find(services: Services, campaign_id: str) -> Campaign | None:
    return next((c for c in services.campaigns if c.id == campaign_id), None)


async def set_active(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    campaign: Campaign,
    wijk_id: int | None,
    active: bool,
) -> bool:
    """One wijk the person coordinates, or (beheerders, ``wijk_id`` None) every area; False if not theirs."""
    if wijk_id is None:
        if not actor.is_beheerder:
            return False
        await switch(session, services, campaign, None, active)
        return True
    wijk = await session.get(Area, wijk_id)
    if wijk is None or wijk.kind != "wijk" or not actor.coordinates(wijk.id):
        return False
    await switch(session, services, campaign, [wijk.id], active)
    return True
