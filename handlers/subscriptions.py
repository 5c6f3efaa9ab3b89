"""Opt-in area alerts (``aanmelden WIJK``, ``STOP``) and registering a coordinator's WhatsApp group.

Subscriptions belong to a private chat, so they work on every platform; on WhatsApp they are how
residents get alerts at all (the bot cannot join their groups). STOP is honoured at once, always.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import core
from handlers.context import Context
from handlers.places.names import match_name, match_prefix
from handlers.types import ChatKind, Incoming, Platform, Reply
from storage.chats import area_key, ensure_chat, list_areas
from storage.models import Area
from storage.whatsapp import add_forward_kit, subscribe, subscribed_areas, unsubscribe_all

# Words routed to "stop" that only cancel a dialog: "annuleer" must not end someone's alerts.
DIALOG_ONLY = frozenset({"annuleer"})


async def _known(session: AsyncSession) -> tuple[str, str]:
    """The wijken by name (buurten are too many to list) and one as an example."""
    names = [area.name for area in await list_areas(session) if area.parent_id is None]
    return (", ".join(names) or "-"), (names[0] if names else "Krispijn")


async def _wijk(session: AsyncSession, area: Area) -> Area:
    """Alerts go to wijken: a buurt's name subscribes to the wijk it lies in."""
    parent = await session.get(Area, area.parent_id) if area.parent_id is not None else None
    return parent or area


async def aanmelden(incoming: Incoming, services: Context) -> list[Reply]:
    """``aanmelden WIJK``: this chat gets the area's alerts; without a name: what you get now."""
    name = incoming.args.strip()
    session, actor = services.session, services.actor
    known, example = await _known(session)
    if not name:
        current = await subscribed_areas(session, actor.chat.id)
        await session.flush()
        if current:
            return [Reply.say("subscribe.current", areas=", ".join(a.name for a in current))]
        return [Reply.say("subscribe.usage", example=example, known=known)]
    match = match_name(await list_areas(session), name)
    if match.exact is None:
        await session.flush()
        if match.suggestion is not None:
            return [
                Reply.say("places.subscribe_did_you_mean", name=name[:100], suggestion=match.suggestion.name)
            ]
        return [Reply.say("subscribe.unknown", name=name[:100], known=known, example=example)]
    area = await _wijk(session, match.exact)
    new = await subscribe(session, actor.chat.id, area.id, services.clock.now())
    await session.flush()
    return [Reply.say("subscribe.done" if new else "subscribe.already", area=area.name)]


async def stop(incoming: Incoming, services: Context) -> list[Reply]:
    """STOP ends a dialog and every subscription of this chat; /annuleer only ends the dialog."""
    replies = await core.stop(incoming, services)
    if incoming.command in DIALOG_ONLY:
        return replies
    session, actor = services.session, services.actor
    removed = await unsubscribe_all(session, actor.chat.id)
    await session.flush()
    nothing_running = bool(replies) and replies[0].parts[0].key == "stop.nothing"
    if removed or (nothing_running and not incoming.is_group):
        # Someone who sends STOP wants to hear "no more messages", also when nothing was subscribed.
        return [Reply.say("subscribe.stopped")]
    return replies


async def _split_area_and_name(session: AsyncSession, args: str) -> tuple[Area | None, str]:
    """``"Oud Krispijn Buurtapp Noord"`` → the longest leading words that name an area, and the rest."""
    found = match_prefix(await list_areas(session), args)
    if found.area is None or not found.rest:
        return None, ""
    return await _wijk(session, found.area), found.rest


async def whatsappgroep(incoming: Incoming, services: Context) -> list[Reply]:
    """``/whatsappgroep WIJK NAAM``: a coordinator's own WhatsApp group gets alerts via a forward kit."""
    now = services.clock.now()
    session, actor = services.session, services.actor
    area, group_name = await _split_area_and_name(session, incoming.args)
    if area is None or not group_name or actor.person is None:
        _, example = await _known(session)
        await session.flush()
        return [Reply.say("kit.usage", example=example)]
    if not actor.coordinates(area.id):
        await session.flush()
        return [Reply.say("kit.not_coordinator", area=area.name)]
    group_name = group_name[:100]
    external_id = f"group:{area.key}:{area_key(group_name)}"[:64]
    group = await ensure_chat(
        session, Platform.WHATSAPP, external_id, ChatKind.WHATSAPP_GROUP, group_name, now
    )
    group.area_id = area.id
    new = await add_forward_kit(session, group.id, actor.chat.id, actor.person.id, now)
    await session.flush()
    return [Reply.say("kit.registered" if new else "kit.already", group=group_name, area=area.name)]
