"""A WhatsApp resident's report in a wijk without a group: an honest answer, coordinators told."""

from __future__ import annotations

from sqlalchemy import select

from handlers.routes import ROUTES
from storage.reports import Report
from tests.bot.whatsapp.test_e2e import ANS, BOB, PIET, WA, _area, _make_coordinator, wa

__all__ = ["wa"]
REPORT = "/melding Man loert in auto's bij de Reeweg 4"


async def test_report_without_a_group_says_so_and_tells_the_coordinator(wa: WA) -> None:
    wa.app.dispatcher.routes = ROUTES  # the real /melding, not the fixture's stand-in
    area_id = await _area(wa)
    await _make_coordinator(wa, PIET, area_id)
    await wa.say(PIET, "hallo")  # the coordinator's private chat exists
    mark = len(wa.api.sent)
    await wa.say(ANS, REPORT)
    sent = wa.api.sent[mark:]
    to_ans = " ".join(c.text or str(c.body) for c in sent if c.to == ANS)
    assert "staat in de groep" not in to_ans
    assert "Krispijn heeft nog geen groep" in to_ans and "coördinator" in to_ans and "112" in to_ans
    to_piet = [c.text or "" for c in sent if c.to == PIET]
    assert any("Nieuwe melding M-0001" in text and "Krispijn" in text for text in to_piet)
    async with wa.app.services.db() as session:
        assert [r.short_id for r in await session.scalars(select(Report))] == ["M-0001"]


async def test_nobody_reachable_is_said_plainly(wa: WA) -> None:
    wa.app.dispatcher.routes = ROUTES
    await _area(wa)
    mark = len(wa.api.sent)
    await wa.say(BOB, REPORT)
    to_bob = " ".join(c.text or str(c.body) for c in wa.api.sent[mark:] if c.to == BOB)
    assert "staat in de groep" not in to_bob and "niemand ziet hem nu" in to_bob
