"""A database that is away is not the handler's fault: the dispatcher lets the inbox retry it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError

from bot.app import App
from handlers.router import Command, Dispatcher, Routes
from handlers.types import ChatKind, EventKind, Incoming, Platform, Reply, Sender


def _command(name: str) -> Incoming:
    return Incoming(
        platform=Platform.CONSOLE,
        chat_id="beheerder",
        chat_kind=ChatKind.PRIVATE,
        kind=EventKind.MESSAGE,
        received_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        sender=Sender("beheerder", "Beheerder"),
        text=f"/{name}",
        command=name,
    )


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, ConnectionError("gone")),
        sqlite3.OperationalError("database is locked"),
        ConnectionRefusedError(111, "refused"),
    ],
)
async def test_a_lost_database_propagates_for_a_retry(app: App, error: Exception) -> None:
    async def handler(incoming: Incoming, services: object) -> list[Reply]:
        raise error

    dispatcher = Dispatcher(Routes({"doe": Command(handler, "help.help")}, {}, {}, {}), app.services)
    with pytest.raises(type(error)):
        await dispatcher.dispatch(_command("doe"))


async def test_a_handler_bug_still_gets_the_apology(app: App) -> None:
    async def handler(incoming: Incoming, services: object) -> list[Reply]:
        raise KeyError("bug")

    dispatcher = Dispatcher(Routes({"doe": Command(handler, "help.help")}, {}, {}, {}), app.services)
    assert await dispatcher.dispatch(_command("doe")) == [Reply.say("error.generic")]


async def test_the_console_apologises_when_the_database_is_briefly_away(app: App) -> None:
    async def handler(incoming: Incoming, services: object) -> list[Reply]:
        raise OperationalError("SELECT 1", {}, ConnectionError("gone"))

    app.dispatcher = Dispatcher(Routes({"doe": Command(handler, "help.help")}, {}, {}, {}), app.services)
    assert await app.handle(_command("doe")) == 1  # no inbox row to retry: the apology is queued
    with pytest.raises(OperationalError):
        await app.handle(_command("doe"), inbox_id=1)  # from the inbox: retried later instead
