"""Helpers for the paced-sender tests: seed many group chats, queue one broadcast, count copies."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import select
from telegram import Bot

from bot.app import App
from bot.delivery import OutboxDrain, RetryPolicy, Transport
from bot.pacing import Budget, Budgets, Pacer
from bot.sender import PacedSender
from bot.telegram.request import AiohttpRequest
from bot.telegram.transport import TelegramTransport
from handlers.broadcasts import fan_out
from handlers.clock import FakeClock, SystemClock
from storage.alerts import Broadcast, create_broadcast
from storage.chats import create_area, ensure_chat
from storage.models import Chat, OutboxMessage, OutboxStatus
from tests.fakes.telegram_api import FakeTelegram

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


def paced_sender(
    app: App,
    transports: Mapping[str, Transport],
    rate: float,
    *,
    worker: str | None = None,
    lease: float = 30.0,
) -> PacedSender:
    """A sender on the system clock (the fake's flood limits are wall-clock), fast retries."""
    clock = SystemClock()
    budgets = Budgets(Budget(rate, max(1, round(rate / 100))), Budget(1.0, 3), Budget(20 / 60))
    drain = OutboxDrain(
        app.services.db,
        transports,
        clock,
        RetryPolicy(max_attempts=8, base_delay=0.02, max_delay=0.2),
        app._on_recorded,
    )
    return PacedSender(
        app.services.db,
        transports,
        clock,
        drain,
        {"telegram": Pacer(budgets, clock)},
        app.services.outbox,
        worker=worker,
        lease_seconds=lease,
        on_recorded=app._on_recorded,
    )


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
