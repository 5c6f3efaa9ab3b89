"""Numbered replies: Signal has no buttons, so a reply's buttons are sent as "1. …  2. …" lines.

Which menu a number answers is read back from the outbox (no table of our own): a reaction with a
keycap emoji (1️⃣ … 🔟) or a quoted reply answers the message it points at (its Signal timestamp
is the outbox row's ``platform_message_id``); a bare "2" answers the latest message with buttons
that was sent to this chat. So menus survive restarts and work on every sender worker.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.codec import reply_from_json
from storage.models import OutboxMessage, OutboxStatus

KEYCAPS = {f"{n}\ufe0f\u20e3": n for n in range(10)} | {f"{n}\u20e3": n for n in range(10)} | {"🔟": 10}
LOOK_BACK = 20  # sent rows of a chat searched for the latest menu


def number_of(text: str) -> int | None:
    """ "2", "2." or " 2 " → 2; anything else None."""
    stripped = text.strip().rstrip(".)")
    return int(stripped) if stripped.isdigit() and len(stripped) <= 3 else None


def keycap_number(emoji: str) -> int | None:
    return KEYCAPS.get(emoji)


def _flat(payload: object) -> list[str]:
    if not isinstance(payload, dict):
        return []
    try:
        reply = reply_from_json(payload)
    except (KeyError, TypeError, ValueError):
        return []
    return [button.data for row in reply.buttons for button in row]


async def latest_menu(session: AsyncSession, chat_id: int) -> list[str]:
    """The button data of the latest message with buttons sent to this chat (newest first)."""
    payloads = await session.scalars(
        select(OutboxMessage.payload)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.SENT)
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(LOOK_BACK)
    )
    for payload in payloads:
        if menu := _flat(payload):
            return menu
    return []


async def menu_of_message(session: AsyncSession, chat_id: int, timestamp: int) -> list[str]:
    """The button data of the message the bot sent to this chat at ``timestamp`` (its Signal id)."""
    payload = await session.scalar(
        select(OutboxMessage.payload)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.platform_message_id == str(timestamp))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return _flat(payload)


def pick(menu: list[str], number: int | None) -> str | None:
    if number is None or not 1 <= number <= len(menu):
        return None
    return menu[number - 1]
