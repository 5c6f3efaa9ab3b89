"""Quiet groups on Telegram: toasts for refused presses, refusals privately, dialogs in private."""

from __future__ import annotations

from telegram import Update

from bot.app import App
from handlers.clock import FakeClock
from storage.chats import create_area, ensure_chat
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime

GROUP = -4001
ANNA = tu.user(501, "Anna", "anna_k")
BOB = tu.user(502, "Bob")
BOT = tu.user(123, "Buurtbot", "buurtbot_test_bot", is_bot=True)


class Feed:
    def __init__(self, runtime: TelegramRuntime) -> None:
        self.runtime, self.update_id = runtime, 0

    async def __call__(self, data: dict[str, object]) -> None:
        self.update_id += 1
        data["update_id"] = self.update_id
        await self.runtime.adapter.handle_update(Update.de_json(data, self.runtime.ptb.bot))
        await self.runtime.drain.drain()


async def _linked_group(app: App, clock: FakeClock, manual: TelegramRuntime) -> None:
    app.services.bot_profile["telegram"] = {
        "username": manual.ptb.bot.username,
        "can_read_all_group_messages": False,
    }
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        chat = await ensure_chat(
            session, "telegram", str(GROUP), "group", "Buurtpreventie Krispijn", clock.now()
        )
        chat.area_id = area.id
        await session.commit()


def _texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.params["text"] for c in fake.calls_to("sendMessage", chat_id)]


async def test_a_refused_button_press_is_a_toast_not_a_group_message(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock, manual)
    feed = Feed(manual)
    group = tu.group_chat(GROUP)
    await feed(tu.text_update(group, ANNA, "/melding Man loert in auto's bij de Reeweg 4"))
    assert any("Melding M-0001" in text for text in _texts(fake, GROUP))
    before = len(_texts(fake, GROUP))
    await feed(tu.callback_update(group, BOB, "rp:close:M-0001", query_id="q-close"))
    [answer] = [c for c in fake.calls_to("answerCallbackQuery") if c.params["callback_query_id"] == "q-close"]
    assert "Dat mag ik niet voor je doen" in answer.params["text"]
    assert len(_texts(fake, GROUP)) == before and _texts(fake, 502) == []


async def test_unknown_command_and_refusal_in_a_group_go_to_the_sender(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock, manual)
    feed = Feed(manual)
    group = tu.group_chat(GROUP)
    await feed(tu.text_update(group, BOB, "/onzin"))
    await feed(tu.text_update(group, BOB, "/alert inbraakgolf", message_id=2))
    assert _texts(fake, GROUP) == []
    private = _texts(fake, 502)
    assert len(private) == 2 and "Dat mag ik niet voor je doen" in private[1]


async def test_melding_in_a_group_continues_privately_or_links_there(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock, manual)
    feed = Feed(manual)
    group = tu.group_chat(GROUP)
    await feed(tu.text_update(group, ANNA, "/melding"))  # Anna never opened a private chat
    [line] = _texts(fake, GROUP)
    assert "https://t.me/buurtbot_test_bot?start=melding" in line and "Nieuwe melding" not in line
    await feed(tu.text_update(tu.private_chat(501), ANNA, "/start melding", message_id=2))
    assert "Nieuwe melding" in _texts(fake, 501)[-1]
    await feed(tu.text_update(group, ANNA, "/hulp", message_id=3))  # now the private chat is open
    assert len(_texts(fake, GROUP)) == 1, _texts(fake, GROUP)
    assert "112" in _texts(fake, 501)[-1]


async def test_joining_with_privacy_mode_on_tells_the_admin(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock, manual)
    await Feed(manual)(tu.my_chat_member_update(tu.group_chat(-4009), ANNA, BOT, "left", "member"))
    texts = _texts(fake, -4009)
    assert any("ik zie nu alleen commando's" in text and "/setprivacy" in text for text in texts)


async def test_purge_edits_the_posted_card_on_telegram(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    from handlers.reports.privacy import purge

    await _linked_group(app, clock, manual)
    feed = Feed(manual)
    await feed(tu.text_update(tu.group_chat(GROUP), ANNA, "/melding Witte bus DKX-12-B bij de Reeweg 4"))
    [card] = [text for text in _texts(fake, GROUP) if "Melding M-0001" in text]
    assert "DKX-12-B" in card and fake.calls_to("editMessageText", GROUP) == []
    clock.advance(days=31)
    assert await purge(app.services) == 1
    await manual.drain.drain()
    [edit] = fake.calls_to("editMessageText", GROUP)
    assert "Melding M-0001" in edit.params["text"] and "DKX-12-B" not in edit.params["text"]
