"""One send budget for every sender worker: overall, per chat and per group, kept in the database."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App, build_app
from bot.pacing import Budget, Budgets
from bot.sender import send_until
from bot.shared_pacing import SharedPacer
from config.settings import Settings
from handlers.clock import FakeClock
from storage import send_budget
from storage.outbox import pending_count
from tests.bot.sender_support import (
    FastClock,
    all_sent,
    delivered_copies,
    max_in_window,
    max_per_group,
    paced_sender,
    queue_messages,
    row_states,
    seed_broadcast,
    sends_ok,
    telegram_transport,
    throttled,
)
from tests.conftest import DB_KIND
from tests.fakes.telegram_api import FakeTelegram, FloodLimits

BUDGETS = Budgets(Budget(30), Budget(1, 3), Budget(20 / 60))


async def test_two_pacers_on_one_database_book_one_budget(app: App, settings: Settings) -> None:
    """Two workers (each its own engine) booking for the same group and the overall budget."""
    clock = FakeClock()
    other = build_app(settings, clock=clock)
    try:
        one = SharedPacer(app.services.db, "telegram", BUDGETS, clock)
        two = SharedPacer(other.services.db, "telegram", BUDGETS, clock)
        waits = await asyncio.gather(*(p.book("-5", is_group=True) for p in (one, two, one, two)))
        assert sorted(waits) == [0.0, 3.0, 6.0, 9.0]  # 20/min for the group, whoever books
        assert await one.book("7", is_group=False) == 0.0  # a private chat has its own budget
        one.block("-6", 7)  # a 429 seen by one worker holds the chat back for the other too
        await one.book("-9", is_group=True)  # written with the next booking
        assert await two.book("-6", is_group=True) == 7.0
        start = clock.now().timestamp()

        async def frozen(_seconds: float) -> None:  # time stands still: only the bookings count
            return None

        for pacer in (one, two, one):
            waiters = [asyncio.get_running_loop().create_future() for _ in range(2)]
            await pacer.admit(waiters, frozen)
            await asyncio.gather(*waiters)
        async with app.services.db() as session:
            booked = await send_budget.read(session, ["telegram:*"])
        # Six overall tokens, one after the other across both workers, 1/30 s apart.
        assert booked["telegram:*"] == pytest.approx(start + 6 / 30)
    finally:
        await other.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="several sender workers share one PostgreSQL")
async def test_two_workers_together_stay_within_telegrams_budget(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    # Telegram's real limits, on a clock 12x faster than the wall clock (a minute lasts 3 s).
    fast = FastClock(20)
    broadcast = await seed_broadcast(app, clock, 90)
    busy = {f"-9{n}": 21 for n in range(4)}  # over 20 in a minute: the group budget must hold
    await queue_messages(app, busy, clock.now())
    second = build_app(settings, clock=clock)
    try:
        async with FakeTelegram(clock=fast, flood=FloodLimits()) as fake:
            async with telegram_transport(fake, app) as transport:
                workers = [
                    paced_sender(
                        a, {"telegram": transport}, rate=30, worker=w, shared=True, pace=fast, batch=60
                    )
                    for a, w in ((app, "w1"), (second, "w2"))
                ]

                async def done() -> bool:
                    async with app.services.db() as session:
                        return await pending_count(session) == 0

                await asyncio.gather(*(send_until(w, done, limit=60) for w in workers))
            calls = sends_ok(fake)
            copies = delivered_copies(fake)
            assert throttled(fake) == 0
    finally:
        await second.close()
    assert all(w.sent > 0 for w in workers)  # both really sent
    assert len(copies) == 94 and all(copies[g] == 21 for g in busy)
    assert max_per_group(calls) <= 20
    assert max_in_window((c.at for c in calls), 1.0) <= 30
    assert broadcast and all_sent(await row_states(app))


@pytest.mark.skipif(DB_KIND != "postgres", reason="several sender workers share one PostgreSQL")
async def test_two_workers_together_keep_the_overall_rate(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    # Wall-clock time, a scaled overall limit: each worker alone would go at 90/s, so two
    # workers with their own counters sent 180/s into a 100/s limit (the fake answers 429).
    await seed_broadcast(app, clock, 300)
    second = build_app(settings, clock=clock)
    try:
        async with FakeTelegram(flood=FloodLimits(per_second=100)) as fake:
            async with telegram_transport(fake, app) as transport:
                workers = [
                    paced_sender(a, {"telegram": transport}, rate=90, worker=w, shared=True)
                    for a, w in ((app, "w1"), (second, "w2"))
                ]

                async def done() -> bool:
                    return all_sent(await row_states(app))

                await asyncio.gather(*(send_until(w, done, limit=60) for w in workers))
            calls = sends_ok(fake)
            copies = delivered_copies(fake)
            assert throttled(fake) == 0
    finally:
        await second.close()
    assert all(w.sent > 0 for w in workers)
    assert len(copies) == 300 and set(copies.values()) == {1}
    assert max_in_window((c.at for c in calls), 1.0) <= 100
