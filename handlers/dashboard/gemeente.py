"""``/gemeente @naam`` and ``/gemeente intrekken @naam``: a beheerder appoints the municipal team.

The gemeente role has no wijk: it reads statistics and exports of the whole city on the dashboard,
never report texts or people. Appointing works like ``/coordinator`` (the same unforgeable handles).
"""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.coordinators import REVOKE_WORDS, find_candidate, may_appoint, refuse
from handlers.types import Incoming, Reply
from storage.models import RoleName
from storage.people import grant_role, revoke_role

log = logging.getLogger(__name__)


async def gemeente(incoming: Incoming, services: Context) -> list[Reply]:
    words = incoming.args.split()
    revoking = bool(words) and words[0].lower() in REVOKE_WORDS
    words = words[1:] if revoking else words
    if len(words) != 1:
        return [Reply.say("gemeente.usage")]
    handle = words[0]
    session, actor = services.session, services.actor
    reason = may_appoint(actor)
    if reason is not None:
        return [refuse(incoming, reason)]
    person, problem = await find_candidate(session, incoming.platform, handle)
    if person is None:
        return [Reply.say(problem or "coordinator.unknown_person", name=handle[:64])]
    if revoking:
        changed = await revoke_role(session, person.id, RoleName.GEMEENTE, None)
        key = "gemeente.revoked" if changed else "gemeente.was_not"
    else:
        changed = await grant_role(session, person.id, RoleName.GEMEENTE, None, services.clock.now())
        key = "gemeente.granted" if changed else "gemeente.already"
    await session.flush()
    if changed:
        log.info("gemeente role %s: person %s", "revoked" if revoking else "granted", person.pseudonym)
    return [Reply.say(key, name=person.display_name or handle)]
