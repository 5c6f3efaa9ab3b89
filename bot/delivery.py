"""Outbound delivery: the transport protocol every platform implements, and the outbox drain.

Platform-free on purpose: transports (Telegram, WhatsApp, console) map their own errors onto the
neutral outcomes below, so retry and pacing policy lives in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.clock import Clock
from handlers.codec import reply_from_json
from handlers.observer import NoObserver, Observer
from handlers.types import Platform, Reply
from storage.chats import get_chat, set_active
from storage.models import Chat, OutboxMessage, OutboxStatus
from storage.outbox import due_rows, remember_tracked, tracked_message_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatAddress:
    """What a transport needs to know about the chat it sends to."""

    external_id: str
    kind: str
    locale: str | None
    title: str | None = None


@dataclass(frozen=True)
class Sent:
    message_id: str


@dataclass(frozen=True)
class RetryAfter:
    seconds: float


@dataclass(frozen=True)
class ChatGone:
    """The bot was removed or blocked (403): stop sending to this chat."""

    reason: str


@dataclass(frozen=True)
class Migrated:
    new_chat_id: str


@dataclass(frozen=True)
class Transient:
    """5xx, timeouts, network errors: worth another try later."""

    reason: str


@dataclass(frozen=True)
class Permanent:
    """The platform refused this message for good (400 and the like)."""

    reason: str


Outcome = Sent | RetryAfter | ChatGone | Migrated | Transient | Permanent

# The label monitoring counts each outcome under (handlers/observer.py).
OUTCOME_NAMES: dict[type, str] = {
    Sent: "sent",
    RetryAfter: "throttled",
    ChatGone: "gone",
    Migrated: "migrated",
    Transient: "transient",
    Permanent: "permanent",
}


class Transport(Protocol):
    platform: Platform

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        """Send (or edit, when ``edit_message_id`` is given) one reply."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1)))


# Called in the recording transaction with the broadcasts whose rows got an outcome; True when it
# queued more rows (progress, final report). Keeps broadcast bookkeeping out of the delivery code.
OnRecorded = Callable[[AsyncSession, set[int]], Awaitable[bool]]


class OutboxDrain:
    """Delivers due outbox rows one by one through the platform's transport.

    This is the simple, unpaced delivery used by the console and by tests; the paced sender
    for Telegram's limits builds on the same row handling (:meth:`deliver_row`).
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        transports: Mapping[str, Transport],
        clock: Clock,
        retry: RetryPolicy | None = None,
        on_recorded: OnRecorded | None = None,
        observer: Observer | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._observer = observer or NoObserver()
        self._transports = transports
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._on_recorded = on_recorded

    async def drain(self, limit: int = 1000) -> int:
        """Deliver every row that is due now; returns how many were attempted."""
        attempted = 0
        while attempted < limit:
            async with self._sessionmaker() as session:
                batch = await due_rows(session, self._clock.now(), limit=min(100, limit - attempted))
            if not batch:
                break
            for row, _chat in batch:
                await self.deliver_row(row.id)
                attempted += 1
        return attempted

    async def deliver_row(self, row_id: int) -> Outcome | None:
        """Send one pending row and record the outcome; None when there was nothing to send.

        No transaction is held across the network call: on SQLite that would keep every other
        writer waiting for Telegram, and on PostgreSQL it would pin a connection per send.
        """
        async with self._sessionmaker() as session:
            row = await session.get(OutboxMessage, row_id)
            chat = await session.get(Chat, row.chat_id) if row is not None else None
            if row is None or chat is None or row.status != OutboxStatus.PENDING:
                return None
            transport = self._transports.get(chat.platform)
            reply = reply_from_json(row.payload)
            edit_id = await tracked_message_id(session, chat.id, reply.edit) if reply.edit else None
            address = ChatAddress(chat.external_id, chat.kind, chat.locale, chat.title)
            if transport is None:
                self._fail(row, f"no transport for {chat.platform}")
                await session.commit()
                return None
        try:
            outcome = await transport.deliver(address, reply, edit_id)
        except Exception as exc:  # a transport bug must not lose the row
            log.exception("transport %s failed on outbox row %s", chat.platform, row_id)
            outcome = Transient(type(exc).__name__)
        async with self._sessionmaker() as session:
            row = await session.get(OutboxMessage, row_id)
            chat = await session.get(Chat, chat.id)
            if row is None or chat is None:
                return outcome
            await self.record(session, row, chat, reply, outcome)
            if row.broadcast_id is not None and self._on_recorded is not None:
                await session.flush()
                await self._on_recorded(session, {row.broadcast_id})
            await session.commit()
        return outcome

    async def record(
        self, session: AsyncSession, row: OutboxMessage, chat: Chat, reply: Reply, outcome: Outcome
    ) -> None:
        """Apply one delivery outcome to the row (and the chat)."""
        now = self._clock.now()
        row.attempts += 1
        match outcome:
            case Sent(message_id):
                row.status, row.sent_at, row.platform_message_id = OutboxStatus.SENT, now, message_id
                track = reply.track or reply.edit
                if track:
                    await remember_tracked(session, chat.id, track, message_id, now)
            case RetryAfter(seconds):
                row.attempts -= 1  # a throttle is not the message's fault
                row.next_attempt_at = now + timedelta(seconds=seconds)
            case ChatGone(reason):
                self._fail(row, reason)
                await set_active(session, chat.id, False)
            case Migrated(new_id):
                await self._move_to(session, row, chat, new_id)
            case Transient(reason):
                if row.attempts >= self._retry.max_attempts:
                    self._fail(row, reason)
                else:
                    row.next_attempt_at = now + self._retry.delay(row.attempts)
                    row.error = reason
            case Permanent(reason):
                self._fail(row, reason)
        failed = row.status == OutboxStatus.FAILED
        self._observer.delivery(chat.platform, OUTCOME_NAMES[type(outcome)], failed)

    @staticmethod
    def _fail(row: OutboxMessage, reason: str) -> None:
        row.status, row.error = OutboxStatus.FAILED, reason[:500]

    async def _move_to(self, session: AsyncSession, row: OutboxMessage, chat: Chat, new_id: str) -> None:
        existing = await get_chat(session, chat.platform, new_id)
        if existing is None:
            # ``chat`` may come from another (closed) session: change the row of this session.
            live = await session.get(Chat, chat.id)
            if live is not None:
                live.external_id = new_id  # the same group under its supergroup id
        else:
            row.chat_id = existing.id
        row.attempts -= 1
        row.next_attempt_at = self._clock.now()
