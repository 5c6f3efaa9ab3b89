"""Helpers for the paced-sender tests: seed many group chats, queue one broadcast, count copies."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from telegram import Bot

from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.transport import TelegramTransport
from bot.app import App
from bot.delivery import RetryPolicy, Transport
from bot.pacing import Budget, Budgets, Pacer, Pacing
from bot.sender import PacedSender
from bot.shared_pacing import SharedPacer
from handlers.broadcasts import fan_out
from handlers.clock import Clock, FakeClock, SystemClock
from handlers.codec import reply_to_json
from handlers.types import Reply
from storage.alerts import Broadcast, create_broadcast
from storage.chats import create_area, ensure_chat
from storage.models import Chat, OutboxMessage, OutboxStatus
from storage.outbox import NewRow, enqueue_many
from tests.fakes.telegram_api import Call, FakeTelegram

COORDINATOR_CHAT = "777"


async def seed_broadcast(app: App, clock: FakeClock, groups: int, first_id: int = 1000) -> int:
    """``groups`` Telegram groups in one area and a confirmed alert to them; returns its id."""
    clock.set(datetime.now(UTC))  # rows are due now for a sender on the system clock
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        for n in range(groups):
            chat = await ensure_chat(
                session, "telegram", f"-{first_id + n}", "group", f"Groep {n}", clock.now()
            )
            chat.area_id = area.id
        me = await ensure_chat(session, "telegram", COORDINATOR_CHAT, "private", "Ans", clock.now())
        broadcast = await create_broadcast(
            session,
            person_id=None,
            chat_id=me.id,
            kind="alert",
            alert_type="inbraakgolf",
            text="",
            area_ids=[area.id],
            area_names=area.name,
            created_at=clock.now(),
            scheduled_for=None,
            confirmed_at=clock.now(),
        )
        await fan_out(session, app.services, broadcast)
        await session.commit()
        return broadcast.id


@asynccontextmanager
async def telegram_transport(fake: FakeTelegram, app: App) -> AsyncIterator[TelegramTransport]:
    request, updates_request = AiohttpRequest.pair(read_timeout=5.0)
    async with Bot(
        fake.token, base_url=fake.base_url, request=request, get_updates_request=updates_request
    ) as bot:
        yield TelegramTransport(bot, app.services.catalog)


class FastClock:
    """Time that runs ``speed`` times faster than the wall clock, for the pacer and the fake server:
    Telegram's real budgets (30/s, 20 per group per minute) then play out in seconds, not minutes.
    Calling it returns the time, as the fake server's ``clock`` expects."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._start = datetime.now(UTC)
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._started) * self.speed)

    def __call__(self) -> datetime:
        return self.now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)


def telegram_budgets(rate: float, per_group_per_minute: float = 20) -> Budgets:
    return Budgets(Budget(rate, max(1, round(rate / 100))), Budget(1.0, 3), Budget(per_group_per_minute / 60))


def paced_sender(
    app: App,
    transports: Mapping[str, Transport],
    rate: float,
    *,
    worker: str | None = None,
    lease: float = 30.0,
    shared: bool = False,
    pace: FastClock | None = None,
    per_group_per_minute: float = 20,
    batch: int = 200,
) -> PacedSender:
    """A sender on the system clock (the fake's flood limits are wall-clock), fast retries.

    ``shared``: the budgets live in the database (``SharedPacer``), as for several PostgreSQL
    workers; otherwise in this sender. ``pace``: the pacer's clock and sleep run fast (the fake
    server must then use the same clock)."""
    clock = SystemClock()
    budgets = telegram_budgets(rate, per_group_per_minute)
    pace_clock: Clock = pace or clock
    pacer: Pacing = (
        SharedPacer(app.services.db, "telegram", budgets, pace_clock)
        if shared
        else Pacer(budgets, pace_clock)
    )
    return PacedSender(
        app.services.db,
        transports,
        clock,
        RetryPolicy(max_attempts=8, base_delay=0.02, max_delay=0.2),
        app._on_recorded,
        pacers={"telegram": pacer},
        outbox=app.services.outbox,
        worker=worker,
        lease_seconds=lease,
        sleep=pace.sleep if pace else asyncio.sleep,
        batch=batch,
    )


async def queue_messages(app: App, groups: Mapping[str, int], now: datetime) -> None:
    """``count`` plain outbox messages to each Telegram group ``external id`` (e.g. a busy group)."""
    payload = reply_to_json(Reply.say("error.too_long"))
    async with app.services.db() as session:
        rows: list[NewRow] = []
        for external_id, count in groups.items():
            chat = await ensure_chat(session, "telegram", external_id, "group", external_id, now)
            rows += [NewRow(chat.id, payload, f"busy:{external_id}:{n}") for n in range(count)]
        await enqueue_many(session, rows, now)
        await session.commit()


def max_in_window(moments: Iterable[datetime], seconds: float) -> int:
    """The most of ``moments`` inside any window of ``seconds`` (open at its start, as the fake counts)."""
    window: deque[datetime] = deque()
    most = 0
    for moment in sorted(moments):
        window.append(moment)
        while (moment - window[0]).total_seconds() >= seconds:
            window.popleft()
        most = max(most, len(window))
    return most


def sends_ok(fake: FakeTelegram) -> list[Call]:
    return [c for c in fake.calls_to("sendMessage") if c.status == 200]


def max_per_group(calls: list[Call], seconds: float = 60.0) -> int:
    by_chat: dict[str, list[datetime]] = {}
    for call in calls:
        if call.chat_id and call.chat_id.startswith("-"):
            by_chat.setdefault(call.chat_id, []).append(call.at)
    return max((max_in_window(times, seconds) for times in by_chat.values()), default=0)


def delivered_copies(fake: FakeTelegram, prefix: str = "-") -> Counter[str]:
    """Successful sendMessage calls per group chat id."""
    return Counter(
        c.chat_id
        for c in fake.calls_to("sendMessage")
        if c.status == 200 and c.chat_id is not None and c.chat_id.startswith(prefix)
    )


def throttled(fake: FakeTelegram) -> int:
    return sum(1 for c in fake.calls if c.status == 429)


async def row_states(app: App) -> dict[str, str]:
    async with app.services.db() as session:
        rows = await session.execute(
            select(Chat.external_id, OutboxMessage.status)
            .join(Chat, Chat.id == OutboxMessage.chat_id)
            .where(OutboxMessage.broadcast_id.is_not(None))
        )
        return {external: status for external, status in rows.tuples()}


async def finished(app: App, broadcast_id: int) -> Broadcast | None:
    async with app.services.db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        return broadcast if broadcast is not None and broadcast.finished_at is not None else None


def all_sent(states: dict[str, str]) -> bool:
    return bool(states) and set(states.values()) == {OutboxStatus.SENT}
