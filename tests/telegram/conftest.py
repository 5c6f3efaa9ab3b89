"""Buurtbot on Telegram against the fake Bot API over real HTTP, with the test database and clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.app import App
from config.settings import Settings
from handlers.clock import FakeClock
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime

WEBHOOK_SECRET = "s3cret_token-1"


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=clock.now) as server:
        yield server


def telegram_settings(settings: Settings, fake: FakeTelegram, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(fake.token),
            "telegram_api_base_url": fake.base_url,
            **extra,
        }
    )


@pytest.fixture
async def polling(app: App, settings: Settings, fake: FakeTelegram) -> AsyncIterator[TelegramRuntime]:
    runtime = TelegramRuntime(app, telegram_settings(settings, fake))
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest.fixture
async def webhook(app: App, settings: Settings, fake: FakeTelegram) -> AsyncIterator[TelegramRuntime]:
    runtime = TelegramRuntime(
        app,
        telegram_settings(
            settings,
            fake,
            port=0,
            webhook_url="https://bot.example.nl/webhook/telegram",
            telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        ),
        webhook=True,
    )
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest.fixture
async def manual(app: App, settings: Settings, fake: FakeTelegram) -> AsyncIterator[TelegramRuntime]:
    """Connected (getMe) but not running: the test feeds updates and drains the outbox itself."""
    runtime = TelegramRuntime(app, telegram_settings(settings, fake))
    await runtime.open()
    # As before the one server: getMe only, no bot profile (its privacy-mode notices stay out).
    app.services.bot_profile.pop("telegram", None)
    try:
        yield runtime
    finally:
        await runtime.stop()
