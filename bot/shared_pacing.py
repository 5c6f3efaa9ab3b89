"""One send budget for every sender worker on one PostgreSQL (``storage.send_budget``).

The same arithmetic as :class:`bot.pacing.Pacer` (GCRA slots per chat and per group, booked ahead;
the overall budget just before sending), with the arrival times read and written in the database:

- chat slots: the bookings that piled up while the previous transaction ran go together in one
  transaction under the platform's advisory lock, so a fan-out to 1,000 groups costs a few dozen
  round trips, not 1,000;
- overall tokens: the sender's token pump books up to ``batch`` consecutive slots in one atomic
  upsert and releases its waiters at them. The next booking overlaps those sends (a round trip
  costs about one slot at 30/s), but no slot is booked more than ``lookahead`` seconds ahead: a
  worker that stalls wastes a few slots; a waiter released late books a fresh slot rather than
  going at once with the next ones (a burst that a one-second window would count);
- a 429 block is kept here at once and written with the next booking for the other workers.

Times are the workers' clocks (epoch seconds): hosts running workers keep their clocks in sync
(NTP); the bench and tests inject one clock into all workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pacing import Budgets, Sleep, TokenBucket, slot
from handlers.clock import Clock
from storage import send_budget

log = logging.getLogger(__name__)

RETRY_SECONDS = 0.5  # a failed booking (database away) is tried again after this
LOOKAHEAD_SECONDS = 0.1  # overall slots are booked at most this far ahead
REBOOK_TRIES = 3  # a waiter released too late books a fresh slot at most this often
FORGET_EVERY = 2000  # bookings between sweeps of passed keys


@dataclass
class _Request:
    chat: str
    is_group: bool
    answer: asyncio.Future[float]


class SharedPacer:
    """:class:`bot.pacing.Pacing` over the ``send_budget`` table."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        platform: str,
        budgets: Budgets,
        clock: Clock,
        *,
        batch: int | None = None,
        lookahead: float = LOOKAHEAD_SECONDS,
    ) -> None:
        self._db = sessionmaker
        self._platform = platform
        self._budgets = budgets
        self._clock = clock
        # 100 ms of the overall budget per upsert: few round trips, little booked ahead.
        self.batch = batch or max(1, round(budgets.overall.rate / 10))
        self._lookahead = lookahead
        self._releases: set[asyncio.Task[None]] = set()
        self._debt = 0.0  # how late the last releases went: the next booking leaves this gap
        self._requests: list[_Request] = []
        self._booker: asyncio.Task[None] | None = None
        self._blocks: dict[str, float] = {}  # chat → until (clock seconds), not yet written
        self._sent: dict[str, float] = {}  # budget key → arrival time after a late send, not yet written
        self._booked = 0

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _key(self, kind: str, chat: str) -> str:
        return f"{self._platform}:{kind}:{chat}"

    # -- chat and group slots ---------------------------------------------------------------------
    async def book(self, chat: str, is_group: bool) -> float:
        answer: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._requests.append(_Request(chat, is_group, answer))
        if self._booker is None or self._booker.done():
            self._booker = asyncio.create_task(self._book_loop(), name=f"pacing-{self._platform}")
        at = await answer
        return max(0.0, at - self._now())

    async def _book_loop(self) -> None:
        while self._requests:
            batch, self._requests = self._requests, []
            batch = [r for r in batch if not r.answer.done()]  # cancelled meanwhile (stopping)
            if not batch:
                continue
            try:
                slots = await self._book_batch(batch)
            except Exception:
                log.exception("booking send slots failed; trying again")
                self._requests[:0] = batch
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for request, at in zip(batch, slots, strict=True):
                if not request.answer.done():
                    request.answer.set_result(at)

    async def _book_batch(self, batch: list[_Request]) -> list[float]:
        """One transaction: lock the platform, read the keys, book in order, write them back."""
        chats = {r.chat for r in batch}
        groups = {r.chat for r in batch if r.is_group}
        keys = [self._key(kind, c) for c in chats for kind in ("c", "b")]
        keys += [self._key("g", c) for c in groups]
        blocks, self._blocks = self._blocks, {}
        sent, self._sent = self._sent, {}
        keys += list(sent)
        try:
            async with self._db() as session:
                await send_budget.lock_platform(session, self._platform)
                now = self._now()
                known = await send_budget.read(session, keys)
                merged = dict(known)
                for key, at in sent.items():
                    merged[key] = max(at, merged.get(key, at))
                chat_bucket, group_bucket = self._buckets(merged)
                blocked = self._blocked(known, blocks)
                slots = [
                    slot(
                        chat_bucket,
                        group_bucket if r.is_group else None,
                        blocked.get(r.chat, now),
                        r.chat,
                        now,
                    )
                    for r in batch
                ]
                await send_budget.write(session, self._changes(chat_bucket, group_bucket, blocks, known))
                self._booked += len(batch)
                if self._booked >= FORGET_EVERY:
                    self._booked = 0
                    await send_budget.forget_passed(session, f"{self._platform}:", now - 1.0)
                await session.commit()
        except BaseException:
            for chat, until in blocks.items():  # write them with the next try
                self._blocks[chat] = max(until, self._blocks.get(chat, until))
            for key, at in sent.items():
                self._sent[key] = max(at, self._sent.get(key, at))
            raise
        return slots

    def _buckets(self, known: dict[str, float]) -> tuple[TokenBucket, TokenBucket | None]:
        chat_bucket = TokenBucket(self._budgets.per_chat)
        group_bucket = TokenBucket(self._budgets.per_group) if self._budgets.per_group else None
        for key, at in known.items():
            _platform, kind, chat = key.split(":", 2)
            if kind == "c":
                chat_bucket.tat[chat] = at
            elif kind == "g" and group_bucket is not None:
                group_bucket.tat[chat] = at
        return chat_bucket, group_bucket

    def _blocked(self, known: dict[str, float], blocks: dict[str, float]) -> dict[str, float]:
        blocked = {key.split(":", 2)[2]: at for key, at in known.items() if key.split(":", 2)[1] == "b"}
        for chat, until in blocks.items():
            blocked[chat] = max(until, blocked.get(chat, until))
        return blocked

    def _changes(
        self,
        chat_bucket: TokenBucket,
        group_bucket: TokenBucket | None,
        blocks: dict[str, float],
        known: dict[str, float],
    ) -> dict[str, float]:
        values = {self._key("c", chat): at for chat, at in chat_bucket.tat.items()}
        if group_bucket is not None:
            values |= {self._key("g", chat): at for chat, at in group_bucket.tat.items()}
        for chat, until in blocks.items():
            key = self._key("b", chat)
            values[key] = max(until, known.get(key, until))
        return {key: at for key, at in values.items() if known.get(key) != at}

    def sent(self, chat: str, is_group: bool) -> None:
        """Kept here and written with the next booking (normally this chat's next message)."""
        now = self._now()
        spans = [("c", self._budgets.per_chat)]
        if is_group and self._budgets.per_group is not None:
            spans.append(("g", self._budgets.per_group))
        for kind, budget in spans:
            key = self._key(kind, chat)
            self._sent[key] = max(now + budget.interval, self._sent.get(key, 0.0))

    def block(self, chat: str, seconds: float) -> None:
        until = self._now() + seconds
        self._blocks[chat] = max(until, self._blocks.get(chat, until))

    # -- the overall budget -----------------------------------------------------------------------
    async def admit(self, waiters: Sequence[asyncio.Future[None]], sleep: Sleep) -> None:
        """Book one overall slot per waiter (one upsert); they are released at their slots while
        the pump goes on to book the next ones, up to ``lookahead`` seconds ahead."""
        waiting = [w for w in waiters if not w.done()]
        if not waiting:
            return
        interval = self._budgets.overall.interval
        first = await self._book_overall(len(waiting), interval, sleep)
        release = asyncio.create_task(self._release(waiting, first, interval, sleep))
        self._releases.add(release)
        release.add_done_callback(self._releases.discard)
        ahead = first + len(waiting) * interval - self._now() - self._lookahead
        if ahead > 0:
            await sleep(ahead)

    async def _book_overall(self, count: int, interval: float, sleep: Sleep) -> float:
        while True:
            debt, self._debt = self._debt, 0.0
            try:
                async with self._db() as session:
                    start = await send_budget.book_overall(
                        session, f"{self._platform}:*", self._now(), count, interval, gap=debt
                    )
                    await session.commit()
                return start
            except Exception:
                self._debt = max(self._debt, debt)
                log.exception("booking overall send slots failed; trying again")
                await sleep(RETRY_SECONDS)

    async def _release(
        self,
        waiting: list[asyncio.Future[None]],
        first: float,
        interval: float,
        sleep: Sleep,
        *,
        tries: int = REBOOK_TRIES,
    ) -> None:
        """Release each waiter at its slot. One that comes more than half a slot late (the event
        loop was busy) does not go at once with the next: a one-second window would count one
        message too many. It books a fresh slot instead (a few times at most, so a slow database
        cannot keep it waiting for ever)."""
        late: list[asyncio.Future[None]] = []
        for n, waiter in enumerate(waiting):
            if waiter.done():
                continue
            wait = first + n * interval - self._now()
            if wait > 0:
                await sleep(wait)
                wait = first + n * interval - self._now()  # the sleep may overshoot
            if tries > 0 and wait < -interval / 2:
                late.append(waiter)
                continue
            if not waiter.done():
                # Late by less than half a slot: it goes, and the next booking leaves that gap.
                self._debt = min(interval, self._debt + max(0.0, -wait))
                waiter.set_result(None)
        if late:
            again = await self._book_overall(len(late), interval, sleep)
            await self._release(late, again, interval, sleep, tries=tries - 1)

    async def close(self) -> None:
        for release in list(self._releases):
            release.cancel()
        if self._booker is not None:
            self._booker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._booker
