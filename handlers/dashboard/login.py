"""``/dashboard``: a one-time login link for the web dashboard, in a private chat only.

The link opens a session once, within 10 minutes (storage/dashboard.py). Only coordinators,
beheerders and the gemeente get one; anyone else hears kindly that the dashboard is not for them.
"""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.dashboard.viewer import load_viewer
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from storage.audit import add_audit
from storage.dashboard import LOGIN_VALID, create_login_token

log = logging.getLogger(__name__)


def login_url(services: Services, token: str) -> str:
    return f"{services.settings.dashboard_url}/dashboard/login?token={token}"


async def dashboard(incoming: Incoming, services: Context) -> list[Reply]:
    now = services.clock.now()
    session, actor = services.session, services.actor
    viewer = await load_viewer(session, services, actor.person.id) if actor.person else None
    if actor.person is None or viewer is None or not viewer.may_use:
        return [Reply.say("dashboard.link.refused")]
    token = await create_login_token(session, actor.person.id, now)
    await add_audit(
        session,
        created_at=now,
        who=actor.person.pseudonym,
        person_id=actor.person.id,
        platform=str(incoming.platform),
        chat_id=actor.chat.id,
        place="privé",
        action="/dashboard",
        reason="dashboard.audit.link",
    )
    await session.flush()
    minutes = int(LOGIN_VALID.total_seconds() // 60)
    log.info("dashboard login link for %s", actor.person.pseudonym)
    return [Reply((Msg.of("dashboard.link.sent", url=login_url(services, token), minutes=minutes),))]
