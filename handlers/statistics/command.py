"""``/statistiek [wijk] [week|maand|jaar]``: coordinators see their wijken, beheerders everything.

Statistics are never posted in a group: there the answer goes to the asker's private chat, and
someone who may not see them gets no answer at all (the group sees nothing either way).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.places.names import match_name
from handlers.services import Services
from handlers.statistics.period import Request, parse_request, range_ending
from handlers.statistics.text import statistics_reply
from handlers.types import Incoming, Msg, Reply
from storage.chats import list_areas
from storage.models import Area, RoleName
from storage.patrols import round_stats
from storage.statistics import Scope, area_scope, city_scope, statistics

CITY_WORDS = frozenset({"stad", "alle", "city", "all", "gemeente"})


async def statistiek(incoming: Incoming, services: Context) -> list[Reply]:
    request = parse_request(incoming.args)
    session, actor = services.session, services.actor
    if not actor.is_coordinator:
        return [] if incoming.is_group else [refuse(incoming, Msg.of("reason.coordinator"))]
    found = await _scope(session, services, actor, request)
    if isinstance(found, Reply):
        replies = [found]
    else:
        start, end = range_ending(services.clock.now(), request.period)
        stats = await statistics(session, found, start, end)
        area_ids = list(found.area_ids) if found.area_ids is not None else None
        rounds = await round_stats(session, area_ids, start, end)  # patrols count in the wijk too
        replies = [statistics_reply(services.catalog, stats, request.period, rounds)]
    if incoming.is_group:
        return [Reply(r.parts, private_to_sender=True) for r in replies]
    return replies


def coordinated_wijken(actor: Actor, areas: list[Area]) -> list[Area]:
    ids = {r.area_id for r in actor.roles if r.role == RoleName.COORDINATOR}
    return [a for a in areas if a.id in ids]


def may_see(actor: Actor, area: Area) -> bool:
    """A coordinator of a wijk also sees its buurten."""
    return actor.coordinates(area.id) or (area.parent_id is not None and actor.coordinates(area.parent_id))


async def _scope(session: AsyncSession, services: Services, actor: Actor, request: Request) -> Scope | Reply:
    areas = await list_areas(session)
    name = request.name.strip()
    city = services.catalog.render(Msg.of("statistics.city"))
    if not name or name.casefold() in CITY_WORDS:
        if actor.is_beheerder:
            return await city_scope(session, city)
        own = coordinated_wijken(actor, areas)
        if len(own) == 1 and not name:
            return await area_scope(session, own[0])
        return Reply.say("statistics.which", wijken=", ".join(a.name for a in own) or "-")
    match = match_name(areas, name)
    if match.exact is None:
        if match.suggestion is not None and may_see(actor, match.suggestion):
            return Reply.say(
                "statistics.did_you_mean", name=match.suggestion.name, period=request.period.value
            )
        return Reply.say("statistics.unknown", name=name[:100])
    if not may_see(actor, match.exact):
        return Reply.say("error.not_allowed", reason=Msg.of("reason.coordinator"))
    return await area_scope(session, match.exact)
