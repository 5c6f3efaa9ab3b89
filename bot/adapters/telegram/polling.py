"""Long polling that confirms an offset only once its updates are in the inbox.

Telegram forgets every update below the ``offset`` of the next ``getUpdates`` call. PTB's updater
moves the offset on as soon as a batch arrives, before anything is handled or stored, so a crash
then loses the batch. Here a batch is first stored (one transaction for the whole batch) and only
then is the next offset used; when storing fails, the same batch is fetched again after a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from telegram.error import Conflict, TelegramError

from bot.adapters.telegram.repair import LenientBot
from bot.inbox import InboxWorker
from handlers.types import Platform
from storage.inbox import NewInbound

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 30
RETRY_PAUSE_SECONDS = 1.0


def _inbound(raw: object) -> list[tuple[int, NewInbound]]:
    """The batch's updates with their ids; an item without an integer ``update_id`` is skipped."""
    items = []
    for update in raw if isinstance(raw, list) else []:
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if isinstance(update_id, int) and not isinstance(update_id, bool):
            items.append((update_id, NewInbound(Platform.TELEGRAM, str(update_id), json.dumps(update))))
    return items


class Poller:
    def __init__(
        self,
        bot: LenientBot,
        inbox: InboxWorker,
        allowed_updates: Sequence[str],
        *,
        timeout: int = LONG_POLL_SECONDS,
    ) -> None:
        self._bot = bot
        self._inbox = inbox
        self._allowed = list(allowed_updates)
        self._timeout = timeout
        self.offset: int | None = None  # the next getUpdates offset: everything below is stored

    async def poll_once(self, wait: int | None = None) -> int:
        """Fetch one batch (long-polling ``wait`` seconds) and store it; the offset moves on only
        after the commit. Returns the batch's size."""
        wait = self._timeout if wait is None else wait
        params: dict[str, Any] = {"timeout": wait, "allowed_updates": self._allowed, "limit": 100}
        if self.offset is not None:
            params["offset"] = self.offset
        raw = await self._bot.raw_updates(params, read_timeout=wait + 10)
        batch = _inbound(raw)
        if batch:
            await self._inbox.take([item for _, item in batch])  # raises: the offset stays
            self.offset = max(update_id for update_id, _ in batch) + 1
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop``; network and database trouble pause a moment and try the same batch again."""
        while not stop.is_set():
            try:
                await self.poll_once()
                continue
            except Conflict as conflict:  # another poller or a webhook: say so, keep trying
                log.warning("getUpdates conflict: %s", conflict.message)
            except TelegramError as error:
                log.warning("getUpdates failed: %s", error)
            except Exception as error:  # storing failed: these updates are fetched again
                log.warning("updates not stored (%s): fetching them again", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_PAUSE_SECONDS)
