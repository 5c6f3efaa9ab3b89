"""A restarted sender resumes its own leased rows at once; leases hold rows back from live workers only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App, build_app
from bot.sender import send_until
from config.settings import Settings
from handlers.clock import FakeClock
from storage import outbox_claims as claims
from storage.worker_names import WorkerNames, WorkerNameTaken
from tests.bot.sender_support import (
    all_sent,
    delivered_copies,
    row_states,
    seed_broadcast,
    telegram_transport,
)
from tests.conftest import DB_KIND
from tests.fakes.telegram_api import FakeTelegram

GROUPS = 12


async def _leased_by_a_worker(app: App, clock: FakeClock) -> tuple[WorkerNames, int]:
    """A worker that took its default name and leased every due row (60 s), as if mid-send."""
    names = WorkerNames(app.engine, app.services.settings.database_url)
    worker = await names.take()
    async with app.services.db() as session:
        rows = await claims.claim_due(
            session,
            now=clock.now(),
            lease_until=clock.now() + timedelta(seconds=60),
            worker=worker,
            platforms=["telegram"],
            limit=1000,
        )
        await session.commit()
    return names, len(rows)


async def _leased(app: App) -> int:
    async with app.services.db() as session:
        return len(await claims.leaseholders(session, app.services.clock.now()))


async def test_a_restarted_worker_resumes_its_own_leases_at_once(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    await seed_broadcast(app, clock, GROUPS)
    crashed, leased = await _leased_by_a_worker(app, clock)
    assert leased == GROUPS and await _leased(app) == 1
    name = crashed.name
    await crashed.close()  # the process died: the OS / database drop its lock
    restarted = build_app(settings, clock=clock)  # a new process on the same host and database
    try:
        async with FakeTelegram() as fake, telegram_transport(fake, restarted) as transport:
            sender = restarted.sender({"telegram": transport})

            async def done() -> bool:
                return all_sent(await row_states(app))

            # The fake clock stands still: nothing waits for the 60 s lease to run out.
            await send_until(sender, done, limit=15)
            copies = delivered_copies(fake)
    finally:
        await restarted.close()
    assert sender.worker == name  # it got its old name back
    assert len(copies) == GROUPS and set(copies.values()) == {1}


async def test_a_live_workers_name_is_not_taken_twice(app: App) -> None:
    one = WorkerNames(app.engine, app.services.settings.database_url)
    two = WorkerNames(app.engine, app.services.settings.database_url)
    try:
        first, second = await one.take(), await two.take()
        assert first != second and first.endswith(":0") and second.endswith(":1")
        with pytest.raises(WorkerNameTaken):
            await WorkerNames(app.engine, app.services.settings.database_url).take(first)
    finally:
        await one.close()
        await two.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="other workers' liveness: advisory locks, PostgreSQL")
async def test_a_dead_workers_leases_go_to_a_live_one_before_they_expire(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    await seed_broadcast(app, clock, GROUPS)
    other, leased = await _leased_by_a_worker(app, clock)
    assert leased == GROUPS
    survivor = build_app(settings, clock=clock)
    try:
        async with FakeTelegram() as fake, telegram_transport(fake, survivor) as transport:
            sender = survivor.sender({"telegram": transport})
            # While the other worker lives, its leased rows are its own: one run sends nothing.
            await send_until(sender, _nothing_to_wait_for, limit=5)
            assert delivered_copies(fake) == {}
            await other.close()  # now it dies, its leases still 60 s from expiry
            # The next start (or the next lease renewal of a running worker) sees the dead name.

            async def done() -> bool:
                return all_sent(await row_states(app))

            await send_until(sender, done, limit=15)
            copies = delivered_copies(fake)
    finally:
        await other.close()
        await survivor.close()
    assert len(copies) == GROUPS and set(copies.values()) == {1}


async def _nothing_to_wait_for() -> bool:
    return True
