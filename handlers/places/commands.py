"""/wijk and /wijken: link a group to a known place, list places, and (beheerders) manage them.

A wijk is never created by a typo: ``/wijk Krispyn`` asks "Bedoel je Oud Krispijn?", and only a
beheerder's explicit ``/wijk nieuw NAAM`` makes a new one. Rename and merge move everything that
hangs on the area and are logged with the beheerder's pseudonym.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor, Audience
from handlers.context import Context, after_commit
from handlers.coordinators import refuse
from handlers.core import link_area, link_to
from handlers.places.names import match_name
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply, button_action
from storage.audit import add_audit
from storage.chats import create_area, list_areas
from storage.models import Area, Chat
from storage.places import merge_areas, rename_area

log = logging.getLogger(__name__)

_MANAGE = ("nieuw", "hernoem", "samenvoegen")
# "/wijk hernoem Oud Krispijn naar Krispijn-Oud": names have spaces, so a word or arrow separates.
_INTO = re.compile(r"\s+(?:naar|in|into|to|->|→|>)\s+", re.IGNORECASE)


async def wijk(incoming: Incoming, services: Context) -> list[Reply]:
    """/wijk NAAM in a group links it; /wijk nieuw|hernoem|samenvoegen manage places (beheerders)."""
    head, _, rest = incoming.args.strip().partition(" ")
    if head.lower() in _MANAGE:
        return await _manage(incoming, services, head.lower(), rest.strip())
    if not incoming.is_group:
        return [Reply.say("places.wijk_private")]
    return await link_area(incoming, services)


async def _manage(incoming: Incoming, services: Context, action: str, args: str) -> list[Reply]:
    session, actor = services.session, services.actor
    if not actor.may(Audience.BEHEERDER):
        return [refuse(incoming, Msg.of("reason.beheerder"))]
    areas = await list_areas(session)
    if action == "nieuw":
        replies = await _create(session, services, areas, args)
    elif action == "hernoem":
        replies = await _rename(session, services, areas, args)
    else:
        replies = await _merge(session, services, areas, args)
    if replies and replies[0].parts and replies[0].parts[0].key.endswith(".done"):
        await _audit(session, services, incoming, actor, action, args)
        await session.flush()
        after_commit(session, services.places.forget)
    return replies


async def _audit(
    session: AsyncSession, services: Services, incoming: Incoming, actor: Actor, action: str, args: str
) -> None:
    """Rename, merge and new wijken go into the audit table beside the refusals (who, what, when)."""
    who = actor.person.pseudonym if actor.person else "-"
    await add_audit(
        session,
        created_at=services.clock.now(),
        who=who,
        person_id=actor.person.id if actor.person else None,
        platform=str(incoming.platform),
        chat_id=actor.chat.id,
        place="privé" if not incoming.is_group else (actor.chat.title or "groep")[:160],
        action=f"/wijk {action} {args}"[:120],
        reason=f"places.{action}",
    )
    log.info("places: %s %s by %s", action, args[:120], who)


async def _create(session: AsyncSession, services: Services, areas: list[Area], name: str) -> list[Reply]:
    if not name:
        return [Reply.say("places.usage")]
    if match_name(areas, name).exact is not None:
        return [Reply.say("places.exists", name=name[:100])]
    area = await create_area(session, name, services.clock.now())
    return [Reply.say("places.created.done", name=area.name)]


def _two_names(args: str) -> tuple[str, str] | None:
    parts = _INTO.split(args, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    return parts[0].strip(), parts[1].strip()


def _known(areas: list[Area], name: str) -> Area | Reply:
    """The area called ``name``, or the reply that says it is unknown (with a suggestion)."""
    match = match_name(areas, name)
    if match.exact is not None:
        return match.exact
    if match.suggestion is not None:
        return Reply.say("places.did_you_mean_name", name=name[:100], suggestion=match.suggestion.name)
    return Reply.say("places.unknown", name=name[:100])


async def _rename(session: AsyncSession, services: Services, areas: list[Area], args: str) -> list[Reply]:
    names = _two_names(args)
    if names is None:
        return [Reply.say("places.usage")]
    area = _known(areas, names[0])
    if isinstance(area, Reply):
        return [area]
    clash = match_name(areas, names[1]).exact
    if clash is not None and clash.id != area.id:
        return [Reply.say("places.exists", name=names[1][:100])]
    old = area.name
    await rename_area(session, area, names[1])
    return [Reply.say("places.renamed.done", old=old, name=area.name)]


async def _merge(session: AsyncSession, services: Services, areas: list[Area], args: str) -> list[Reply]:
    names = _two_names(args)
    if names is None:
        return [Reply.say("places.usage")]
    source, target = _known(areas, names[0]), _known(areas, names[1])
    for found in (source, target):
        if isinstance(found, Reply):
            return [found]
    assert isinstance(source, Area) and isinstance(target, Area)
    if source.id == target.id:
        return [Reply.say("places.same")]
    source_name = source.name
    await merge_areas(session, source, target)
    return [Reply.say("places.merged.done", source=source_name, name=target.name)]


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``pl:pick:ID`` links the group to the suggested area; ``pl:no`` lists what is known."""
    action, raw_id = button_action(incoming.callback_data)
    session, actor = services.session, services.actor
    if not incoming.is_group or not actor.may(Audience.GROUP_ADMIN):
        return [refuse(incoming, Msg.of("reason.group_admin"))]
    if action == "pick" and raw_id.isdigit():
        area = await session.get(Area, int(raw_id))
        if area is not None:
            return await link_to(session, incoming, services, actor, area)
    if action != "no":
        return [Reply.say("error.stale_button")]
    known = ", ".join(a.name for a in await list_areas(session) if a.parent_id is None) or "-"
    key = "places.not_meant_beheerder" if actor.is_beheerder else "wijk.unknown"
    return [Reply.say(key, name="-", known=known)]


async def wijken(incoming: Incoming, services: Context) -> list[Reply]:
    """/wijken: the wijken (and places without a wijk) with their groups; titles for coordinators."""
    session, actor = services.session, services.actor
    areas = [a for a in await list_areas(session) if a.parent_id is None]
    if not areas:
        return [Reply.say("places.none")]
    counted = await session.execute(select(Area.parent_id, func.count()).group_by(Area.parent_id))
    buurten: dict[int | None, int] = {parent: count for parent, count in counted.tuples()}
    lines = [await _line(session, actor, area, buurten.get(area.id, 0)) for area in areas]
    return [Reply((Msg.of("places.list_title", count=len(areas)), Msg.of("text.lines", lines=tuple(lines))))]


async def _line(session: AsyncSession, actor: Actor, area: Area, buurten: int) -> Msg:
    groups = list(
        await session.scalars(
            select(Chat.title).where(Chat.area_id == area.id, Chat.kind == "group", Chat.active.is_(True))
        )
    )
    code = area.code or "-"
    if actor.coordinates(area.id) and groups:
        names = ", ".join(title or "?" for title in groups)
        return Msg.of("places.line_groups", name=area.name, code=code, buurten=buurten, groups=names)
    return Msg.of("places.line", name=area.name, code=code, buurten=buurten, count=len(groups))
