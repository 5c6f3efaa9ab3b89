"""The fake Bot API itself: the behaviours other tests rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram, FloodLimits


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def _post(session: aiohttp.ClientSession, fake: FakeTelegram, method: str, **params):
    async with session.post(f"{fake.base_url}{fake.token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


async def test_long_poll_is_woken_by_a_queued_update_and_offset_confirms():
    async with FakeTelegram() as fake, aiohttp.ClientSession() as session:
        import asyncio

        poll = asyncio.create_task(_post(session, fake, "getUpdates", timeout=30))
        await fake.wait_for_calls("getUpdates", 1)
        fake.queue_update(tu.text_update(tu.private_chat(7), tu.user(7), "hoi"))
        status, body = await poll
        assert status == 200 and [u["update_id"] for u in body["result"]] == [1]
        _, body = await _post(session, fake, "getUpdates", offset=2, timeout=0)
        assert body["result"] == [] and fake.pending_updates == 0


async def test_messages_are_numbered_per_chat_and_calls_recorded_with_clock():
    clock = Clock()
    async with FakeTelegram(clock=clock) as fake, aiohttp.ClientSession() as session:
        ids = [
            (await _post(session, fake, "sendMessage", chat_id=c, text="x"))[1]["result"]["message_id"]
            for c in (-5, -5, 9)
        ]
        assert ids == [1, 2, 1]
        assert [c.chat_id for c in fake.calls_to("sendMessage")] == ["-5", "-5", "9"]
        assert fake.calls[0].at == clock.now


async def test_injected_faults_and_flood_limits():
    clock = Clock()
    async with (
        FakeTelegram(clock=clock, flood=FloodLimits(per_group_per_minute=2)) as fake,
        aiohttp.ClientSession() as session,
    ):
        fake.fail("migrate", chat_id=-5, migrate_to_chat_id=-1005)
        status, body = await _post(session, fake, "sendMessage", chat_id=-5, text="a")
        assert status == 400 and body["parameters"] == {"migrate_to_chat_id": -1005}
        statuses = [(await _post(session, fake, "sendMessage", chat_id=-5, text="a"))[0] for _ in range(3)]
        assert statuses == [200, 200, 429]
        clock.now += timedelta(seconds=61)
        assert (await _post(session, fake, "sendMessage", chat_id=-5, text="a"))[0] == 200
