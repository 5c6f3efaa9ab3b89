"""`/campagnes uit|aan` (a group's own choice) and `/campagne lijst|pauze ID|start ID`.

Coordinators switch campaigns for the areas they coordinate; beheerders for all areas at once
(which clears the areas' own choices, so "pause for everyone" really holds everywhere).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor, Audience
from handlers.campaigns.model import Campaign
from handlers.campaigns.schedule import next_run
from handlers.context import Context
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from storage import campaigns as store
from storage.models import Area, RoleName

_OFF = {"uit", "off", "stop"}
_ON = {"aan", "on", "start"}


async def group_switch(incoming: Incoming, services: Context) -> list[Reply]:
    """`/campagnes` (status), `/campagnes uit`, `/campagnes aan` — for this group."""
    choice = incoming.args.strip().lower()
    session, actor = services.session, services.actor
    if not choice:
        off = await store.is_opted_out(session, actor.chat.id)
        return [Reply.say("campaigns.group_status_off" if off else "campaigns.group_status_on")]
    if choice not in _OFF | _ON:
        return [Reply.say("campaigns.group_status_on")]
    if not actor.may(Audience.GROUP_ADMIN):
        return [Reply.say("campaigns.only_group_admin")]
    await store.set_opt_out(session, actor.chat.id, choice in _OFF, services.clock.now())
    await session.flush()
    return [Reply.say("campaigns.group_off" if choice in _OFF else "campaigns.group_on")]


def _coordinated_areas(actor: Actor) -> list[int]:
    return sorted(
        {r.area_id for r in actor.roles if r.role == RoleName.COORDINATOR and r.area_id is not None}
    )


async def _scope(session: AsyncSession, actor: Actor) -> tuple[list[int] | None, Msg]:
    """None: all areas (beheerder); else the coordinator's areas, with a label for the answer."""
    if actor.is_beheerder:
        return None, Msg.of("campaigns.scope_all")
    area_ids = _coordinated_areas(actor)
    names = await session.scalars(select(Area.name).where(Area.id.in_(area_ids)).order_by(Area.name))
    return area_ids, Msg.of("campaigns.scope_areas", areas=", ".join(names))


def _find(services: Services, campaign_id: str) -> Campaign | None:
    return next((c for c in services.campaigns if c.id == campaign_id.strip().lower()), None)


async def coordinator(incoming: Incoming, services: Context) -> list[Reply]:
    """`/campagne lijst`, `/campagne pauze ID`, `/campagne start ID`."""
    word, _, rest = incoming.args.strip().partition(" ")
    session, actor = services.session, services.actor
    if not actor.is_coordinator:
        return [Reply.say("campaigns.not_allowed")]
    area_ids, scope = await _scope(session, actor)
    match word.lower():
        case "lijst" | "list" | "":
            return [await _list(session, services, area_ids, scope)]
        case "pauze" | "pause" | "start" as action:
            campaign = _find(services, rest)
            if campaign is None:
                return [Reply.say("campaigns.unknown", id=rest.strip()[:40] or "-")]
            active = action == "start"
            await switch(session, services, campaign, area_ids, active)
            await session.flush()
            return [
                Reply.say("campaigns.started" if active else "campaigns.paused", id=campaign.id, scope=scope)
            ]
        case _:
            return [Reply.say("campaigns.usage")]


async def switch(
    session: AsyncSession, services: Services, campaign: Campaign, area_ids: list[int] | None, active: bool
) -> None:
    """Pause or start a campaign for these areas (None: every area, clearing their own choices);
    ``/campagne pauze|start`` and the dashboard's Campagnes page both switch through here."""
    now = services.clock.now()
    for area_id in area_ids if area_ids is not None else [None]:
        await store.set_state(session, campaign.id, area_id, active, now)


async def _list(session: AsyncSession, services: Services, area_ids: list[int] | None, scope: Msg) -> Reply:
    now = services.clock.now()
    lines: list[Msg] = []
    area_id = area_ids[0] if area_ids else None  # a coordinator of several areas sees the first
    for campaign in services.campaigns:
        scoped = await store.states(session, campaign.id)
        active = store.is_active(scoped, area_id, campaign.enabled_by_default)
        explicit = (str(area_id) if area_id is not None else store.ALL_AREAS) in scoped
        state = (
            "campaigns.state_on"
            if active
            else ("campaigns.state_paused" if explicit else "campaigns.state_off")
        )
        upcoming = next_run(campaign, now, services.settings.tz)
        lines.append(
            Msg.of(
                "campaigns.list_line",
                id=campaign.id,
                title=campaign.title.get(services.settings.default_locale),
                state=Msg.of(state),
                next=upcoming.astimezone(services.settings.tz).strftime("%d-%m-%Y %H:%M")
                if upcoming
                else Msg.of("campaigns.next_none"),
            )
        )
    return Reply((Msg.of("campaigns.list_header", scope=scope), *lines))
