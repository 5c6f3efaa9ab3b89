"""``/team nieuw NAAM WIJK[, WIJK]``, ``/team leider NAAM @persoon``, ``/team groep NAAM``, ``/team``.

A coordinator of the wijk (or a beheerder) makes a team and appoints its teamleider; the
teamleider then plans rounds for it. On Telegram ``@username`` names the person; display names
work on the console, but on WhatsApp a display name is chosen by its owner, so appointing by it is
unsafe there (anyone can call themselves "Ans").
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.places.names import match_name
from handlers.types import Incoming, Msg, Reply
from storage.chats import area_key, list_areas
from storage.models import Area
from storage.patrols import PatrolTeam, PatrolTeamArea, TeamRole, join_team, leads, team_area_ids
from storage.people import find_person_by_handle

MAX_NAME_WORDS = 6


async def team(incoming: Incoming, services: Context) -> list[Reply]:
    word, _, rest = incoming.args.strip().partition(" ")
    match word.lower():
        case "nieuw" | "new":
            return await _create(incoming, services, rest.strip())
        case "leider" | "teamleider" | "leader":
            return await _leader(incoming, services, rest.strip())
        case "groep" | "group":
            return await _group(incoming, services, rest.strip())
        case _:
            return await _list(incoming, services)


def split_name_and_wijken(words: list[str], areas: list[Area]) -> tuple[str, list[Area]] | None:
    """``Zuid Team Oud Krispijn, Reeland`` → ("Zuid Team", [Oud Krispijn, Reeland]): the shortest
    team name after which every comma-separated part is a known wijk."""
    for count in range(1, min(MAX_NAME_WORDS, len(words) - 1) + 1):
        parts = [p.strip() for p in " ".join(words[count:]).split(",") if p.strip()]
        found = [match_name(areas, part).exact for part in parts]
        if parts and all(area is not None for area in found):
            return " ".join(words[:count]), [area for area in found if area is not None]
    return None


async def _create(incoming: Incoming, services: Context, args: str) -> list[Reply]:
    session, actor = services.session, services.actor
    wijken = [a for a in await list_areas(session) if a.parent_id is None]
    parsed = split_name_and_wijken(args.split(), wijken)
    if parsed is None:
        return [Reply.say("patrols.team.usage")]
    name, areas = parsed
    if not all(actor.coordinates(area.id) for area in areas):
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    if await session.scalar(select(PatrolTeam.id).where(PatrolTeam.key == area_key(name))) is not None:
        return [Reply.say("patrols.team.exists", name=name)]
    now = services.clock.now()
    row = PatrolTeam(
        name=name[:100],
        key=area_key(name),
        chat_id=actor.chat.id if incoming.is_group else None,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    for area in areas:
        session.add(PatrolTeamArea(team_id=row.id, area_id=area.id))
    await session.flush()
    where = "patrols.team.group_here" if incoming.is_group else "patrols.team.group_later"
    wijk_names = ", ".join(area.name for area in areas)
    return [
        Reply((Msg.of("patrols.team.created", name=row.name, areas=wijk_names), Msg.of(where, name=row.name)))
    ]


async def _find_team(session: AsyncSession, name: str) -> PatrolTeam | None:
    found: PatrolTeam | None = await session.scalar(
        select(PatrolTeam).where(PatrolTeam.key == area_key(name))
    )
    return found


async def may_manage(session: AsyncSession, actor: Actor, row: PatrolTeam, *, leader_ok: bool) -> bool:
    """Coordinators of one of the team's wijken (and beheerders); with ``leader_ok`` its teamleider."""
    if any(actor.coordinates(area_id) for area_id in await team_area_ids(session, row.id)):
        return True
    return leader_ok and actor.person is not None and row.id in await leads(session, actor.person.id)


async def _leader(incoming: Incoming, services: Context, args: str) -> list[Reply]:
    words = args.split()
    if len(words) < 2:
        return [Reply.say("patrols.team.usage")]
    name, handle = " ".join(words[:-1]), words[-1]
    session, actor = services.session, services.actor
    row = await _find_team(session, name)
    if row is None:
        return [Reply.say("patrols.team.unknown", name=name[:100])]
    if not await may_manage(session, actor, row, leader_ok=False):
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    person = await find_person_by_handle(session, incoming.platform, handle)
    if person is None:
        return [Reply.say("coordinator.unknown_person", name=handle[:64])]
    await join_team(session, row.id, person.id, services.clock.now(), TeamRole.LEADER)
    await session.flush()
    return [Reply.say("patrols.team.leader", name=person.display_name or handle, team=row.name)]


async def _group(incoming: Incoming, services: Context, name: str) -> list[Reply]:
    if not incoming.is_group:
        return [Reply.say("patrols.team.group_only")]
    session, actor = services.session, services.actor
    row = await _find_team(session, name)
    if row is None:
        return [Reply.say("patrols.team.unknown", name=name[:100] or "-")]
    if not await may_manage(session, actor, row, leader_ok=True):
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    row.chat_id = actor.chat.id
    await session.flush()
    return [Reply.say("patrols.team.group_set", name=row.name)]


async def _list(incoming: Incoming, services: Context) -> list[Reply]:
    session = services.session
    rows = list(await session.scalars(select(PatrolTeam).order_by(PatrolTeam.name)))
    lines: list[Msg] = []
    for row in rows:
        ids = await team_area_ids(session, row.id)
        areas = [area.name for area in await session.scalars(select(Area).where(Area.id.in_(ids)))]
        lines.append(Msg.of("patrols.team.line", name=row.name, areas=", ".join(areas) or "-"))
    if not lines:
        return [Reply((Msg.of("patrols.team.none"), Msg.of("patrols.team.usage")))]
    return [Reply((Msg.of("patrols.team.list_title"), Msg.of("text.lines", lines=tuple(lines))))]
