"""``/ronde nieuw WIJK WANNEER``, ``/ronde start``, ``/ronde einde`` and ``/rondes``.

A coordinator of the wijk or a teamleider of a team that walks there plans rounds; the round's
sign-up message goes out at once when it falls within the coming week (the scheduler announces
later occurrences when their week comes).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.patrols.plan import add_schedule, materialise
from handlers.patrols.show import area_name, when
from handlers.patrols.signup import ANNOUNCE_AHEAD, announce
from handlers.patrols.walk import end_round, start_round
from handlers.patrols.when import WhenError, parse_when
from handlers.places.names import match_prefix
from handlers.types import Incoming, Msg, Reply
from storage.chats import list_areas
from storage.models import Area
from storage.outbox import aware
from storage.patrols import PatrolMember, PatrolTeam, leads, rounds_between, teams_in_area, walker_count

LIST_AHEAD = timedelta(days=7)


async def ronde(incoming: Incoming, services: Context) -> list[Reply]:
    word, _, rest = incoming.args.strip().partition(" ")
    match word.lower():
        case "nieuw" | "new" | "plan":
            return await _plan(incoming, services, rest.strip())
        case "start" | "begin":
            return await start_round(incoming, services)
        case "einde" | "eind" | "klaar" | "stop" | "end":
            return await end_round(incoming, services)
        case _:
            return [Reply.say("patrols.round.usage")]


async def _team_for(session: AsyncSession, actor: Actor, area: Area) -> PatrolTeam | None:
    """The team that walks in ``area``: this group's team, else one the sender leads, else the first."""
    candidates = await teams_in_area(session, area.id)
    mine = await leads(session, actor.person.id) if actor.person is not None else []
    for row in candidates:
        if row.chat_id == actor.chat.id:
            return row
    for row in candidates:
        if row.id in mine:
            return row
    return candidates[0] if candidates else None


async def _plan(incoming: Incoming, services: Context, args: str) -> list[Reply]:
    now = services.clock.now()
    session, actor = services.session, services.actor
    wijken = [a for a in await list_areas(session) if a.parent_id is None]
    found = match_prefix(wijken, args)
    if found.area is None or not found.rest:
        return [Reply.say("patrols.round.usage")]
    area = found.area
    team = await _team_for(session, actor, area)
    if team is None:
        return [Reply.say("patrols.round.no_team", area=area.name)]
    is_leader = actor.person is not None and team.id in await leads(session, actor.person.id)
    if not (actor.coordinates(area.id) or is_leader):
        return [refuse(incoming, Msg.of("patrols.reason.plan"))]
    try:
        plan = parse_when(found.rest, now, services.settings.tz)
    except WhenError as error:
        return [Reply((Msg.of(error.key), Msg.of("patrols.round.usage")))]
    schedule = await add_schedule(session, team.id, area.id, plan, now)
    await materialise(session, schedule, now, services.settings.tz)
    coming = [
        r
        for r in await rounds_between(session, now, now + ANNOUNCE_AHEAD, [team.id])
        if r.schedule_id == schedule.id
    ]
    for row in coming:
        await announce(session, services, row)
    first = when(coming[0], services.settings.tz) if coming else Msg.of("patrols.round.later")
    key = "patrols.round.planned_recurring" if plan.recurring else "patrols.round.planned_once"
    reply = Reply.say(
        key, area=area.name, team=team.name, first=first, least=plan.min_walkers, most=plan.max_walkers
    )
    await session.flush()
    services.outbox.wake()
    return [reply]


async def rondes(incoming: Incoming, services: Context) -> list[Reply]:
    """The coming week's rounds: of this group's wijk, else of the sender's teams, else all. Counts,
    not names: /rondes may be asked anywhere."""
    now = services.clock.now()
    tz = services.settings.tz
    session, actor = services.session, services.actor
    team_ids = await _teams_of_interest(session, actor)
    lines: list[Msg] = []
    for row in await rounds_between(session, now - timedelta(hours=8), now + LIST_AHEAD, team_ids):
        ends_at = aware(row.ends_at)
        if ends_at is not None and ends_at < now:
            continue
        count = await walker_count(session, row.id)
        lines.append(
            Msg.of(
                f"patrols.list.line_{row.status}",
                id=row.id,
                area=await area_name(session, row),
                when=when(row, tz),
                count=count,
                least=row.min_walkers,
                most=row.max_walkers,
            )
        )
    await session.flush()
    if not lines:
        return [Reply.say("patrols.list.none")]
    return [Reply((Msg.of("patrols.list.title"), Msg.of("text.lines", lines=tuple(lines))))]


async def _teams_of_interest(session: AsyncSession, actor: Actor) -> list[int] | None:
    if actor.chat.area_id is not None:
        return [row.id for row in await teams_in_area(session, actor.chat.area_id)]
    if actor.person is not None:
        mine = list(
            await session.scalars(
                select(PatrolMember.team_id).where(PatrolMember.person_id == actor.person.id)
            )
        )
        if mine:
            return mine
    return None
