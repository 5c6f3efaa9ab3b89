"""A coordinator's broadcast progress on Telegram is one message, edited in place, then the report."""

from __future__ import annotations

from sqlalchemy import select
from telegram import Update

from bot.app import App
from handlers.clock import FakeClock
from storage.alerts import Broadcast
from storage.chats import create_area, ensure_chat
from storage.models import RoleName
from storage.people import ensure_person, grant_role
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime

ANNA = tu.user(501, "Anna", "anna_k")
GROUPS = (-4001, -4002, -4003, -4004, -4005)


async def _setup(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        for n, group in enumerate(GROUPS):
            chat = await ensure_chat(session, "telegram", str(group), "group", f"Groep {n}", clock.now())
            chat.area_id = area.id
        person = await ensure_person(session, "telegram", "501", "Anna", "anna_k", clock.now(), b"k")
        await grant_role(session, person.id, RoleName.COORDINATOR, area.id, clock.now())
        await session.commit()


def _update(runtime: TelegramRuntime, data: dict[str, object], update_id: int) -> Update:
    data["update_id"] = update_id
    return Update.de_json(data, runtime.ptb.bot)


async def test_progress_is_one_edited_message_then_the_report(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _setup(app, clock)
    private = tu.private_chat(501)
    await manual.adapter.handle_update(
        _update(manual, tu.text_update(private, ANNA, "/alert inbraakgolf Krispijn"), 1)
    )
    await manual.drain.drain()
    async with app.services.db() as session:
        broadcast_id = (await session.scalars(select(Broadcast.id))).one()
    before = len(fake.calls_to("sendMessage", 501))
    press = tu.callback_update(private, ANNA, f"bc:send:{broadcast_id}", query_id="q-1")
    await manual.adapter.handle_update(_update(manual, press, 2))
    for _ in range(10):
        clock.advance(seconds=5)  # progress edits are spaced ALERT_PROGRESS_SECONDS apart
        await manual.drain.drain(limit=2)
    await manual.drain.drain()
    assert all(len(fake.calls_to("sendMessage", g)) == 1 for g in GROUPS)
    sent = [c.params["text"] for c in fake.calls_to("sendMessage", 501)[before:]]
    edits = [c.params["text"] for c in fake.calls_to("editMessageText", 501)]
    assert len(sent) == 2, sent  # one progress message, one final report
    assert sent[0].startswith("Verstuurd") and sent[1].startswith("Klaar: 5 van 5")
    assert edits and edits[-1] == "Verstuurd 5/5"
