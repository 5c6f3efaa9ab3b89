"""The first conversation: /start, /help, /regels, /taal, /wijk, /stop and group membership events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor, Audience
from handlers.area_links import request_link
from handlers.context import Context, after_commit
from handlers.places.names import match_name
from handlers.places.prompts import suggest
from handlers.quiet import privacy_mode_notice
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from messages.catalog import LOCALES
from storage.area_links import pending_request, replace_pending
from storage.chats import create_area, list_areas, migrate_chat, set_active
from storage.dialogs import end_dialog
from storage.models import AppState, Area

# Joins closer together than this count as one burst: the group gets one welcome, not ten.
WELCOME_BURST = timedelta(minutes=10)


async def start(incoming: Incoming, services: Services) -> list[Reply]:
    key = "start.group" if incoming.is_group else "start.private"
    name = incoming.sender.display_name if incoming.sender else ""
    return [Reply.say(key, name=name)]


async def rules(incoming: Incoming, services: Services) -> list[Reply]:
    return [Reply.say("rules.text")]


async def help_(incoming: Incoming, services: Context) -> list[Reply]:
    """Only the commands this person may use here."""
    from handlers.routes import ROUTES  # the table is composed in routes.py, which imports us

    session, actor = services.session, services.actor
    await session.flush()
    lines = [
        Msg.of("help.line", command=name, text=Msg.of(command.help_key))
        for name, command in ROUTES.commands.items()
        if _visible(command.where, incoming) and actor.may(command.audience_in(incoming.is_group))
    ]
    return [Reply((Msg.of("help.header"), Msg.of("text.lines", lines=tuple(lines))))]


def _visible(where: str, incoming: Incoming) -> bool:
    return where == "anywhere" or (where == "group") == incoming.is_group


async def language(incoming: Incoming, services: Context) -> list[Reply]:
    choice = incoming.args.strip().lower()
    if choice not in LOCALES:
        return [Reply.say("taal.usage", choices=" | ".join(LOCALES))]
    session, actor = services.session, services.actor
    if incoming.is_group and not actor.may(Audience.GROUP_ADMIN):
        return [Reply.say("error.not_allowed", reason=Msg.of("reason.group_admin"))]
    actor.chat.locale = choice
    if actor.person is not None and not incoming.is_group:
        actor.person.locale = choice
    await session.flush()
    return [Reply((Msg.of("taal.set"),))]


async def link_area(incoming: Incoming, services: Context) -> list[Reply]:
    """/wijk NAAM links this group to a known area; a near miss asks "Bedoel je …?" first.

    Only beheerders and the area's coordinators link at once; another group admin's request waits
    for their approval (see handlers/area_links.py). A beheerder's unknown name creates the area,
    as before places were data; everyone else sees the known wijken.
    """
    name = incoming.args.strip()
    session, actor = services.session, services.actor
    if not name:
        return [await _current_area(session, actor)]
    if not actor.may(Audience.GROUP_ADMIN):
        return [Reply.say("error.not_allowed", reason=Msg.of("reason.group_admin"))]
    areas = await list_areas(session)
    match = match_name(areas, name)
    if match.exact is not None:
        return await link_to(session, incoming, services, actor, match.exact)
    if match.suggestion is not None:
        return [suggest(name, match.suggestion)]
    if not actor.is_beheerder:
        known = ", ".join(a.name for a in areas if a.parent_id is None) or "-"
        return [Reply.say("wijk.unknown", name=name[:100], known=known)]
    area = await create_area(session, name, services.clock.now())
    actor.chat.area_id = area.id
    await replace_pending(session, actor.chat.id, services.clock.now())
    await session.flush()
    after_commit(session, services.places.forget)
    return [Reply.say("wijk.created_and_linked", name=area.name)]


async def link_to(
    session: AsyncSession, incoming: Incoming, services: Services, actor: Actor, area: Area
) -> list[Reply]:
    """Link the group to ``area`` now (beheerder, the area's coordinator) or file a request."""
    if not actor.coordinates(area.id):
        if actor.chat.area_id == area.id:
            return [Reply.say("wijk.current", name=area.name)]
        return await request_link(session, incoming, services, actor, area)
    actor.chat.area_id = area.id
    await replace_pending(session, actor.chat.id, services.clock.now())
    await session.flush()
    return [Reply.say("wijk.linked", name=area.name)]


async def _current_area(session: AsyncSession, actor: Actor) -> Reply:
    from storage.models import Area

    request = await pending_request(session, actor.chat.id)
    wanted = await session.get(Area, request.area_id) if request else None
    waiting = (Msg.of("wijk.pending", name=wanted.name),) if wanted else ()
    if actor.chat.area_id is None:
        return Reply(waiting or (Msg.of("wijk.none"),))
    area = await session.get(Area, actor.chat.area_id)
    return Reply((Msg.of("wijk.current", name=area.name if area else "?"), *waiting))


async def stop(incoming: Incoming, services: Context) -> list[Reply]:
    """/stop ends whatever dialog this person has in this chat."""
    session, actor = services.session, services.actor
    ended = actor.person is not None and await end_dialog(session, actor.chat.id, actor.person.id)
    await session.flush()
    return [Reply.say("stop.done" if ended else "stop.nothing")]


async def bot_added(incoming: Incoming, services: Context) -> list[Reply]:
    session, actor = services.session, services.actor
    actor.chat.active = True
    await session.flush()
    intro = Reply((Msg.of("group.intro"), Msg.of("rules.text"), Msg.of("group.link_hint")))
    return [intro, *privacy_mode_notice(incoming, services)]


async def bot_removed(incoming: Incoming, services: Context) -> list[Reply]:
    session, actor = services.session, services.actor
    await set_active(session, actor.chat.id, False)
    await session.flush()
    return []


async def members_joined(incoming: Incoming, services: Context) -> list[Reply]:
    """Welcome new members with the house rules, at most once per burst of joins."""
    now = services.clock.now()
    session, actor = services.session, services.actor
    key = f"welcome:{actor.chat.id}"
    last = await session.get(AppState, key)
    if last is not None and now - datetime.fromisoformat(last.value) < WELCOME_BURST:
        last.value = now.isoformat()  # a burst goes on as long as people keep joining
        await session.flush()
        return []
    if last is None:
        session.add(AppState(key=key, value=now.isoformat()))
    else:
        last.value = now.isoformat()
    await session.flush()
    return [Reply((Msg.of("group.welcome"), Msg.of("rules.text")))]


async def chat_migrated(incoming: Incoming, services: Context) -> list[Reply]:
    if incoming.new_chat_id:
        session = services.session
        await migrate_chat(session, incoming.platform, incoming.chat_id, incoming.new_chat_id)
        await session.flush()
    return []
