"""Core handlers and the dispatcher's rules, through neutral Incoming values and the database."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App
from handlers import core
from handlers.clock import FakeClock
from handlers.router import Command, Dispatcher, Routes, Where
from handlers.routes import ROUTES
from handlers.types import ChatKind, EventKind, Incoming, Msg, Platform, Reply, Sender, split_command
from storage.models import Area, Chat, OutboxMessage


def _group_event(clock: FakeClock, kind: EventKind, **extra: object) -> Incoming:
    return Incoming(
        platform=Platform.TELEGRAM, chat_id="-5", chat_kind=ChatKind.GROUP, chat_title="Krispijn-Noord",
        kind=kind, received_at=clock.now(), sender=Sender("7", "Ans", "ans", is_chat_admin=True), **extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", ("start", "")),
        ("/Melding@BuurtBot  Verdachte man\nbij de school", ("melding", "Verdachte man\nbij de school")),
        ("/start@otherbot", (None, "")),
        ("/", (None, "")),
        ("/@buurtbot", (None, "")),
        ("hallo /start", (None, "")),
    ],
)
def test_split_command(text: str, expected: tuple[str | None, str]) -> None:
    assert split_command(text, "buurtbot") == expected


async def test_one_welcome_per_burst_of_joins(app: App, clock: FakeClock) -> None:
    first = await app.dispatcher.dispatch(_group_event(clock, EventKind.MEMBERS_JOINED, joined_count=1))
    assert [p.key for p in first[0].parts] == ["group.welcome", "rules.text"]
    clock.advance(minutes=5)
    assert await app.dispatcher.dispatch(_group_event(clock, EventKind.MEMBERS_JOINED, joined_count=3)) == []
    clock.advance(minutes=9)  # still within 10 minutes of the last join: same burst
    assert await app.dispatcher.dispatch(_group_event(clock, EventKind.MEMBERS_JOINED, joined_count=1)) == []
    clock.advance(minutes=11)
    again = await app.dispatcher.dispatch(_group_event(clock, EventKind.MEMBERS_JOINED, joined_count=1))
    assert again and again[0].parts[0].key == "group.welcome"


async def test_supergroup_migration_keeps_the_area(app: App, clock: FakeClock) -> None:
    await app.dispatcher.dispatch(_group_event(clock, EventKind.BOT_ADDED))
    beheerder = _group_event(clock, EventKind.MESSAGE, text="/wijk Krispijn", command="wijk", args="Krispijn")
    settings = app.services.settings.model_copy(update={"beheerders": ("telegram:7",)})
    dispatcher = Dispatcher(ROUTES, replace(app.services, settings=settings))
    replies = await dispatcher.dispatch(beheerder)
    assert replies[0].parts[0].key == "wijk.created_and_linked"
    await app.dispatcher.dispatch(_group_event(clock, EventKind.CHAT_MIGRATED, new_chat_id="-1005"))
    async with app.services.db() as session:
        rows = (await session.execute(select(Chat.external_id, Area.name).join(Area))).tuples().all()
    assert rows == [("-1005", "Krispijn")]


async def test_bot_removed_marks_the_chat_inactive(app: App, clock: FakeClock) -> None:
    await app.dispatcher.dispatch(_group_event(clock, EventKind.BOT_ADDED))
    await app.dispatcher.dispatch(_group_event(clock, EventKind.BOT_REMOVED))
    async with app.services.db() as session:
        assert list(await session.scalars(select(Chat.active))) == [False]


async def test_a_failing_handler_gives_the_apology_and_logs(
    app: App, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(incoming: Incoming, services: object) -> list[Reply]:
        raise RuntimeError("secret database detail")

    routes = Routes({"kapot": Command(broken, "help.help")}, {}, {}, {})
    dispatcher = Dispatcher(routes, app.services)
    incoming = _group_event(clock, EventKind.MESSAGE, text="/kapot", command="kapot")
    with caplog.at_level(logging.ERROR):
        replies = await dispatcher.dispatch(incoming)
    assert replies == [Reply.say("error.generic")]
    assert "secret database detail" not in app.services.catalog.render(replies[0].parts[0])
    assert "command=kapot" in caplog.text and "secret database detail" in caplog.text


async def test_quiet_groups_and_private_pointer(app: App, clock: FakeClock) -> None:
    group_chatter = _group_event(clock, EventKind.MESSAGE, text="bedankt!")
    assert await app.dispatcher.dispatch(group_chatter) == []
    private = replace(group_chatter, chat_id="7", chat_kind=ChatKind.PRIVATE)
    assert await app.dispatcher.dispatch(private) == [Reply.say("understanding.fallback.chatter")]


async def test_unknown_button_and_private_only_commands(app: App, clock: FakeClock) -> None:
    button = _group_event(clock, EventKind.CALLBACK, callback_data="weg:123")
    stale = Reply.say("error.stale_button")  # in a group: a toast for the presser, no group message
    assert await app.dispatcher.dispatch(button) == [dataclasses.replace(stale, toast=True)]
    routes = Routes({"geheim": Command(core.start, "help.start", Where.PRIVATE)}, {}, {}, {})
    reply = await Dispatcher(routes, app.services).dispatch(
        _group_event(clock, EventKind.MESSAGE, text="/geheim", command="geheim")
    )
    assert reply == [Reply((Msg.of("error.private_only", command="geheim"),), private_to_sender=True)]


async def test_replies_become_outbox_rows_for_the_right_chats(app: App, clock: FakeClock) -> None:
    incoming = _group_event(clock, EventKind.MESSAGE, text="/start", command="start", delivery_id="u1")
    private = Reply((Reply.say("rules.text").parts[0],), private_to_sender=True)
    await app.post(incoming, [Reply.say("start.group"), private])
    await app.post(incoming, [Reply.say("start.group"), private])  # a repeated update adds nothing
    async with app.services.db() as session:
        rows = (
            (
                await session.execute(
                    select(Chat.external_id, Chat.kind, OutboxMessage.idempotency_key)
                    .join(Chat)
                    .order_by(OutboxMessage.id)
                )
            )
            .tuples()
            .all()
        )
    assert rows == [
        ("-5", "group", "in:telegram:-5:u1:0"),
        ("7", "private", "in:telegram:-5:u1:1"),
    ]
