"""POST /webhook/telegram and GET /healthz over real HTTP, with the webhook registered at the fake."""

from __future__ import annotations

import json

import aiohttp
from sqlalchemy import func, select

from bot.app import App
from bot.web import bound_port
from storage.inbox import InboxMessage
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import WEBHOOK_SECRET
from tests.telegram.runtime import TelegramRuntime

ANNA = tu.user(501, "Anna")


def _local(runtime: TelegramRuntime) -> str:
    assert runtime.web_runner is not None
    return f"http://127.0.0.1:{bound_port(runtime.web_runner)}"


def _point_fake_at(runtime: TelegramRuntime, fake: FakeTelegram) -> None:
    # The registered public URL stands for this test server.
    assert fake.webhook is not None
    fake.webhook["url"] = f"{_local(runtime)}/webhook/telegram"


async def test_webhook_is_registered_with_secret_and_allowed_updates(
    webhook: TelegramRuntime, fake: FakeTelegram
) -> None:
    [call] = fake.calls_to("setWebhook")
    assert call.params["url"] == "https://bot.example.nl/webhook/telegram"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert set(call.params["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    }
    assert fake.calls_to("getUpdates") == []


async def test_right_secret_is_processed_and_a_repeat_only_once(
    webhook: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    _point_fake_at(webhook, fake)
    update = tu.text_update(tu.private_chat(501), ANNA, "/regels", update_id=900)
    assert await fake.post_to_webhook(update) == 200
    assert await fake.post_to_webhook(update) == 200  # Telegram repeats after a timeout
    marker = tu.text_update(tu.private_chat(501), ANNA, "/start", update_id=901, message_id=2)
    assert await fake.post_to_webhook(marker) == 200
    calls = await fake.wait_for_calls("sendMessage", 2, chat_id=501)
    texts = [c.params["text"] for c in calls]
    assert texts[0].startswith("<b>Afspraken") and texts[1].startswith("Hallo Anna!")
    async with app.services.db() as session:
        count = await session.scalar(select(func.count()).select_from(InboxMessage))
    assert count == 2
    assert len(fake.calls_to("sendMessage")) == 2


async def test_wrong_or_missing_secret_is_403(webhook: TelegramRuntime, fake: FakeTelegram, app: App) -> None:
    _point_fake_at(webhook, fake)
    update = tu.text_update(tu.private_chat(501), ANNA, "/regels", update_id=910)
    assert await fake.post_to_webhook(update, secret="wrong") == 403
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{_local(webhook)}/webhook/telegram", json=update) as resp,
    ):
        assert resp.status == 403
    async with app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(InboxMessage)) == 0


async def test_malformed_and_oversized_bodies(webhook: TelegramRuntime, fake: FakeTelegram) -> None:
    _point_fake_at(webhook, fake)
    assert await fake.post_to_webhook({}, raw=b"{not json") == 400
    assert await fake.post_to_webhook({}, raw=b'["a list"]') == 400
    assert await fake.post_to_webhook({}, raw=b'{"update_id": "7"}') == 400
    big = json.dumps({"update_id": 5, "message": {"text": "x" * (1024 * 1024 + 10)}}).encode()
    assert await fake.post_to_webhook({}, raw=big) == 413


async def test_healthz_reports_database(webhook: TelegramRuntime) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{_local(webhook)}/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "database": "ok"}
