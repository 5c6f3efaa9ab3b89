"""Crash safety and shared outboxes: a SIGKILLed sender process, and two workers on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from bot.app import build_app
from bot.sender import send_until
from handlers.clock import FakeClock
from tests.bot.sender_support import (
    all_sent,
    delivered_copies,
    paced_sender,
    row_states,
    seed_broadcast,
    telegram_transport,
)
from tests.conftest import DB_KIND
from tests.fakes.telegram_api import FakeTelegram

GROUPS = 300


async def _start_sender(fake: FakeTelegram, db_url: str) -> asyncio.subprocess.Process:
    # No OUTBOX_WORKER_ID: the default name is stable, so the restart resumes its own leases at once.
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "OUTBOX_RATE_PER_SECOND": "100",
        "PSEUDONYM_SECRET": "test-secret",
        "LOG_LEVEL": "WARNING",
    }
    code = "import sys; from bot.cli import main; sys.exit(main(['send']))"
    return await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env)


async def test_sigkilled_sender_resumes_without_repeating_recorded_sends(
    app, clock: FakeClock, db_url
) -> None:
    await seed_broadcast(app, clock, GROUPS)
    async with FakeTelegram() as fake:
        first = await _start_sender(fake, db_url)
        await fake.wait_for(lambda f: len(delivered_copies(f)) >= GROUPS // 3, limit=30)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        recorded = {chat for chat, status in (await row_states(app)).items() if status == "sent"}
        before = delivered_copies(fake)
        assert 0 < len(before) < GROUPS  # really killed in the middle
        second = await _start_sender(fake, db_url)
        try:
            await fake.wait_for(lambda f: len(delivered_copies(f)) >= GROUPS, limit=30)
            # Let the second worker record its last sends before it stops cleanly.
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), 15)
        finally:
            if second.returncode is None:
                second.kill()
        copies = delivered_copies(fake)
    assert recorded and all(copies[chat] == 1 for chat in recorded)
    assert len(copies) == GROUPS  # every group got the alert
    repeated = [chat for chat, n in copies.items() if n > 1]
    in_flight_at_kill = set(before) - recorded  # sent but not yet recorded when the process died
    assert set(repeated) <= in_flight_at_kill
    assert all_sent(await row_states(app))


@pytest.mark.skipif(DB_KIND != "postgres", reason="FOR UPDATE SKIP LOCKED: PostgreSQL only")
async def test_two_workers_share_one_outbox_on_postgres(app, clock: FakeClock, settings) -> None:
    broadcast_id = await seed_broadcast(app, clock, GROUPS)
    second_app = build_app(settings, clock=clock)  # its own engine and pool: a second worker
    try:
        async with FakeTelegram() as fake, telegram_transport(fake, app) as transport:
            one = paced_sender(app, {"telegram": transport}, rate=150, worker="w1")
            two = paced_sender(second_app, {"telegram": transport}, rate=150, worker="w2")

            async def done() -> bool:
                return all_sent(await row_states(app))

            await asyncio.gather(send_until(one, done), send_until(two, done))
            copies = delivered_copies(fake)
    finally:
        await second_app.close()
    assert len(copies) == GROUPS and set(copies.values()) == {1}
    assert one.sent > 0 and two.sent > 0  # both really worked
    assert broadcast_id
