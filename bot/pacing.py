"""Send budgets for one platform: overall, per chat and per group, plus per-chat 429 blocks.

Each budget is a GCRA token bucket (a "theoretical arrival time" per key): ``reserve`` books the
earliest moment a message to a chat may go under every budget at once and returns how long to wait
for it. Because slots are booked ahead, hundreds of sends can wait concurrently and still leave in
an even stream. A 429's ``retry_after`` blocks only that chat; everyone else keeps their slots.
All time comes from the injected clock, so the arithmetic is testable without sleeping.

:class:`Pacer` keeps the budgets in this process (SQLite: one process sends). Several sender
workers on one PostgreSQL share them through ``bot.shared_pacing.SharedPacer``; the sender sees
both through the :class:`Pacing` protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.clock import Clock

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Budget:
    """``rate`` messages per second with bursts of ``burst`` messages."""

    rate: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


@dataclass(frozen=True)
class Budgets:
    overall: Budget
    per_chat: Budget
    per_group: Budget | None = None  # groups have a per-minute budget on Telegram


class TokenBucket:
    """The one token bucket: GCRA ("theoretical arrival time") per key, ``budget.burst`` tokens deep.

    Keyed use (the pacers): ``earliest``/``book`` slots ahead on a float time line, ``sent`` after a
    late send, ``forget_idle`` to stay small. Clock use (an overall budget taken at the moment of
    sending, or a transport-side budget): ``take`` — after a stall at most ``burst`` go at once, so a
    sliding-window limit holds.
    """

    def __init__(self, budget: Budget, clock: Clock | None = None) -> None:
        self.budget = budget
        self.tat: dict[str, float] = {}
        self._clock = clock
        self._epoch = clock.now() if clock is not None else None

    def earliest(self, key: str, now: float, count: int = 1) -> float:
        """The first moment ``count`` tokens (at most the burst) are there for ``key``."""
        count = min(count, self.budget.burst)
        return max(now, self.tat.get(key, now) - (self.budget.burst - count) * self.budget.interval)

    def book(self, key: str, at: float, count: int = 1) -> None:
        count = min(count, self.budget.burst)
        self.tat[key] = max(self.tat.get(key, at), at) + count * self.budget.interval

    def sent(self, key: str, at: float) -> None:
        """The message booked last went at ``at``: the next one keeps a full interval from *that*.

        Slots are booked ahead, but the overall budget can release a message later than its slot
        (many chats queue for it); spacing the next slot from the booked time would then let two
        sends come closer than the budget, and a sliding window (20 per group per minute) sees 21."""
        self.tat[key] = max(self.tat.get(key, at), at + self.budget.interval)

    def forget_idle(self, now: float) -> None:
        for key in [k for k, tat in self.tat.items() if tat < now]:
            del self.tat[key]

    def take(self, count: int = 1, key: str = "") -> float:
        """On the clock: take ``count`` tokens and return 0, or return the seconds until they are
        there (taking nothing). More than the burst waits for a full bucket."""
        assert self._clock is not None and self._epoch is not None, "take() needs a clock"
        now = (self._clock.now() - self._epoch).total_seconds()
        at = self.earliest(key, now, count)
        if at > now:
            return at - now
        self.book(key, now, count)
        return 0.0


class Pacing(Protocol):
    """What the paced sender needs from a set of budgets, wherever they are kept."""

    batch: int  # how many overall tokens one ``admit`` call may hand out

    async def book(self, chat: str, is_group: bool) -> float:
        """Book this chat's next slot (its own, its group's budget and any 429 block); seconds to wait."""
        ...

    async def admit(self, waiters: Sequence[asyncio.Future[None]], sleep: Sleep) -> None:
        """Release ``waiters`` one by one, each with one token of the overall budget."""
        ...

    def block(self, chat: str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it until ``seconds`` have passed."""
        ...

    def sent(self, chat: str, is_group: bool) -> None:
        """A message to ``chat`` goes now (its overall token may have come after its slot)."""
        ...


def slot(
    chat_bucket: TokenBucket, group_bucket: TokenBucket | None, blocked: float, chat: str, now: float
) -> float:
    """The earliest moment (clock seconds) one message to ``chat`` may go; books it in the buckets."""
    at = max(blocked, chat_bucket.earliest(chat, now))
    if group_bucket is not None:
        at = max(at, group_bucket.earliest(chat, now))
        group_bucket.book(chat, at)
    chat_bucket.book(chat, at)
    return at


class Pacer:
    """Per-chat and per-group slots (booked ahead), the overall bucket, and per-chat 429 blocks."""

    batch = 1

    def __init__(self, budgets: Budgets, clock: Clock) -> None:
        self._clock = clock
        self.overall = TokenBucket(budgets.overall, clock)
        self._chat = TokenBucket(budgets.per_chat)
        self._group = TokenBucket(budgets.per_group) if budgets.per_group else None
        self._blocked: dict[str, float] = {}
        self._epoch = clock.now()
        self._booked = 0

    def _now(self) -> float:
        return (self._clock.now() - self._epoch).total_seconds()

    def reserve(self, chat: str, is_group: bool) -> float:
        """Book the earliest slot for one message to ``chat`` (its own and its group budget, and
        any 429 block); returns seconds to wait. The overall budget is taken when sending."""
        now = self._now()
        at = slot(self._chat, self._group if is_group else None, self._blocked.get(chat, now), chat, now)
        self._booked += 1
        if self._booked % 1000 == 0:  # keep the per-chat tables small on long runs
            for bucket in (self._chat, self._group):
                if bucket is not None:
                    bucket.forget_idle(now)
            self._blocked = {k: v for k, v in self._blocked.items() if v > now}
        return max(0.0, at - now)

    async def book(self, chat: str, is_group: bool) -> float:
        return self.reserve(chat, is_group)

    async def admit(self, waiters: Sequence[asyncio.Future[None]], sleep: Sleep) -> None:
        """Tokens are taken at the moment of sending (not booked ahead): after a stall of the event
        loop at most the bucket's burst goes at once."""
        for waiter in waiters:
            if waiter.done():  # its chat was cancelled (stopping)
                continue
            while (wait := self.overall.take()) > 0:
                await sleep(wait)
            if not waiter.done():
                waiter.set_result(None)

    def sent(self, chat: str, is_group: bool) -> None:
        now = self._now()
        self._chat.sent(chat, now)
        if is_group and self._group is not None:
            self._group.sent(chat, now)

    def block(self, chat: str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it until ``seconds`` have passed."""
        until = self._now() + seconds
        self._blocked[chat] = max(self._blocked.get(chat, until), until)

    def blocked_until(self, chat: str) -> datetime | None:
        at = self._blocked.get(chat)
        if at is None or at <= self._now():
            return None
        return self._epoch + timedelta(seconds=at)
