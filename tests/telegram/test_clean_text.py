"""A Telegram update with a NUL byte and a lone surrogate in the name and text is answered normally."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.web import bound_port
from storage.models import Person
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime


async def test_telegram_update_with_nul_and_surrogates_is_answered(
    webhook: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    assert fake.webhook is not None and webhook.web_runner is not None
    fake.webhook["url"] = f"http://127.0.0.1:{bound_port(webhook.web_runner)}/webhook/telegram"
    sender = tu.user(601, "An\x00na\udc00")
    assert (
        await fake.post_to_webhook(tu.text_update(tu.private_chat(601), sender, "/start\x00", update_id=1))
        == 200
    )
    [call] = await fake.wait_for_calls("sendMessage", 1, chat_id=601)
    assert call.params["text"].startswith("Hallo Anna\ufffd!")
    async with app.services.db() as session:
        name = await session.scalar(select(Person.display_name).where(Person.external_id == "601"))
    assert name == "Anna\ufffd"
