"""WhatsApp through the one web server (bot/web.py): alone, and beside Telegram on one process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.adapters.telegram.platform import TelegramPlatform
from bot.adapters.whatsapp.platform import WhatsAppPlatform
from bot.adapters.whatsapp.webhook import WEBHOOK_PATH
from bot.app import App
from bot.serve import Server
from bot.web import bound_port
from config.settings import Settings
from handlers.alert_targets import enqueue_alert_targets
from handlers.clock import FakeClock
from handlers.types import Msg, Reply
from storage.chats import create_area
from storage.models import RoleName
from storage.people import get_person, grant_role
from storage.whatsapp import AreaSubscription
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    FakeWhatsAppApi,
)
from tests.telegram.conftest import WEBHOOK_SECRET, telegram_settings

VERIFY = "verify-runtime"
ANS = "31611111111"


def whatsapp_settings(settings: Settings, api: FakeWhatsAppApi, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "whatsapp_token": SecretStr(DEFAULT_TOKEN),
            "whatsapp_phone_number_id": DEFAULT_PHONE_NUMBER_ID,
            "whatsapp_app_secret": SecretStr(DEFAULT_APP_SECRET),
            "whatsapp_verify_token": SecretStr(VERIFY),
            "whatsapp_api_base_url": api.graph_url,
            **extra,
        }
    )


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=clock.now) as server:
        yield server


@pytest.fixture
async def wa_api(clock: FakeClock) -> AsyncIterator[FakeWhatsAppApi]:
    async with FakeWhatsAppApi(now=lambda: clock.now().timestamp()) as api:
        yield api


async def test_whatsapp_only_runtime_serves_webhook_health_and_sends(
    app: App, settings: Settings, wa_api: FakeWhatsAppApi
) -> None:
    configured = whatsapp_settings(settings, wa_api)
    async with aiohttp.ClientSession() as http:
        runtime = Server(app, configured, [WhatsAppPlatform(configured)], port=0, host="127.0.0.1")
        await runtime.start()
        try:
            assert runtime.web_runner is not None
            base = f"http://127.0.0.1:{bound_port(runtime.web_runner)}"
            async with http.get(f"{base}/healthz") as health:
                assert health.status == 200
            assert await wa_api.verify_webhook(base + WEBHOOK_PATH, VERIFY, "77") == (200, "77")
            status, _ = await wa_api.post_webhook(base + WEBHOOK_PATH, wa_api.text_message(ANS, "Regels"))
            assert status == 200
            [call] = await wa_api.wait_for_sends(1)  # the runtime's own sender delivers it
            assert call.to == ANS and call.text is not None and call.text.startswith("*Afspraken")
        finally:
            await runtime.stop()


async def test_telegram_and_whatsapp_on_one_server_with_a_forward_kit(
    app: App, settings: Settings, fake: FakeTelegram, wa_api: FakeWhatsAppApi
) -> None:
    both = whatsapp_settings(
        telegram_settings(
            settings, fake, port=0, webhook_url="https://bot.example.nl/webhook/telegram",
            telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        ),
        wa_api,
    )  # fmt: skip
    runtime = Server(app, both, [TelegramPlatform(both), WhatsAppPlatform(both)], webhook=True)
    await runtime.start()
    try:
        assert runtime.web_runner is not None
        base = f"http://127.0.0.1:{bound_port(runtime.web_runner)}"
        assert fake.webhook is not None
        fake.webhook["url"] = f"{base}/webhook/telegram"
        now = app.services.clock.now()
        async with app.services.db() as session:
            area = await create_area(session, "Krispijn", now)
            await session.commit()
        # A Telegram coordinator registers the WhatsApp group of the area.
        piet = tu.user(777, "Piet")
        assert await fake.post_to_webhook(tu.text_update(tu.private_chat(777, "Piet"), piet, "/start")) == 200
        await fake.wait_for_calls("sendMessage", 1, chat_id=777)
        async with app.services.db() as session:
            person = await get_person(session, "telegram", "777")
            assert person is not None
            await grant_role(session, person.id, RoleName.COORDINATOR, area.id, now)
            await session.commit()
        kit_cmd = tu.text_update(
            tu.private_chat(777, "Piet"), piet, "/whatsappgroep Krispijn Buurtapp", message_id=2
        )
        assert await fake.post_to_webhook(kit_cmd) == 200
        await fake.wait_for_calls("sendMessage", 2, chat_id=777)
        # A WhatsApp resident subscribes through the same server.
        status, _ = await wa_api.post_webhook(
            base + WEBHOOK_PATH, wa_api.text_message(ANS, "aanmelden Krispijn")
        )
        assert status == 200
        await wa_api.wait_for_sends(1)
        async with app.services.db() as session:
            assert len(list(await session.scalars(select(AreaSubscription)))) == 1
            alert = Reply((Msg.of("subscribe.done", area="<Krispijn>"),))
            await enqueue_alert_targets(
                session, app.services.outbox, app.services.catalog, [area.id], alert, "alert:7"
            )
            await session.commit()
        app.services.outbox.wake()
        sent = await wa_api.wait_for_sends(2)
        assert sent[1].to == ANS and sent[1].text is not None
        assert sent[1].text.startswith("Je krijgt nu waarschuwingen voor wijk *<Krispijn>*.")
        calls = await fake.wait_for_calls("sendMessage", 4, chat_id=777)
        kit_text = calls[3].params["text"]
        # On Telegram the kit is WhatsApp text, shown literally (HTML-escaped) for copying.
        assert kit_text.startswith("Je krijgt nu waarschuwingen voor wijk *&lt;Krispijn&gt;*.")
        assert "<b>" not in kit_text
    finally:
        await runtime.stop()
