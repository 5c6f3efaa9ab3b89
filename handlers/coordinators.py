"""``/coordinator @naam WIJK`` and ``/coordinator intrekken @naam WIJK``: who may alert an area.

On WhatsApp (or for a WhatsApp person) the handle is the phone number in E.164: ``+31612345678``.

Only beheerders (``BEHEERDERS`` or the beheerder role) appoint coordinators. A group admin
administers their own group only (``/wijk``, ``/campagnes``): anyone can make a Telegram group,
add the bot and link it to a wijk, so letting group admins appoint coordinators would let a
stranger alert every group of that wijk. Coordinators are ``Role`` rows; every refusal says why
and is logged.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.types import Incoming, Msg, Platform, Reply
from storage.chats import find_area
from storage.models import Area, Person, RoleName
from storage.people import find_person_by_handle, get_person, grant_role, revoke_role

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


E164 = re.compile(r"\+[1-9]\d{7,14}")


async def find_candidate(
    session: AsyncSession, platform: str, handle: str
) -> tuple[Person | None, str | None]:
    """Who is meant, by something nobody else can copy; else (None, the catalog key of why not).

    A phone number in E.164 (``+31612345678``) names a WhatsApp person; a Telegram @username is
    unique. Display names are not: on WhatsApp anyone can call themselves "Coby", so a display name
    never appoints anyone there (only in the console, which has no other handle). On Signal the
    person's Signal id (uuid, or the number when Signal gives no uuid) is the only handle.
    """
    if platform == Platform.SIGNAL:  # names are free to choose there; the Signal id is not
        found = await get_person(session, Platform.SIGNAL, handle.strip())
        return found, None if found else "coordinator.signal_by_id"
    compact = handle.replace(" ", "").replace("-", "")
    if E164.fullmatch(compact):
        person = await get_person(session, Platform.WHATSAPP, compact.removeprefix("+"))
        return person, None if person else "coordinator.unknown_person"
    if platform == Platform.WHATSAPP:
        return None, "coordinator.whatsapp_by_number"
    name = handle.removeprefix("@").strip().lower()
    if platform == Platform.TELEGRAM:
        found = await session.scalar(
            select(Person).where(Person.platform == platform, func.lower(Person.username) == name)
        )
        return found, None if found else "coordinator.unknown_person"
    return await find_person_by_handle(session, platform, handle), None


def may_appoint(actor: Actor) -> Msg | None:
    """None when allowed, else the reason."""
    return None if actor.is_beheerder else Msg.of("reason.beheerder")


async def coordinator(incoming: Incoming, services: Context) -> list[Reply]:
    words = incoming.args.split()
    revoking = bool(words) and words[0].lower() in REVOKE_WORDS
    words = words[1:] if revoking else words
    if not words:
        return [Reply.say("coordinator.usage")]
    handle, area_name = words[0], " ".join(words[1:])
    session, actor = services.session, services.actor
    area = await find_area(session, area_name) if area_name else None
    if area is None and not area_name and actor.chat.area_id is not None:
        area = await session.get(Area, actor.chat.area_id)
    if area is None:
        return [Reply.say("coordinator.unknown_area", name=area_name[:100] or "-")]
    reason = may_appoint(actor)
    if reason is not None:
        return [refuse(incoming, reason)]
    person, problem = await find_candidate(session, incoming.platform, handle)
    if person is None:
        return [Reply.say(problem or "coordinator.unknown_person", name=handle[:64])]
    now = services.clock.now()
    if revoking:
        changed = await revoke_role(session, person.id, RoleName.COORDINATOR, area.id)
        key = "coordinator.revoked" if changed else "coordinator.was_not"
    else:
        changed = await grant_role(session, person.id, RoleName.COORDINATOR, area.id, now)
        key = "coordinator.granted" if changed else "coordinator.already"
    await session.flush()
    if changed:
        log.info(
            "coordinator %s: person %s area %s by %s",
            "revoked" if revoking else "granted",
            person.pseudonym,
            area.key,
            actor.person.pseudonym if actor.person else "-",
        )
    return [Reply.say(key, name=person.display_name or handle, area=area.name)]
