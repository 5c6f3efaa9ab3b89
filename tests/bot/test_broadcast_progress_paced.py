"""Through the paced sender: the coordinator gets one progress message (edited) and one report.

Edits are resolved to a message id when the row is claimed; a progress edit queued before the first
progress message was recorded used to go out as a new message (three or more messages in all).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.sender import send_until
from config.settings import Settings
from handlers.broadcasts import progress_reply
from handlers.clock import FakeClock
from storage.alerts import Broadcast
from storage.chats import get_chat
from tests.bot.sender_support import (
    COORDINATOR_CHAT,
    finished,
    paced_sender,
    seed_broadcast,
    telegram_transport,
)
from tests.conftest import _empty_all_tables
from tests.fakes.telegram_api import FakeTelegram, FloodLimits


@pytest.fixture
async def quick_app(settings: Settings, clock: FakeClock, db_url: str) -> AsyncIterator[App]:
    await _empty_all_tables(db_url)
    application = build_app(settings.model_copy(update={"alert_progress_seconds": 0.5}), clock=clock)
    try:
        yield application
    finally:
        await application.close()


async def test_paced_broadcast_progress_is_one_message_plus_the_report(
    quick_app: App, clock: FakeClock
) -> None:
    app = quick_app
    broadcast_id = await seed_broadcast(app, clock, 60)
    async with app.services.db() as session:  # what the "Versturen" button answers
        broadcast = await session.get(Broadcast, broadcast_id)
        me = await get_chat(session, "telegram", COORDINATOR_CHAT)
        assert broadcast is not None and me is not None
        await app.services.outbox.enqueue(session, me, progress_reply(broadcast), "button-reply")
        await session.commit()
    async with FakeTelegram(flood=FloodLimits(per_second=200)) as fake:
        async with telegram_transport(fake, app) as transport:
            sender = paced_sender(app, {"telegram": transport}, rate=30)
            await send_until(sender, lambda: finished(app, broadcast_id))
            await send_until(sender, lambda: _report_sent(fake))
        sent = [c.params["text"] for c in fake.calls_to("sendMessage", COORDINATOR_CHAT)]
        edits = [c.params["text"] for c in fake.calls_to("editMessageText", COORDINATOR_CHAT)]
    assert len(sent) == 2, sent
    assert sent[0].startswith("Verstuurd") and sent[1].startswith("Klaar: 60 van 60")
    assert edits and edits[-1] == "Verstuurd 60/60"
    async with app.services.db() as session:
        done = await session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id))
    assert done is not None and done.delivered == 60


async def _report_sent(fake: FakeTelegram) -> bool:
    return any("Klaar" in c.params["text"] for c in fake.calls_to("sendMessage", COORDINATOR_CHAT))
