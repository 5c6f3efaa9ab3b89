"""The Signal side of the outbox: ``deliver`` one neutral reply to one group or person.

Signal publishes no limits; what is known (signal-cli issues, Signal-Server's rate limiters) is that
413/429 and captcha challenges follow bursts and especially messages to many *new* people. So on
top of the sender's even pace (``SIGNAL_RATE_PER_SECOND``, ``SIGNAL_PER_CHAT_PER_SECOND``) this
transport

* holds back only the recipient that was rate limited, for Signal's ``retryAfterSeconds`` or, without
  one, a backoff doubling per repeat (60 s … 1 h) — every other chat keeps its turn;
* lets at most ``SIGNAL_NEW_RECIPIENTS_PER_HOUR`` first contacts per hour through: a private chat the
  bot never sent to and that never wrote to the bot (a group member who pressed a button in the
  group, a beheerder notice); everyone else is unaffected;
* on a proof-required challenge holds that recipient and tells the beheerders privately (on every
  platform they are listed for, once per challenge) that a human must solve a captcha.

An ``edit`` is sent as a Signal edit of the earlier message (``editTimestamp``) when it fits in one
message; a picture goes as an attachment in a ``data:`` URI, so the daemon may run elsewhere.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.signal.outcome import classify
from bot.adapters.signal.render import render_reply
from bot.adapters.signal.rpc import RpcAnswer, SignalRpc
from bot.delivery import ChatAddress, Outcome, Permanent, RetryAfter, Sent, Transient
from handlers.clock import Clock
from handlers.types import ChatKind, Platform, Reply
from messages.catalog import Catalog
from storage.inbox import InboxMessage
from storage.models import Chat, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

FIRST_HOLD_SECONDS = 60.0  # a rate limit naming no wait: 60 s, doubling per repeat …
MAX_HOLD_SECONDS = 3600.0  # … up to an hour (and an hour at once for a captcha challenge)
LONGEST_HOLD_SECONDS = 24 * 3600.0  # Signal's own retryAfterSeconds is obeyed up to a day
FIRST_CONTACT_WINDOW = timedelta(hours=1)

# Called with the challenge token and the chat it held back; queues the beheerders' notice.
OnChallenge = Callable[[str, ChatAddress], Awaitable[None]]


class SignalTransport:
    platform = Platform.SIGNAL

    def __init__(
        self,
        rpc: SignalRpc,
        db: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        clock: Clock,
        *,
        new_recipients_per_hour: int,
        on_challenge: OnChallenge | None = None,
    ) -> None:
        self._rpc = rpc
        self._db = db
        self._catalog = catalog
        self._clock = clock
        self._new_per_hour = new_recipients_per_hour
        self._on_challenge = on_challenge
        self._holds: dict[str, tuple[datetime, float]] = {}  # recipient → (until, last hold seconds)
        self._known: set[str] = set()  # recipients already reached (or who wrote to us)
        self._first_contacts: deque[datetime] = deque()
        self.challenges: set[str] = set()

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        now = self._clock.now()
        if wait := self._held(chat.external_id, now):
            return RetryAfter(wait)
        if wait := await self._first_contact_wait(chat, now):
            return RetryAfter(wait)
        rendered = render_reply(reply, self._catalog, chat.locale)
        edit = int(edit_message_id) if edit_message_id and edit_message_id.isdigit() else None
        last = ""
        for index, text in enumerate(rendered.texts):
            one_part_edit = edit if len(rendered.texts) == 1 and index == 0 else None
            outcome = await self._send(chat, text, one_part_edit)
            if not isinstance(outcome, Sent):
                return outcome  # parts already sent stay sent: a retry repeats only from the start
            last = outcome.message_id
        if reply.photo is not None:
            outcome = await self._picture(chat, reply.photo)
            if not isinstance(outcome, Sent):
                return outcome
            last = outcome.message_id or last
        self._known.add(chat.external_id)
        self._holds.pop(chat.external_id, None)  # reached again: the next limit starts at 60 s
        return Sent(last)

    async def _send(
        self, chat: ChatAddress, text: str, edit: int | None, attachment: str | None = None
    ) -> Outcome:
        group = chat.external_id if chat.kind != ChatKind.PRIVATE else None
        try:
            answer = await self._rpc.send(
                text,
                recipient=None if group else chat.external_id,
                group_id=group,
                edit_timestamp=edit,
                attachment=attachment,
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            return Transient(f"signal: daemon not reachable ({type(error).__name__})")
        return await self._judge(chat, answer)

    async def _judge(self, chat: ChatAddress, answer: RpcAnswer) -> Outcome:
        judged = classify(answer)
        if isinstance(judged.outcome, RetryAfter):
            seconds = self._hold(chat.external_id, judged.outcome.seconds, judged.challenge is not None)
            if judged.challenge and judged.challenge not in self.challenges:
                self.challenges.add(judged.challenge)
                log.warning("signal: proof-required challenge; beheerders are told")
                if self._on_challenge is not None:
                    await self._on_challenge(judged.challenge, chat)
            return RetryAfter(seconds)
        return judged.outcome

    async def _picture(self, chat: ChatAddress, path: str) -> Outcome:
        try:
            content = await asyncio.to_thread(Path(path).read_bytes)
        except OSError:
            return Permanent(f"signal: picture file {Path(path).name} cannot be read")
        encoded = base64.b64encode(content).decode("ascii")
        uri = f"data:image/png;filename={Path(path).name};base64,{encoded}"
        return await self._send(chat, "", None, attachment=uri)

    # -- per-recipient holds ---------------------------------------------------------------------
    def _held(self, recipient: str, now: datetime) -> float:
        hold = self._holds.get(recipient)
        if hold is None or hold[0] <= now:
            return 0.0
        return (hold[0] - now).total_seconds()

    def _hold(self, recipient: str, seconds: float, challenge: bool) -> float:
        """Hold this recipient back for Signal's wait, else for a backoff doubling per repeat."""
        if seconds <= 0:
            previous = self._holds.get(recipient)
            backoff = min(MAX_HOLD_SECONDS, max(FIRST_HOLD_SECONDS, previous[1] * 2 if previous else 0.0))
            seconds = MAX_HOLD_SECONDS if challenge else backoff
        seconds = min(seconds, LONGEST_HOLD_SECONDS)
        self._holds[recipient] = (self._clock.now() + timedelta(seconds=seconds), seconds)
        return seconds

    # -- first contacts --------------------------------------------------------------------------
    async def _first_contact_wait(self, chat: ChatAddress, now: datetime) -> float:
        if chat.kind != ChatKind.PRIVATE or chat.external_id in self._known:
            return 0.0
        if await self._reached_before(chat.external_id):
            self._known.add(chat.external_id)
            return 0.0
        while self._first_contacts and now - self._first_contacts[0] >= FIRST_CONTACT_WINDOW:
            self._first_contacts.popleft()
        if len(self._first_contacts) >= self._new_per_hour:
            log.warning("signal: %s first contacts this hour; the next waits", self._new_per_hour)
            return max(1.0, (self._first_contacts[0] + FIRST_CONTACT_WINDOW - now).total_seconds())
        self._first_contacts.append(now)
        return 0.0

    async def _reached_before(self, external_id: str) -> bool:
        """Sent to before (this chat has a sent row), or they wrote to us (an inbox row of theirs)."""
        async with self._db() as session:
            sent = await session.scalar(
                select(
                    exists().where(
                        OutboxMessage.chat_id == Chat.id,
                        Chat.platform == Platform.SIGNAL,
                        Chat.external_id == external_id,
                        OutboxMessage.status == OutboxStatus.SENT,
                    )
                )
            )
            if sent:
                return True
            wrote = await session.scalar(
                select(
                    exists().where(
                        InboxMessage.platform == Platform.SIGNAL,
                        InboxMessage.external_key.startswith(f"{external_id}:", autoescape=True),
                    )
                )
            )
        return bool(wrote)
