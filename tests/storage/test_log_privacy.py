"""A failing database write must not copy the values it carried (personal data) into the log."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert

from bot.app import App
from handlers.context import Context
from handlers.router import Dispatcher, Routes
from handlers.types import ChatKind, EventKind, Incoming, Platform, Reply
from storage.models import Person

NAME = "Jantje Geheimzinnig"
PLATE = "DKX-12-B"


async def _insert_twice(incoming: Incoming, services: Context) -> list[Reply]:
    """A handler whose write fails: the same person (a unique key) inserted twice."""
    row = {
        "platform": "telegram",
        "external_id": "31612345678",
        "display_name": f"{NAME} ({PLATE})",
        "pseudonym": "p1",
        "created_at": incoming.received_at,
    }
    await services.session.execute(insert(Person), [row, row])  # handlers write in the update's session
    return [Reply.say("help.intro")]


async def test_a_failing_insert_leaves_no_personal_data_in_the_log(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    routes = Routes(commands={}, callbacks={}, events={}, dialogs={}, fallback=_insert_twice)
    dispatcher = Dispatcher(routes, app.services)
    incoming = Incoming(
        platform=Platform.CONSOLE,
        chat_id="ans",
        chat_kind=ChatKind.PRIVATE,
        kind=EventKind.MESSAGE,
        received_at=app.services.clock.now(),
        text="hallo",
    )
    with caplog.at_level(logging.DEBUG):
        replies = await dispatcher.dispatch(incoming)
    assert [p.key for r in replies for p in r.parts] == [
        "error.generic"
    ]  # the failure really happened and was logged
    logged = caplog.text
    assert "IntegrityError" in logged and "INSERT INTO people" in logged
    assert NAME not in logged and PLATE not in logged and "31612345678" not in logged
