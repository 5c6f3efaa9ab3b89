"""/metrics over real HTTP: off by default, a bearer token when set, and numbers that follow reality."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.app import App, build_app
from bot.web import bound_port, build_web_app, start_web
from config.settings import Settings
from handlers.clock import FakeClock
from handlers.services import Services
from tests.bot.sender_support import seed_broadcast, telegram_transport
from tests.conftest import _empty_all_tables
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import ConsoleHarness


@pytest.fixture
async def metered(settings: Settings, clock: FakeClock, db_url: str) -> AsyncIterator[App]:
    await _empty_all_tables(db_url)
    application = build_app(settings.model_copy(update={"metrics_enabled": True}), clock=clock)
    try:
        yield application
    finally:
        await application.close()


async def _get(
    app: App, headers: dict[str, str] | None = None, services: Services | None = None
) -> tuple[int, str, str]:
    runner = await start_web(build_web_app(services or app.services), 0, "127.0.0.1")
    try:
        url = f"http://127.0.0.1:{bound_port(runner)}/metrics"
        async with aiohttp.ClientSession() as client, client.get(url, headers=headers) as response:
            return response.status, response.headers.get("Content-Type", ""), await response.text()
    finally:
        await runner.cleanup()


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


async def test_metrics_are_off_by_default(app: App) -> None:
    status, _, _ = await _get(app)
    assert status == 404


async def test_outbox_depth_is_read_from_the_database(metered: App, clock: FakeClock) -> None:
    await seed_broadcast(metered, clock, 12)
    status, content_type, body = await _get(metered)
    assert status == 200 and content_type.startswith("text/plain")
    samples = _samples(body)
    assert samples[("buurtbot_outbox_pending", (("platform", "telegram"),))] == 12
    assert samples[("buurtbot_outbox_oldest_pending_seconds", ())] >= 0


async def test_sends_429s_and_failures_are_counted(metered: App, clock: FakeClock) -> None:
    await seed_broadcast(metered, clock, 5)
    async with FakeTelegram() as fake:
        fake.fail("429", method="sendMessage", chat_id="-1001", retry_after=1)
        fake.fail("kicked", method="sendMessage", chat_id="-1002")
        async with telegram_transport(fake, metered) as transport:
            await metered.sender({"telegram": transport}).drain()
    samples = _samples((await _get(metered))[2])

    def deliveries(outcome: str) -> float:
        key = ("buurtbot_outbox_deliveries_total", (("outcome", outcome), ("platform", "telegram")))
        return samples.get(key, 0.0)

    assert deliveries("sent") == 3  # -1000, -1003, -1004 (the 429'd one waits for its retry_after)
    assert deliveries("throttled") == 1
    assert deliveries("gone") == 1
    assert samples[("buurtbot_outbox_failures_total", (("platform", "telegram"),))] == 1
    # The throttled row and the coordinator's progress/report messages are still pending.
    assert samples[("buurtbot_outbox_pending", (("platform", "telegram"),))] >= 1


async def test_update_latency_is_observed_per_platform(metered: App) -> None:
    console = ConsoleHarness(metered)
    await console.start()
    await console.say("/help", "/help")
    samples = _samples((await _get(metered))[2])
    handled = samples[("buurtbot_update_seconds_count", (("platform", "console"),))]
    assert handled >= 2
    assert samples[("buurtbot_update_seconds_bucket", (("le", "+Inf"), ("platform", "console")))] == handled


async def test_a_token_is_asked_for_when_set(metered: App) -> None:
    settings = metered.services.settings.model_copy(update={"metrics_token": SecretStr("scrape-me")})
    services = dataclasses.replace(metered.services, settings=settings)
    assert (await _get(metered, services=services))[0] == 401
    assert (await _get(metered, {"Authorization": "Bearer wrong"}, services))[0] == 401
    status, _, body = await _get(metered, {"Authorization": "Bearer scrape-me"}, services)
    assert status == 200 and "buurtbot_outbox_pending" in body
