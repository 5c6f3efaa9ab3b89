"""What happens to a verified WhatsApp webhook: statuses recorded, each message handled once.

While Meta waits for its 200 we only do the quick, durable part: record statuses, claim each
``wamid`` in the database (so a retry or another worker skips it), refresh the 24 h window and
translate a typed number into the button it stands for. The routing itself runs on a few background
workers fed by a queue (one on SQLite, which has a single writer anyway), and one person's messages
are handled one at a time, in the order they came.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any

from bot.app import App
from bot.whatsapp.parse import Parsed
from handlers.types import EventKind, Incoming, Platform
from storage.dedupe import first_delivery
from storage.whatsapp import WhatsAppContact, record_inbound, record_status

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
    def __init__(self, app: App, workers: int | None = None) -> None:
        self._app = app
        sqlite = app.services.settings.database_url.startswith("sqlite")
        self._workers = workers or (1 if sqlite else 8)
        self._queue: asyncio.Queue[Incoming] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, asyncio.Lock] = {}  # per number: one person's messages in order
        self._users: dict[str, int] = {}  # how many workers hold or wait for each lock

    async def on_update(self, parsed: Parsed) -> None:
        """Called by the webhook endpoint for every verified body (must be quick)."""
        for incoming in await self._claim(parsed):
            self._queue.put_nowait(incoming)
        while sum(not task.done() for task in self._tasks) < min(self._workers, self._queue.qsize()):
            self._spawn(self._work())

    async def _claim(self, parsed: Parsed) -> list[Incoming]:
        services = self._app.services
        now = services.clock.now()
        fresh: list[Incoming] = []
        async with services.db() as session:
            for status in parsed.statuses:
                await record_status(
                    session, status.message_id, status.status, status.recipient_id, status.at,
                    status.error_code, status.error_title,
                )  # fmt: skip
            for incoming in parsed.incoming:
                if not await first_delivery(session, Platform.WHATSAPP, incoming.delivery_id or "", now):
                    log.info("whatsapp message %s seen before: skipped", incoming.delivery_id)
                    continue
                contact = await record_inbound(session, incoming.chat_id, incoming.received_at)
                fresh.append(press_numbered(incoming, contact))
            await session.commit()
        return fresh

    async def _work(self) -> None:
        """Handle queued messages until the queue is empty, then end (no idle tasks)."""
        while not self._queue.empty():
            incoming = self._queue.get_nowait()
            key = incoming.chat_id
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._users[key] = self._users.get(key, 0) + 1
            try:
                async with lock:
                    await self._app.handle(incoming)
            except Exception:  # the dispatcher already answers handler errors; this is storage trouble
                log.exception("whatsapp message %s could not be handled", incoming.delivery_id)
            finally:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key], self._locks[key]

    def _spawn(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every message received so far is handled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
