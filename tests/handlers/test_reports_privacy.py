"""Privacy rules, enforced and tested: pseudonyms, /mijngegevens, /vergeetmij, the purge, escaping."""

from __future__ import annotations

import dataclasses
import html
import json

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.codec import reply_from_json
from handlers.reports.privacy import purge
from handlers.types import EventKind
from storage.models import Chat, DialogState, OutboxMessage, Person
from storage.reports import Report, ReportSuspect, ReportTap
from tests.harness import ConsoleHarness

SAAR = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld"


async def _piet_reports(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet", f"/melding {SAAR}", "2")


async def _rows(app: App, model: type) -> list:
    async with app.services.db() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def test_reports_hold_a_pseudonym_never_the_platform_id(console: ConsoleHarness, app: App) -> None:
    await _piet_reports(console)
    (report,) = await _rows(app, Report)
    people = {p.external_id: p for p in await _rows(app, Person)}
    assert report.reporter_pseudonym == people["piet"].pseudonym
    assert "piet" not in report.reporter_pseudonym
    assert [tap.pseudonym for tap in await _rows(app, ReportTap)] == [people["piet"].pseudonym]


async def test_my_data_goes_privately_and_shows_reports(console: ConsoleHarness) -> None:
    await _piet_reports(console)
    out = await console.text("/mijngegevens")
    assert out.startswith("[privé Piet] buurtbot: Wat Buurtbot over jou bewaart")
    assert "Naam: Piet (console)" in out
    assert "Je meldingen:" in out and "M-0001 – Verdachte situatie, Dubbeldamseweg 120" in out
    assert "Tikken op 112 gebeld en Ik zie het ook: 1" in out
    assert "[Krispijn]" not in out


async def test_forget_me_erases_the_person_but_keeps_reports_anonymous(
    console: ConsoleHarness, app: App
) -> None:
    await _piet_reports(console)
    await console.say(":prive")
    assert "Weet je het zeker?" in await console.text("/vergeetmij")
    assert await console.say("2") == ["[privé Piet] buurtbot: Er is niets gewist."]
    await console.say("/vergeetmij")
    assert await console.say("1") == ["[privé Piet] buurtbot: Je gegevens zijn gewist."]
    people = [p.external_id for p in await _rows(app, Person)]
    assert "piet" not in people
    (report,) = await _rows(app, Report)
    assert report.category == "verdachte_situatie" and report.status == "open"
    assert report.reporter_pseudonym is not None and report.reporter_pseudonym.startswith("anon-")
    assert all(tap.pseudonym.startswith("anon-") for tap in await _rows(app, ReportTap))
    async with app.services.db() as session:
        dialogs_or_roles = await session.scalar(select(Person).where(Person.external_id == "piet"))
    assert dialogs_or_roles is None


async def test_purge_erases_suspect_details_but_keeps_statistics(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _piet_reports(console)
    await console.say(":als Karin", "/melding", "1", "Reeweg 5 bij de buren van nummer 7", ":als Piet")
    clock.advance(days=31)
    await console.say("/melding Fiets gestolen, man in rode jas rende richting markt, Reeweg 8")
    assert await purge(app.services) == 1
    old, new = await _rows(app, Report)
    assert (old.category, old.area_id is not None, old.status, old.street) == (
        "verdachte_situatie", True, "open", "Dubbeldamseweg",
    )  # fmt: skip
    assert old.house_number is None and old.suspect_purged_at is not None
    suspects = await _rows(app, ReportSuspect)
    assert [s.report_id for s in suspects] == [new.id]
    for row in await _rows(app, OutboxMessage):
        payload = json.dumps(row.payload, ensure_ascii=False)
        assert "donkere jas" not in payload and "station" not in payload
    assert await _rows(app, DialogState) == []  # Karin's unfinished dialog held her words too
    assert await purge(app.services) == 0  # idempotent


async def test_photo_in_group_gets_one_reminder(console: ConsoleHarness, app: App) -> None:
    await console.say(":groep Krispijn")
    photo = dataclasses.replace(console.session._incoming(EventKind.MESSAGE, text="kijk"), has_photo=True)
    for _ in range(3):  # an album: three photos at once
        await app.handle(photo)
    await console.session.drain.drain()
    reminders = [line for line in console.output if "Foto's van personen geef je aan de politie" in line]
    assert len(reminders) == 1


async def test_markup_emoji_rtl_and_4000_characters_are_stored_and_shown_escaped(
    console: ConsoleHarness, app: App
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    text = "Verdachte man bij Dubbeldamseweg 12, 🚨 \u202eשלום\u202c, "
    text += "rende richting <b>station</b> & co. 112 gebeld. "
    text += "a" * (4000 - len(text))
    out = await console.text(f"/melding {text}")
    assert "Richting: <b>station</b> & co" in out  # the console shows what was typed, literally
    (suspect,) = await _rows(app, ReportSuspect)
    assert suspect.free_text is not None and "<b>station</b> & co" in suspect.free_text
    assert "שלום" in suspect.free_text and len(suspect.free_text) >= 3990
    async with app.services.db() as session:
        rows = list(await session.scalars(select(OutboxMessage).join(Chat).where(Chat.title == "Krispijn")))
    card = reply_from_json(rows[-1].payload)
    rendered = "\n".join(app.services.catalog.render(part, "nl", escape=html.escape) for part in card.parts)
    assert "&lt;b&gt;station&lt;/b&gt; &amp; co" in rendered
    assert "🚨 <b>Melding M-0001</b>" in rendered  # the template's own tags stay markup
    assert len(rendered) < 4096  # fits one Telegram message, whatever the resident typed
