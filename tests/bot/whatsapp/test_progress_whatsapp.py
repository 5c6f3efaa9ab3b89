"""WhatsApp cannot edit a sent message: the coordinator gets only the final report, no progress."""

from __future__ import annotations

from sqlalchemy import select

from storage.alerts import Broadcast
from tests.bot.whatsapp.test_e2e import ANS, BOB, PIET, WA, _area, _make_coordinator, wa

__all__ = ["wa"]


async def test_whatsapp_coordinator_gets_only_the_report(wa: WA) -> None:
    area_id = await _area(wa)
    await wa.say(ANS, "aanmelden Krispijn")
    await wa.say(BOB, "aanmelden Krispijn")
    await _make_coordinator(wa, PIET, area_id)
    await wa.say(PIET, "/alert inbraakgolf Krispijn")
    async with wa.app.services.db() as session:
        broadcast_id = (await session.scalars(select(Broadcast.id))).one()
    mark = len(wa.api.sent)
    await wa.post(wa.api.button_reply(PIET, f"bc:send:{broadcast_id}", "Versturen"))
    to_piet = [c.text or "" for c in wa.api.sent[mark:] if c.to == PIET]
    assert not any(text.startswith("Verstuurd") for text in to_piet), to_piet
    assert [text for text in to_piet if text.startswith("Klaar")] == [
        "Klaar: 2 van 2 chats bereikt in 0,0 s."
    ]
