"""Real conversations: fake Bot API → PTB long polling → adapter → router → outbox → PTB → fake."""

from __future__ import annotations

from sqlalchemy import select
from telegram import Update

from bot.app import App
from handlers.clock import FakeClock
from storage.models import Area, Chat, OutboxMessage, Person, Role, RoleName
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime

GROUP = -4001
ANNA = tu.user(501, "Anna", "anna_k")
BOT = tu.user(123, "Buurtbot", "buurtbot_test_bot", is_bot=True)


async def _texts(fake: FakeTelegram, chat_id: int, count: int) -> list[str]:
    calls = await fake.wait_for_calls("sendMessage", count, chat_id=chat_id)
    await fake.wait_for(lambda f: all(c.status for c in f.calls_to("sendMessage", chat_id)))
    return [c.params["text"] for c in calls]


async def _chat(app: App, external_id: int) -> Chat | None:
    async with app.services.db() as session:
        return await session.scalar(select(Chat).where(Chat.external_id == str(external_id)))


async def test_bot_added_to_group_introduces_itself_with_rules(
    polling: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    fake.queue_update(tu.my_chat_member_update(tu.group_chat(GROUP), ANNA, BOT, "left", "member"))
    [text] = await _texts(fake, GROUP, 1)
    assert "Ik ben <b>Buurtbot</b>" in text and "Afspraken in deze groep" in text and "112" in text
    assert fake.calls_to("sendMessage")[0].params["parse_mode"] == "HTML"
    chat = await _chat(app, GROUP)
    assert chat is not None and chat.kind == "group" and chat.active


async def test_rules_in_group_and_command_for_another_bot_is_ignored(
    polling: TelegramRuntime, fake: FakeTelegram
) -> None:
    group = tu.group_chat(GROUP)
    fake.queue_update(tu.text_update(group, ANNA, "/regels@other_bot"))
    fake.queue_update(tu.text_update(group, ANNA, "/regels@buurtbot_test_bot", message_id=2))
    fake.queue_update(tu.text_update(group, ANNA, "/regels", message_id=3))
    texts = await _texts(fake, GROUP, 2)
    assert all(t.startswith("<b>Afspraken in deze groep (SAAR)</b>") for t in texts)
    fake.queue_update(tu.text_update(group, ANNA, "/start", message_id=4))
    texts = await _texts(fake, GROUP, 3)
    assert texts[2].startswith("Hallo! Ik ben Buurtbot")  # nothing for /regels@other_bot came between


async def test_start_in_private_escapes_the_name(polling: TelegramRuntime, fake: FakeTelegram) -> None:
    evil = tu.user(502, "<b>Bob</b> & Co")
    fake.queue_update(tu.text_update(tu.private_chat(502), evil, "/start"))
    [text] = await _texts(fake, 502, 1)
    assert text.startswith("Hallo &lt;b&gt;Bob&lt;/b&gt; &amp; Co! Ik ben <b>Buurtbot</b>")
    assert "Bel eerst 112" in text


async def test_button_press_is_answered_even_when_stale(polling: TelegramRuntime, fake: FakeTelegram) -> None:
    fake.queue_update(tu.callback_update(tu.private_chat(501), ANNA, "oud:1", query_id="q-77"))
    [text] = await _texts(fake, 501, 1)
    answers = fake.calls_to("answerCallbackQuery")
    assert [a.params["callback_query_id"] for a in answers] == ["q-77"]
    assert text == "Deze knop werkt niet meer. Probeer het opnieuw."


async def test_supergroup_migration_keeps_the_area(
    polling: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    async with app.services.db() as session:
        area = Area(name="Krispijn", key="krispijn", kind="wijk", postcodes="", created_at=clock.now())
        session.add(area)
        await session.flush()
        session.add(
            Chat(
                platform="telegram",
                external_id=str(GROUP),
                kind="group",
                title="Krispijn",
                area_id=area.id,
                active=True,
                created_at=clock.now(),
            )
        )
        await session.commit()
    new_id = -1004001
    fake.queue_update(tu.migrate_update(GROUP, new_id, ANNA))
    fake.queue_update(tu.text_update(tu.group_chat(new_id), ANNA, "/wijk", message_id=2))
    [text] = await _texts(fake, new_id, 1)
    assert text == "Deze groep hoort bij wijk <b>Krispijn</b>."
    assert await _chat(app, GROUP) is None
    moved = await _chat(app, new_id)
    assert moved is not None and moved.area_id is not None


async def test_send_to_a_migrated_group_follows_it(polling: TelegramRuntime, fake: FakeTelegram) -> None:
    fake.fail("migrate", method="sendMessage", chat_id=GROUP, migrate_to_chat_id=-1009999)
    fake.queue_update(tu.text_update(tu.group_chat(GROUP), ANNA, "/regels"))
    [text] = await _texts(fake, -1009999, 1)
    assert text.startswith("<b>Afspraken")
    assert [c.status for c in fake.calls_to("sendMessage", GROUP)] == [400]


async def test_one_welcome_per_burst_of_joins(
    polling: TelegramRuntime, fake: FakeTelegram, clock: FakeClock
) -> None:
    group = tu.group_chat(GROUP)
    for i in range(3):
        fake.queue_update(tu.new_members_update(group, [tu.user(600 + i, f"Nieuw {i}")], message_id=i + 1))
    fake.queue_update(tu.text_update(group, ANNA, "/regels", message_id=9))  # ordered after the joins
    texts = await _texts(fake, GROUP, 2)
    assert texts[0].startswith("Welkom in de buurtgroep!") and texts[1].startswith("<b>Afspraken")
    clock.advance(minutes=11)
    fake.queue_update(tu.new_members_update(group, [tu.user(700, "Later")], message_id=20))
    texts = await _texts(fake, GROUP, 3)
    assert texts[2].startswith("Welkom in de buurtgroep!")


async def test_group_admin_rights_anonymous_admin_member_and_admin(
    polling: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    """Admins (anonymous or not) get past the admin check: not being coordinators of Krispijn, they
    ask its coordinator (who gets the question privately) instead of linking."""
    now = clock.now()
    async with app.services.db() as session:
        area = Area(name="Krispijn", key="krispijn", kind="wijk", postcodes="", created_at=now)
        ans = Person(
            platform="telegram", external_id="601", display_name="Ans", pseudonym="p-ans", created_at=now
        )
        session.add_all([area, ans])
        await session.flush()
        session.add(Role(person_id=ans.id, role=RoleName.COORDINATOR, area_id=area.id, granted_at=now))
        session.add(Chat(platform="telegram", external_id="601", kind="private", active=True, created_at=now))
        await session.commit()
    asked = (
        "Aanvraag verstuurd: een coördinator van <b>Krispijn</b> keurt dit goed. "
        "Tot dan krijgt deze groep geen waarschuwingen en meldingen van de wijk."
    )
    group = tu.group_chat(GROUP)
    fake.queue_update(tu.text_update(group, ANNA, "/wijk Krispijn"))
    [denied] = await _texts(fake, 501, 1)  # a refusal goes to the sender privately, not the group
    assert denied.startswith("Dat mag ik niet voor je doen")
    anonymous = tu.text_update(
        group,
        tu.user(tu.ANONYMOUS_ADMIN_ID, "Group", "GroupAnonymousBot", True),
        "/wijk Krispijn",
        message_id=2,
    )
    anonymous["message"]["sender_chat"] = group
    fake.queue_update(anonymous)
    texts = await _texts(fake, GROUP, 1)
    assert texts[0] == asked
    fake.set_member(GROUP, 503, "administrator")
    clock.advance(seconds=61)  # the admin list is cached for a minute
    fake.queue_update(tu.text_update(group, tu.user(503, "Cor"), "/wijk Krispijn", message_id=3))
    texts = await _texts(fake, GROUP, 2)
    assert texts[1] == asked
    asks = await _texts(fake, 601, 2)
    assert all("bij wijk <b>Krispijn</b> zetten" in text for text in asks)
    assert asks[1].startswith("Cor wil groep")
    chat = await _chat(app, GROUP)
    assert chat is not None and chat.area_id is None


async def test_bot_removed_marks_chat_inactive_and_blocked_chat_stops(
    manual: TelegramRuntime, fake: FakeTelegram, app: App
) -> None:
    group = tu.group_chat(GROUP)
    for old, new in (("left", "member"), ("member", "kicked")):
        change = tu.my_chat_member_update(group, ANNA, BOT, old, new)
        await manual.adapter.handle_update(_update(manual, change))
    assert await manual.drain.drain() == 1  # the introduction
    chat = await _chat(app, GROUP)
    assert chat is not None and not chat.active
    fake.fail("blocked", method="sendMessage", chat_id=501)
    await manual.adapter.handle_update(_update(manual, tu.text_update(tu.private_chat(501), ANNA, "/start")))
    assert await manual.drain.drain() == 1
    assert [c.status for c in fake.calls_to("sendMessage", 501)] == [403]
    chat = await _chat(app, 501)
    assert chat is not None and not chat.active
    async with app.services.db() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.chat_id == chat.id))
    assert status == "failed"


def _update(runtime: TelegramRuntime, data: dict[str, object]) -> Update:
    data.setdefault("update_id", 1)
    return Update.de_json(data, runtime.ptb.bot)
