"""A ``buurtbot run --webhook`` process SIGKILLed right after answering a burst: nothing is lost.

Before the inbox, 299 of 300 updates answered 200 were lost this way (handled from memory only).
Now every one is a row before its 200, and the restarted process (same host and port, so the same
worker id) takes its unfinished rows back at once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter

import aiohttp
from sqlalchemy import select

from bot.app import App
from storage.models import Chat, OutboxMessage, OutboxStatus
from tests.bot.inbox_support import inbox_states
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram

UPDATES = 300
SECRET = "crash-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start_bot(fake: FakeTelegram, db_url: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "WEBHOOK_URL": "https://bot.example.nl/webhook/telegram",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PORT": str(port),
        "OUTBOX_RATE_PER_SECOND": "1000",
        "PSEUDONYM_SECRET": "test-secret",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("OUTBOX_WORKER_ID", None)  # the default worker id (host and port) must be stable
    registered = len(fake.calls_to("setWebhook"))
    code = "import sys; from bot.cli import main; sys.exit(main(['run', '--webhook']))"
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env)
    # setWebhook comes after the web server listens: from then on it takes updates.
    await fake.wait_for(lambda f: len(f.calls_to("setWebhook")) > registered, limit=60)
    return process


async def _post_all(port: int) -> list[int]:
    url = f"http://127.0.0.1:{port}/webhook/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def post(client: aiohttp.ClientSession, n: int) -> int:
        person = tu.user(20_000 + n, f"Bewoner {n}")
        update = tu.text_update(tu.private_chat(20_000 + n), person, "/regels", update_id=50_000 + n)
        async with client.post(url, json=update, headers=headers) as resp:
            return resp.status

    async with aiohttp.ClientSession() as client:
        return await asyncio.gather(*(post(client, n) for n in range(UPDATES)))


def _replies(fake: FakeTelegram) -> Counter[str]:
    return Counter(str(c.chat_id) for c in fake.calls_to("sendMessage") if c.status == 200)


async def _recorded_sent(app: App) -> set[str]:
    async with app.services.db() as session:
        rows = await session.scalars(
            select(Chat.external_id)
            .join(OutboxMessage, OutboxMessage.chat_id == Chat.id)
            .where(OutboxMessage.status == OutboxStatus.SENT)
        )
        return set(rows)


async def test_sigkill_after_answering_a_burst_loses_no_update(app: App, db_url: str) -> None:
    async with FakeTelegram() as fake:
        port = _free_port()
        first = await _start_bot(fake, db_url, port)
        try:
            statuses = await _post_all(port)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert statuses == [200] * UPDATES
        at_kill = await inbox_states(app)
        assert sum(at_kill.values()) == UPDATES  # every 200 was a stored row
        assert at_kill["pending"] > 0, at_kill  # really killed while handling
        sent_before, recorded = _replies(fake), await _recorded_sent(app)
        second = await _start_bot(fake, db_url, port)
        try:
            await fake.wait_for(lambda f: len(_replies(f)) >= UPDATES, limit=60)
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), 20)
        finally:
            if second.returncode is None:
                second.kill()
        copies = _replies(fake)
    print(f"at kill: {at_kill}; lost after restart: {UPDATES - len(copies)}")
    assert len(copies) == UPDATES  # none lost
    assert await inbox_states(app) == {"pending": 0, "done": UPDATES, "dead": 0}
    # A reply can only repeat if it was on the wire, not yet recorded, when the process died.
    repeated = {chat for chat, n in copies.items() if n > 1}
    assert repeated <= set(sent_before) - recorded
