"""What happens to a verified WhatsApp webhook: statuses recorded, each message stored, then handled.

While Meta waits for its 200 we only do the quick, durable part, in one transaction: record delivery
statuses, refresh the 24 h window, and store each message in the inbox under its ``wamid`` (so a
retry, or the same body posted to another worker, adds nothing). Each message is its own inbox row,
not the whole body: Meta may batch a redelivery differently, and one message that fails must not
hold back or repeat the others. The routing runs from the inbox (bot/inbox.py); one person's
messages are handled one at a time, in the order they came. A typed number is translated into the
button it stands for at handling time, against the menu the previous reply left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.whatsapp.parse import Parsed, parse_webhook
from bot.adapters.whatsapp.words import DEFAULT_COMMAND_WORDS
from bot.app import App
from handlers.types import EventKind, Incoming, Platform
from storage.inbox import InboxRow, NewInbound
from storage.whatsapp import WhatsAppContact, get_contact, record_inbound, record_status

log = logging.getLogger(__name__)


def press_numbered(incoming: Incoming, contact: WhatsAppContact) -> Incoming:
    """ "3" after a numbered menu (more than 10 choices) means pressing choice 3."""
    text = incoming.text.strip().rstrip(".")
    if incoming.kind is not EventKind.MESSAGE or not contact.menu or not text.isdigit():
        return incoming
    number = int(text)
    if not 1 <= number <= len(contact.menu):
        return incoming
    return replace(incoming, kind=EventKind.CALLBACK, callback_data=contact.menu[number - 1], text="")


class WhatsAppIntake:
    def __init__(self, app: App, words: Mapping[str, str] = DEFAULT_COMMAND_WORDS) -> None:
        self._app = app
        self._words = words
        self._locks: dict[str, asyncio.Lock] = {}  # per number: one person's messages in order
        self._users: dict[str, int] = {}  # how many rows hold or wait for each lock
        app.inbox.add_handler(Platform.WHATSAPP, self.handle_row)

    async def on_update(self, parsed: Parsed) -> None:
        """Called by the webhook endpoint for every verified body; raises when nothing was stored."""
        items = [
            NewInbound(
                Platform.WHATSAPP, incoming.delivery_id, json.dumps(parsed.bodies[incoming.delivery_id])
            )
            for incoming in parsed.incoming
            if incoming.delivery_id in parsed.bodies
        ]

        async def record(session: AsyncSession) -> None:
            for status in parsed.statuses:
                await record_status(
                    session, status.message_id, status.status, status.recipient_id, status.at,
                    status.error_code, status.error_title,
                )  # fmt: skip
            for incoming in parsed.incoming:
                await record_inbound(session, incoming.chat_id, incoming.received_at)

        await self._app.inbox.take(items, record)

    async def handle_row(self, row: InboxRow) -> bool:
        """One stored message through the router (its row is marked done with the replies)."""
        parsed = parse_webhook(json.loads(row.payload), row.received_at, self._words)
        if not parsed.incoming:
            return False
        incoming = parsed.incoming[0]
        async with self._turn(incoming.chat_id):
            incoming = await self._with_menu_choice(incoming)
            await self._app.handle(incoming, row.id)
        return True

    async def _with_menu_choice(self, incoming: Incoming) -> Incoming:
        if incoming.kind is not EventKind.MESSAGE or not incoming.text.strip().rstrip(".").isdigit():
            return incoming  # the common case needs no look-up
        async with self._app.services.db() as session:
            contact = await get_contact(session, incoming.chat_id)
        return press_numbered(incoming, contact) if contact is not None else incoming

    @contextlib.asynccontextmanager
    async def _turn(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def idle(self) -> None:
        """Wait until every message received so far is handled (tests, shutdown)."""
        await self._app.inbox.idle()
