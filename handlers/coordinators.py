"""``/coordinator @naam WIJK`` and ``/coordinator intrekken @naam WIJK``: who may alert an area.

Only beheerders (``BEHEERDERS`` or the beheerder role) appoint coordinators. A group admin
administers their own group only (``/wijk``, ``/campagnes``): anyone can make a Telegram group,
add the bot and link it to a wijk, so letting group admins appoint coordinators would let a
stranger alert every group of that wijk. Coordinators are ``Role`` rows; every refusal says why
and is logged.
"""

from __future__ import annotations

import logging

from handlers.access import Actor, resolve_actor
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from storage.chats import find_area
from storage.models import Area, RoleName
from storage.people import find_person_by_handle, grant_role, revoke_role

log = logging.getLogger(__name__)

REVOKE_WORDS = frozenset({"intrekken", "weg", "revoke", "remove"})


def refuse(incoming: Incoming, reason: Msg) -> Reply:
    """The catalog's "not allowed" answer, logged with who asked what where."""
    log.info(
        "refused /%s %r from %s:%s in chat %s: %s",
        incoming.command,
        incoming.args[:80],
        incoming.platform,
        incoming.sender.external_id if incoming.sender else "-",
        incoming.chat_id,
        reason.key,
    )
    return Reply.say("error.not_allowed", reason=reason)


def may_appoint(actor: Actor) -> Msg | None:
    """None when allowed, else the reason."""
    return None if actor.is_beheerder else Msg.of("reason.beheerder")


async def coordinator(incoming: Incoming, services: Services) -> list[Reply]:
    words = incoming.args.split()
    revoking = bool(words) and words[0].lower() in REVOKE_WORDS
    words = words[1:] if revoking else words
    if not words:
        return [Reply.say("coordinator.usage")]
    handle, area_name = words[0], " ".join(words[1:])
    async with services.db() as session:
        actor = await resolve_actor(session, incoming, services)
        area = await find_area(session, area_name) if area_name else None
        if area is None and not area_name and actor.chat.area_id is not None:
            area = await session.get(Area, actor.chat.area_id)
        if area is None:
            return [Reply.say("coordinator.unknown_area", name=area_name[:100] or "-")]
        reason = may_appoint(actor)
        if reason is not None:
            return [refuse(incoming, reason)]
        person = await find_person_by_handle(session, incoming.platform, handle)
        if person is None:
            return [Reply.say("coordinator.unknown_person", name=handle[:64])]
        now = services.clock.now()
        if revoking:
            changed = await revoke_role(session, person.id, RoleName.COORDINATOR, area.id)
            key = "coordinator.revoked" if changed else "coordinator.was_not"
        else:
            changed = await grant_role(session, person.id, RoleName.COORDINATOR, area.id, now)
            key = "coordinator.granted" if changed else "coordinator.already"
        await session.commit()
    if changed:
        log.info(
            "coordinator %s: person %s area %s by %s",
            "revoked" if revoking else "granted",
            person.pseudonym,
            area.key,
            actor.person.pseudonym if actor.person else "-",
        )
    return [Reply.say(key, name=person.display_name or handle, area=area.name)]
