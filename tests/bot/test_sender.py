"""The paced sender against the fake Bot API (which answers 429 when its flood limits are exceeded)."""

from __future__ import annotations

import pytest

from bot.sender import send_until
from handlers.clock import FakeClock
from tests.bot.sender_support import (
    COORDINATOR_CHAT,
    all_sent,
    delivered_copies,
    finished,
    paced_sender,
    row_states,
    seed_broadcast,
    telegram_transport,
    throttled,
)
from tests.fakes.telegram_api import FakeTelegram, FloodLimits


@pytest.fixture
async def flooded():
    # Scaled budget: 200/s overall (Telegram: 30/s), 1/s per chat with a burst of 3, 20/min per group.
    async with FakeTelegram(flood=FloodLimits(per_second=200)) as fake:
        yield fake


async def test_fan_out_to_500_groups_gets_no_429(app, clock: FakeClock, flooded: FakeTelegram) -> None:
    broadcast_id = await seed_broadcast(app, clock, 500)
    async with telegram_transport(flooded, app) as transport:
        sender = paced_sender(app, {"telegram": transport}, rate=190)
        await send_until(sender, lambda: finished(app, broadcast_id))
        await send_until(sender, lambda: _report_sent(flooded))
    copies = delivered_copies(flooded)
    assert len(copies) == 500 and set(copies.values()) == {1}
    assert throttled(flooded) == 0
    assert all_sent(await row_states(app))
    done = await finished(app, broadcast_id)
    assert done is not None and (done.total, done.delivered, done.failed) == (500, 500, 0)
    report = [c.params["text"] for c in flooded.calls_to("sendMessage", COORDINATOR_CHAT)]
    assert any("500 van 500" in text for text in report)


async def _report_sent(fake: FakeTelegram) -> bool:
    return any("Klaar" in c.params["text"] for c in fake.calls_to("sendMessage", COORDINATOR_CHAT))


async def test_injected_429s_and_500s_still_give_exactly_one_copy(app, clock: FakeClock) -> None:
    broadcast_id = await seed_broadcast(app, clock, 200)
    async with FakeTelegram(seed=7) as fake:
        fake.fail("429", method="sendMessage", fraction=0.1, times=None, retry_after=1)
        fake.fail("500", method="sendMessage", fraction=0.1, times=None)
        async with telegram_transport(fake, app) as transport:
            sender = paced_sender(app, {"telegram": transport}, rate=300)
            await send_until(sender, lambda: finished(app, broadcast_id))
        copies = delivered_copies(fake)
        failures = sum(f.hits for f in fake.faults)
    assert failures > 20  # the faults really happened
    assert len(copies) == 200 and set(copies.values()) == {1}
    assert all_sent(await row_states(app))


async def test_a_chat_gone_or_migrated_is_handled_and_others_flow(app, clock: FakeClock) -> None:
    broadcast_id = await seed_broadcast(app, clock, 20)
    async with FakeTelegram() as fake:
        fake.fail("kicked", method="sendMessage", chat_id="-1003")
        fake.fail("migrate", method="sendMessage", chat_id="-1004", migrate_to_chat_id=-100999)
        async with telegram_transport(fake, app) as transport:
            sender = paced_sender(app, {"telegram": transport}, rate=300)
            await send_until(sender, lambda: finished(app, broadcast_id))
        copies = delivered_copies(fake)
    states = await row_states(app)
    assert states["-1003"] == "failed"
    assert states["-100999"] == "sent" and copies["-100999"] == 1  # moved to the supergroup and sent
    assert len(copies) == 19 and set(copies.values()) == {1}
    done = await finished(app, broadcast_id)
    assert done is not None and (done.delivered, done.failed) == (19, 1)
