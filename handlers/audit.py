"""Every refusal is stored: who (pseudonym), what (command or button), where (chat), when, why.

The dispatcher calls :func:`record_refusals` with each update's replies, so a refusal written in any
handler — the shared ``error.not_allowed`` answer and the few feature-specific ones below — lands in
the ``audit`` table without each call site remembering to. ``/audit`` shows beheerders the latest.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from storage.audit import add_audit, recent_audit
from storage.chats import get_chat
from storage.outbox import aware
from storage.people import get_person

log = logging.getLogger(__name__)

# Refusal answers that carry no ``reason`` parameter: the key itself is the reason.
OWN_REASON_KEYS = frozenset({"campaigns.not_allowed", "campaigns.only_group_admin", "kit.not_coordinator"})
AUDIT_LIMIT = 20


def refusal_reasons(replies: list[Reply]) -> list[str]:
    """The reason keys of every refusal among ``replies``."""
    reasons: list[str] = []
    for reply in replies:
        for part in reply.parts:
            if part.key == "error.not_allowed":
                reason = part.params.get("reason")
                reasons.append(reason.key if isinstance(reason, Msg) else "error.not_allowed")
            elif part.key in OWN_REASON_KEYS:
                reasons.append(part.key)
    return reasons


def action_of(incoming: Incoming) -> str:
    """What was asked, short and without free text (that may hold personal data)."""
    if incoming.callback_data is not None:
        return f"knop {incoming.callback_data}"[:120]
    if incoming.command is not None:
        first = incoming.args.split(maxsplit=1)[0][:40] if incoming.args.strip() else ""
        return f"/{incoming.command} {first}".strip()[:120]
    return incoming.kind.value


async def record_refusals(
    session: AsyncSession, incoming: Incoming, replies: list[Reply], services: Services
) -> None:
    """Store one audit row per refusal in ``replies`` (in the update's transaction, under a savepoint);
    never lets a failure reach the user."""
    reasons = refusal_reasons(replies)
    if not reasons:
        return
    try:
        async with session.begin_nested():
            await _store(session, incoming, services, reasons)
    except Exception:
        log.exception("could not store the audit row for %s", action_of(incoming))


async def _store(session: AsyncSession, incoming: Incoming, services: Services, reasons: list[str]) -> None:
    chat = await get_chat(session, incoming.platform, incoming.chat_id)
    person = (
        await get_person(session, incoming.platform, incoming.sender.external_id) if incoming.sender else None
    )
    place = (chat.title or "groep") if chat is not None and chat.kind != "private" else "privé"
    for reason in reasons:
        await add_audit(
            session,
            created_at=services.clock.now(),
            who=person.pseudonym if person else "-",
            person_id=person.id if person else None,
            platform=str(incoming.platform),
            chat_id=chat.id if chat else None,
            place=place[:160],
            action=action_of(incoming),
            reason=reason[:80],
        )
        log.info(
            "refused %s from %s in %s: %s",
            action_of(incoming),
            person.pseudonym if person else "-",
            place,
            reason,
        )


async def audit(incoming: Incoming, services: Context) -> list[Reply]:
    """``/audit``: the latest refusals, for beheerders only (in their private chat)."""
    session, actor = services.session, services.actor
    await session.flush()
    if not actor.is_beheerder:
        return [Reply.say("error.not_allowed", reason=Msg.of("reason.beheerder"))]
    entries = await recent_audit(session, AUDIT_LIMIT)
    if not entries:
        return [Reply.say("audit.empty")]
    tz = services.settings.tz
    lines = tuple(
        Msg.of(
            "audit.line",
            at=_local(e.created_at, tz),
            who=e.who,
            action=e.action,
            place=e.place,
            reason=e.reason,
        )
        for e in entries
    )
    return [Reply((Msg.of("audit.header", count=len(entries)), Msg.of("text.lines", lines=lines)))]


def _local(moment: datetime, tz: tzinfo) -> str:
    stored = aware(moment)
    return stored.astimezone(tz).strftime("%d-%m %H:%M") if stored else "-"
