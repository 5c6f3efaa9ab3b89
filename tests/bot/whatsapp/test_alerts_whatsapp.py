"""An area alert from a WhatsApp coordinator reaches the area's subscribers and forward-kit coordinators."""

from __future__ import annotations

from sqlalchemy import select

from storage.alerts import Broadcast
from tests.bot.whatsapp.test_e2e import ANS, BOB, PIET, WA, _area, _make_coordinator, wa

__all__ = ["wa"]  # the fixture, shared with the end-to-end tests


async def test_alert_to_an_area_reaches_subscribers_and_forward_kits(wa: WA) -> None:
    area_id = await _area(wa)  # an area with no groups at all: still not refused
    await wa.say(ANS, "aanmelden Krispijn")
    await wa.say(BOB, "aanmelden Krispijn")
    await _make_coordinator(wa, PIET, area_id)
    await wa.say(PIET, "/whatsappgroep Krispijn Buurtapp Noord")
    mark = len(wa.api.sent)
    await wa.say(PIET, "/alert online-hoi-mam Krispijn")
    preview = wa.api.sent[mark:]
    assert [c.to for c in preview] == [PIET] and "Voorbeeld" in str(preview[0].body)
    assert not any(c.to in (ANS, BOB) for c in wa.api.sent[mark:])  # nothing before the button
    async with wa.app.services.db() as session:
        broadcast_id = (await session.scalars(select(Broadcast.id))).one()
    mark = len(wa.api.sent)
    await wa.post(wa.api.button_reply(PIET, f"bc:send:{broadcast_id}", "Versturen"))
    sent = wa.api.sent[mark:]
    alerts = [c for c in sent if c.text and "Hoi mam" in c.text]
    assert sorted(c.to for c in alerts if c.to in (ANS, BOB)) == [ANS, BOB]
    assert any(c.to == PIET for c in alerts)  # the forward kit: the alert itself, to forward
    assert any(c.to == PIET and c.text and "Buurtapp Noord" in c.text for c in sent)  # the kit intro
    assert any(
        c.to == PIET and c.text and "Klaar: 4 van 4" in c.text for c in sent
    )  # 2 subscribers + kit intro and alert
    async with wa.app.services.db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
    assert broadcast is not None and (broadcast.delivered, broadcast.failed) == (broadcast.total, 0)
