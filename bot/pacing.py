"""Send budgets for one platform: overall, per chat and per group, plus per-chat 429 blocks.

Each budget is a GCRA token bucket (a "theoretical arrival time" per key): ``reserve`` books the
earliest moment a message to a chat may go under every budget at once and returns how long to wait
for it. Because slots are booked ahead, hundreds of sends can wait concurrently and still leave in
an even stream. A 429's ``retry_after`` blocks only that chat; everyone else keeps their slots.
All time comes from the injected clock, so the arithmetic is testable without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.clock import Clock


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


class _Bucket:
    """Theoretical arrival times per key (GCRA); keys idle long enough are forgotten."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.tat: dict[str, float] = {}

    def earliest(self, key: str, now: float) -> float:
        return max(now, self.tat.get(key, now) - self.budget.tolerance)

    def book(self, key: str, at: float) -> None:
        self.tat[key] = max(self.tat.get(key, at), at) + self.budget.interval

    def forget_idle(self, now: float) -> None:
        for key in [k for k, tat in self.tat.items() if tat < now]:
            del self.tat[key]


class TokenBucket:
    """A classic token bucket on the clock: tokens refill at ``rate``, at most ``burst`` are kept.

    Used for the overall budget at the moment of sending (not booked ahead): after a stall of the
    event loop at most ``burst`` extra messages go at once, so a sliding-window limit holds.
    """

    def __init__(self, budget: Budget, clock: Clock) -> None:
        self._budget = budget
        self._clock = clock
        self._tokens = float(budget.burst)
        self._at = clock.now()

    def take(self) -> float:
        """Take one token and return 0, or return the seconds until one is there (taking nothing)."""
        now = self._clock.now()
        elapsed = (now - self._at).total_seconds()
        self._tokens = min(float(self._budget.burst), self._tokens + elapsed * self._budget.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self._budget.rate


class Pacer:
    """Per-chat and per-group slots (booked ahead), the overall bucket, and per-chat 429 blocks."""

    def __init__(self, budgets: Budgets, clock: Clock) -> None:
        self._clock = clock
        self.overall = TokenBucket(budgets.overall, clock)
        self._chat = _Bucket(budgets.per_chat)
        self._group = _Bucket(budgets.per_group) if budgets.per_group else None
        self._blocked: dict[str, float] = {}
        self._epoch = clock.now()
        self._booked = 0

    def _now(self) -> float:
        return (self._clock.now() - self._epoch).total_seconds()

    def reserve(self, chat: str, is_group: bool) -> float:
        """Book the earliest slot for one message to ``chat`` (its own and its group budget, and
        any 429 block); returns seconds to wait. The overall budget is taken when sending."""
        now = self._now()
        at = max(self._blocked.get(chat, now), self._chat.earliest(chat, now))
        group = self._group if is_group else None
        if group is not None:
            at = max(at, group.earliest(chat, now))
            group.book(chat, at)
        self._chat.book(chat, at)
        self._booked += 1
        if self._booked % 1000 == 0:  # keep the per-chat tables small on long runs
            for bucket in (self._chat, self._group):
                if bucket is not None:
                    bucket.forget_idle(now)
            self._blocked = {k: v for k, v in self._blocked.items() if v > now}
        return max(0.0, at - now)

    def block(self, chat: str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it until ``seconds`` have passed."""
        until = self._now() + seconds
        self._blocked[chat] = max(self._blocked.get(chat, until), until)

    def blocked_until(self, chat: str) -> datetime | None:
        at = self._blocked.get(chat)
        if at is None or at <= self._now():
            return None
        return self._epoch + timedelta(seconds=at)
