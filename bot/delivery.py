"""Outbound delivery: the transport protocol every platform implements, and the one outcome policy.

Platform-free on purpose: transports (Telegram, WhatsApp, console) map their own errors onto the
neutral outcomes below, so retry and pacing policy lives in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.types import Platform, Reply
from storage.chats import get_chat, set_active
from storage.models import Chat, OutboxMessage, OutboxStatus
from storage.outbox import remember_tracked


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


async def record_outcome(
    session: AsyncSession,
    row: OutboxMessage,
    chat: Chat,
    reply: Reply,
    outcome: Outcome,
    now: datetime,
    retry: RetryPolicy,
) -> None:
    """The one outcome policy: apply one delivery outcome to its row (and the chat).

    429 → due again after ``retry_after`` (not counted as an attempt); 5xx/timeouts → backoff up to
    ``retry.max_attempts``, then failed; gone (403, blocked) → failed and the chat inactive;
    migrated → moved to the new chat id and due at once; refused → failed with the platform's code.
    """
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
            fail(row, reason)
            await set_active(session, chat.id, False)
        case Migrated(new_id):
            await _move_to(session, row, chat, new_id, now)
        case Transient(reason):
            if row.attempts >= retry.max_attempts:
                fail(row, reason)
            else:
                row.next_attempt_at = now + retry.delay(row.attempts)
                row.error = reason
        case Permanent(reason):
            fail(row, reason)


def fail(row: OutboxMessage, reason: str) -> None:
    row.status, row.error = OutboxStatus.FAILED, reason[:500]


async def _move_to(session: AsyncSession, row: OutboxMessage, chat: Chat, new_id: str, now: datetime) -> None:
    existing = await get_chat(session, chat.platform, new_id)
    if existing is None:
        # ``chat`` may come from another (closed) session: change the row of this session.
        live = await session.get(Chat, chat.id)
        if live is not None:
            live.external_id = new_id  # the same group under its supergroup id
    else:
        row.chat_id = existing.id
    row.attempts -= 1
    row.next_attempt_at = now
