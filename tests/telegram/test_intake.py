"""Durable intake on Telegram: nothing answered 200 (or confirmed by an offset) is ever lost.

Over real HTTP against the fake Bot API, with database cuts injected at the engine (every statement
fails as on a lost connection, except the ones a test spares).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import App, build_app
from bot.cli import main
from bot.inbox import backoff
from bot.web import bound_port
from config.settings import Settings
from handlers.clock import FakeClock
from storage.inbox import InboxMessage, InboxState
from tests import pg
from tests.bot.inbox_support import database_cut, inbox_only, inbox_size, inbox_states, intake_only
from tests.conftest import DB_KIND
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import WEBHOOK_SECRET, telegram_settings
from tests.telegram.runtime import TelegramRuntime


def _rules(user_id: int, update_id: int) -> dict[str, object]:
    return tu.text_update(
        tu.private_chat(user_id), tu.user(user_id, f"Bewoner {user_id}"), "/regels", update_id=update_id
    )


def _url(runtime: TelegramRuntime) -> str:
    assert runtime.web_runner is not None
    return f"http://127.0.0.1:{bound_port(runtime.web_runner)}/webhook/telegram"


async def _post(client: aiohttp.ClientSession, url: str, update: dict[str, object]) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with client.post(url, json=update, headers=headers) as resp:
        await resp.read()
        return resp.status


def _replies(fake: FakeTelegram) -> Counter[str]:
    """Rules sent per private chat (a reply that really went out)."""
    return Counter(
        str(c.chat_id)
        for c in fake.calls_to("sendMessage")
        if c.status == 200 and c.params["text"].startswith("<b>Afspraken")
    )


async def _row(app: App) -> InboxMessage:
    async with app.services.db() as session:
        row = await session.scalar(select(InboxMessage))
    assert row is not None
    return row


async def test_failed_commit_answers_500_and_the_retry_is_handled_once(
    webhook: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    update = _rules(601, 7001)
    async with aiohttp.ClientSession() as client:
        with database_cut(app.engine) as refused:
            assert await _post(client, _url(webhook), update) == 500  # Telegram will send it again
        assert refused and await inbox_size(app) == 0
        assert await _post(client, _url(webhook), update) == 200
        assert await _post(client, _url(webhook), update) == 200  # a repeat: no second row
    await fake.wait_for(lambda f: _replies(f)["601"] == 1)
    await webhook.inbox.idle()
    assert await inbox_states(app) == {"pending": 0, "done": 1, "dead": 0}
    assert _replies(fake) == {"601": 1}


async def test_database_cut_between_200_and_handling_loses_nothing(
    webhook: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    updates = [_rules(700 + n, 8000 + n) for n in range(60)]
    async with aiohttp.ClientSession() as client:
        with database_cut(app.engine, intake_only) as refused:
            statuses = await asyncio.gather(*(_post(client, _url(webhook), u) for u in updates))
            await webhook.inbox.idle()  # every handling attempt ran into the cut
        assert statuses == [200] * len(updates) and refused
    assert await inbox_states(app) == {"pending": len(updates), "done": 0, "dead": 0}
    assert _replies(fake) == {}
    # Back: once their lease runs out the timer resumes every row, each exactly once.
    clock.advance(seconds=app.services.settings.inbox_lease_seconds + 1)
    assert await webhook.inbox.resume() == len(updates)
    await fake.wait_for(lambda f: len(_replies(f)) == len(updates), limit=30)
    await webhook.inbox.idle()
    assert await inbox_states(app) == {"pending": 0, "done": len(updates), "dead": 0}
    assert set(_replies(fake).values()) == {1}


async def test_failing_update_backs_off_is_parked_dead_listed_and_replayed(
    webhook: TelegramRuntime,
    fake: FakeTelegram,
    app: App,
    clock: FakeClock,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts = app.services.settings.inbox_max_attempts
    async with aiohttp.ClientSession() as client:
        with database_cut(app.engine, inbox_only):
            assert await _post(client, _url(webhook), _rules(801, 9001)) == 200
            await webhook.inbox.idle()
            for attempt in range(1, attempts):
                row = await _row(app)
                assert (row.state, row.attempts, row.last_error) == ("pending", attempt, "OperationalError")
                assert await webhook.inbox.resume() == 0  # not due during its backoff
                clock.advance(seconds=backoff(attempt).total_seconds())
                assert await webhook.inbox.resume() == 1
                await webhook.inbox.idle()
            row = await _row(app)
            assert (row.state, row.attempts) == (InboxState.DEAD, attempts)
            clock.advance(days=1)
            assert await webhook.inbox.resume() == 0  # dead rows wait for a beheerder
    assert backoff(2) - backoff(1) == timedelta(seconds=10)  # it grows
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert await asyncio.to_thread(main, ["inbox"]) == 0
    listing = capsys.readouterr().out
    assert "0 wachten, 0 verwerkt, 1 vastgelopen" in listing
    assert f"#{row.id} telegram" in listing and f"{attempts} pogingen, fout: OperationalError" in listing
    assert "Afspraken" not in listing and "Bewoner" not in listing  # no payload, no names
    assert await asyncio.to_thread(main, ["inbox", "replay", "--dead"]) == 0
    assert "1 bericht(en) teruggezet" in capsys.readouterr().out
    assert await webhook.inbox.resume() == 1
    await fake.wait_for(lambda f: _replies(f)["801"] == 1)
    await webhook.inbox.idle()
    assert await inbox_states(app) == {"pending": 0, "done": 1, "dead": 0}


async def test_replay_needs_an_id_or_dead(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///does/not/matter.db")
    assert await asyncio.to_thread(main, ["inbox", "replay"]) == 2
    assert "--dead" in capsys.readouterr().out


async def test_polling_confirms_an_offset_only_after_storing(
    manual: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    update_id = fake.queue_update(_rules(901, 9501))
    with database_cut(app.engine):
        with pytest.raises(OperationalError):
            await manual.poller.poll_once(wait=0)
        assert manual.poller.offset is None
        with pytest.raises(OperationalError):
            await manual.poller.poll_once(wait=0)  # the same batch again: Telegram still has it
    assert [c.params.get("offset") for c in fake.calls_to("getUpdates")] == [None, None]
    assert fake.pending_updates == 1
    assert await manual.poller.poll_once(wait=0) == 1
    assert manual.poller.offset == update_id + 1
    assert await manual.poller.poll_once(wait=0) == 0  # this call confirms it to Telegram
    assert fake.calls_to("getUpdates")[-1].params["offset"] == update_id + 1
    assert fake.pending_updates == 0
    await manual.inbox.idle()
    await manual.drain.drain()
    assert _replies(fake) == {"901": 1}
    assert await inbox_states(app) == {"pending": 0, "done": 1, "dead": 0}


@pytest.fixture
async def two_webhooks(
    app: App, settings: Settings, fake: FakeTelegram, clock: FakeClock
) -> AsyncIterator[tuple[TelegramRuntime, TelegramRuntime]]:
    """Two bot processes' worth of runtime (each its own engine and pool) on one database."""
    other = build_app(settings, clock=clock)
    runtimes = []
    for worker, bot_app in (("w1", app), ("w2", other)):
        configured = telegram_settings(
            settings,
            fake,
            port=0,
            webhook_url="https://bot.example.nl/webhook/telegram",
            telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
            outbox_worker_id=worker,
        )
        runtimes.append(TelegramRuntime(bot_app, configured, webhook=True))
    try:
        for runtime in runtimes:
            await runtime.start()
        yield runtimes[0], runtimes[1]
    finally:
        for runtime in runtimes:
            await runtime.stop()
        await other.close()


async def test_two_webhook_processes_on_one_database_handle_each_update_once(
    two_webhooks: tuple[TelegramRuntime, TelegramRuntime], fake: FakeTelegram, app: App
) -> None:
    one, two = two_webhooks
    updates = [_rules(1000 + n, 10_000 + n) for n in range(80)]
    async with aiohttp.ClientSession() as client:
        # Each update reaches both processes (a retry landing on the other one behind the URL).
        statuses = await asyncio.gather(
            *(_post(client, _url(runtime), u) for u in updates for runtime in (one, two))
        )
    assert statuses == [200] * (2 * len(updates))
    await fake.wait_for(lambda f: len(_replies(f)) == len(updates), limit=30)
    await one.inbox.idle()
    await two.inbox.idle()
    assert set(_replies(fake).values()) == {1}
    assert await inbox_states(app) == {"pending": 0, "done": len(updates), "dead": 0}
    assert one.inbox.handled > 0 and two.inbox.handled > 0  # both really took updates in


@asynccontextmanager
async def _postgres_refuses(db_url: str) -> AsyncIterator[None]:
    """A real outage of this test's database: new connections refused, open ones killed."""
    name = db_url.rsplit("/", 1)[1]
    admin = await pg.admin_connection()
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="stops a real PostgreSQL database")
async def test_postgres_outage_in_a_burst_loses_nothing_and_apologises_for_nothing(
    webhook: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock, db_url: str
) -> None:
    updates = [_rules(3000 + n, 30_000 + n) for n in range(150)]
    async with aiohttp.ClientSession() as client:
        first = await asyncio.gather(*(_post(client, _url(webhook), u) for u in updates[:100]))
        async with _postgres_refuses(db_url):
            during = await asyncio.gather(*(_post(client, _url(webhook), u) for u in updates[100:]))
            await webhook.inbox.idle()  # what was being handled ran into the outage
        statuses = first + during
        assert first == [200] * 100 and set(during) == {500}  # refused while down: Telegram resends
        retried = await asyncio.gather(
            *(_post(client, _url(webhook), u) for u, s in zip(updates, statuses, strict=True) if s != 200)
        )
    assert set(retried) == {200}
    print(f"after the outage: {await inbox_states(app)}, replies so far {len(_replies(fake))}")
    clock.advance(seconds=app.services.settings.inbox_lease_seconds + 1)
    await webhook.inbox.resume()
    await fake.wait_for(lambda f: len(_replies(f)) == len(updates), limit=60)
    await webhook.inbox.idle()
    assert set(_replies(fake).values()) == {1}
    apologies = [c for c in fake.calls_to("sendMessage") if "Er ging iets mis" in c.params["text"]]
    assert apologies == []
    assert await inbox_states(app) == {"pending": 0, "done": len(updates), "dead": 0}
