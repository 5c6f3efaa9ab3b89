"""A private message nobody else answered never dead-ends: 112 first, then /melding and /hulp.

Groups stay quiet (chatter gets no answer there). In a private chat the model's reading decides the
wording: something that sounds like a report is pointed to /melding, anything unclear gets the
/hulp situations as buttons, and plain chatter a one-line pointer.
"""

from __future__ import annotations

from handlers.referrals.answer import menu
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from handlers.understanding.taxonomy import Kind
from handlers.understanding.understand import understand

# Chatter this sure ("bedankt!", "hoi") gets the short pointer instead of the menu.
CHATTER_SURE = 0.7


def private_reply(text: str) -> Reply:
    """The answer to an unclaimed private text, built from the model's reading of it."""
    understood = understand(text)
    danger = (
        Msg.of("referrals.danger_now") if understood.danger_now else Msg.of("understanding.fallback.danger")
    )
    if (
        understood.kind is Kind.CHATTER
        and understood.kind_confidence >= CHATTER_SURE
        and not understood.danger_now
    ):
        return Reply((Msg.of("understanding.fallback.chatter"),))
    intro = (
        "understanding.fallback.report"
        if understood.kind is Kind.REPORT
        else "understanding.fallback.unclear"
    )
    return Reply((danger, Msg.of(intro)), buttons=menu().buttons)


async def private_fallback(incoming: Incoming, services: Services) -> list[Reply]:
    """Text nobody claimed: quiet in groups; in private 112 first, then what the bot can do."""
    if incoming.is_group or not incoming.text.strip():
        return []
    return [private_reply(incoming.text)]
