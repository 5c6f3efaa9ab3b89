"""After the purge no outbox row (sent or unsent) and no posted card still shows the suspect data."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.codec import reply_from_json
from handlers.reports.privacy import purge
from storage.chats import get_chat
from storage.models import OutboxMessage, OutboxStatus
from tests.harness import ConsoleHarness

PLATE = "DKX-12-B"
REPORT = f"/melding Witte bestelbus met kenteken {PLATE} bij de Reeweg 4, reed richting Zwijndrecht"


async def _rows(app: App) -> list[OutboxMessage]:
    async with app.services.db() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_purge_scrubs_outbox_rows_and_edits_posted_cards(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":groep Dubbeldam", "/wijk Krispijn")
    card = await console.text(":als Piet", REPORT)
    assert PLATE in card
    await console.say("1")  # a tap: an edit row that holds the plate too
    async with app.services.db() as session:  # an unsent copy (say, held back by a 429)
        group = await get_chat(session, "console", "krispijn")
        assert group is not None
        in_group = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == group.id))
        sent_card = next(r for r in in_group if PLATE in json.dumps(r.payload))
        reply = reply_from_json(sent_card.payload)
        await app.services.outbox.enqueue(
            session, group, reply, "held-back", not_before=clock.now() + timedelta(days=400)
        )
        await session.commit()
    rows = await _rows(app)
    holding = [r for r in rows if PLATE in json.dumps(r.payload)]
    assert {r.status for r in holding} == {OutboxStatus.SENT, OutboxStatus.PENDING} and len(holding) >= 4

    clock.advance(days=31)
    assert await purge(app.services) == 1
    leaking = [
        r.id for r in await _rows(app) if PLATE in json.dumps(r.payload) or "Reeweg 4" in str(r.payload)
    ]
    assert leaking == []
    edits = await console.say(":groep Krispijn", ":prive")  # the sender delivers the queued edits
    text = "\n".join(edits)
    assert "[Krispijn] buurtbot (bijgewerkt): 🚨 Melding M-0001" in text
    assert "[Dubbeldam] buurtbot (bijgewerkt): 🚨 Melding M-0001" in text
    assert PLATE not in text and "Reeweg" in text
