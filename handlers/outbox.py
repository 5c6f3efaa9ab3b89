"""How handlers and jobs queue messages for chats other than the one they answer."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.clock import Clock
from handlers.codec import reply_to_json
from handlers.types import Reply
from storage import outbox as rows
from storage.models import Chat


class Outbox:
    """Queues replies as outbox rows; the sender is woken after the caller commits."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._wakeup = asyncio.Event()

    async def enqueue(
        self,
        session: AsyncSession,
        chat: Chat,
        reply: Reply,
        key: str,
        *,
        broadcast_id: int | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Store the reply for ``chat``; False if ``key`` was queued before (idempotent)."""
        return await rows.enqueue(
            session, chat.id, reply_to_json(reply), key, self._clock.now(), broadcast_id, not_before
        )

    def wake(self) -> None:
        """Tell the sender there is work (call after commit)."""
        self._wakeup.set()

    async def wait(self, seconds: float) -> None:
        """Used by the sender loop: return when woken or after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), seconds)
        self._wakeup.clear()
