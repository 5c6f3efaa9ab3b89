"""Reports through the console, as people use them: one-liners, cards, linking, taps, closing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from handlers.clock import FakeClock
from storage.reports import Report, ReportTap
from tests.harness import ConsoleHarness

SAAR = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld"


async def _krispijn(console: ConsoleHarness) -> None:
    """The beheerder opens group Krispijn and links it to area Krispijn."""
    await console.say(":groep Krispijn", "/wijk Krispijn")


async def _reports(app: App) -> list[Report]:
    async with app.services.db() as session:
        return list(await session.scalars(select(Report).order_by(Report.id)))


async def test_oneline_card_linked_update_and_closing(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    card = await console.text(f"/melding {SAAR}")
    assert card.startswith("[Krispijn] buurtbot: 🚨 Melding M-0001 · Verdachte situatie")
    assert "Plek: Dubbeldamseweg 120" in card
    assert "112 is gebeld" in card
    assert "Richting: station" in card
    assert "Bel eerst 112" not in card

    await console.say(":als Karin")
    update = await console.say("Ik zie ook een man met donkere jas bij de Dubbeldamseweg, loert in tuinen")
    assert update[0].startswith("[Krispijn] buurtbot (bijgewerkt): 🚨 Melding M-0001")
    assert "🔗 2 meldingen over hetzelfde voorval" in "\n".join(update)
    assert not any("Melding M-0002 ·" in line for line in update)
    reports = await _reports(app)
    assert [(r.short_id, r.incident_id) for r in reports] == [("M-0001", None), ("M-0002", reports[0].id)]

    await console.say(":als Ans coordinator Krispijn")
    closing = await console.text("4")  # the card's fourth button: Afsluiten
    assert "[Krispijn] buurtbot (bijgewerkt): 🚨 Melding M-0001" in closing
    assert "Status: Afgesloten" in closing
    assert (
        "[Krispijn] buurtbot: ✅ Afgesloten: melding M-0001 (Verdachte situatie, Dubbeldamseweg 120). "
        "Bedankt voor het opletten." in closing
    )
    assert "[privé Piet] buurtbot: Je melding M-0001 (Verdachte situatie) is afgesloten." in closing
    assert {r.status for r in await _reports(app)} == {"closed"}


async def test_residents_cannot_close_and_112_tap_counts_once(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    card = await console.text("/melding Man loert in auto's bij de Reeweg 4")
    assert "Nog niet gebeld" in card
    assert "Bel eerst 112" in card  # a suspect right now and nobody called yet
    tapped = await console.text("1")
    assert "(bijgewerkt)" in tapped and "112 is gebeld" in tapped
    assert await console.say("1") == []  # the same person again: nothing changes, nothing is said
    await console.say(":als Karin")
    await console.say("1")
    refused = await console.text("4")
    assert "coördinator van deze wijk" in refused
    async with app.services.db() as session:
        taps = await session.scalar(select(func.count(ReportTap.id)))
        statuses = list(await session.scalars(select(Report.status)))
    assert taps == 2
    assert statuses == ["open"]


async def test_other_area_or_other_time_gets_its_own_card(console: ConsoleHarness, clock: FakeClock) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    await console.say(f"/melding {SAAR}")
    clock.advance(minutes=45)  # past REPORT_LINK_WINDOW_MINUTES (30)
    later = await console.text(f"/melding {SAAR}")
    assert "Melding M-0002 ·" in later and "(bijgewerkt)" not in later
    other_street = await console.text(
        "/melding Verdachte man loert in tuinen aan de Krommedijk 3, 112 gebeld"
    )
    assert "Melding M-0003 ·" in other_street


async def test_chatter_gets_no_answer_and_unsure_is_asked(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    for chatter in ("bedankt!", "👍", "weet iemand of de stroom uitvalt?", "goedemorgen allemaal"):
        assert await console.say(chatter) == [], chatter
    asked = await console.text("Brand!")
    assert "Is dit een melding?" in asked and "Bel 112" in asked
    declined = await console.text("2")
    assert declined == "[Krispijn] buurtbot (bijgewerkt): Oké, geen melding."
    assert await _reports(app) == []
    await console.say("Zwarte BMW, kenteken 12-ABC-3, reed weg in de richting van Zwijndrecht")
    await console.say(":als Karin")
    assert "niet meer bekend" in await console.text("1")  # only the writer answers for the message
    await console.say(":als Piet")
    accepted = await console.text("1")
    assert "Melding M-0001 ·" in accepted
    assert "Kenteken: 12-ABC-3" in accepted


async def test_group_without_area_and_profiling(console: ConsoleHarness) -> None:
    await console.say(":groep Wielwijk")
    assert "hoort nog niet bij een wijk" in await console.text(f"/melding {SAAR}")
    await console.say("/wijk Wielwijk")
    refused = await console.text("/melding Donkere man loopt door de straat")
    assert "Alleen huidskleur of afkomst is geen goede beschrijving" in refused
    assert "Melding" not in refused
    accepted = await console.text(
        "/melding Getinte man met rode jas probeert fietsen open te maken bij de Reeweg 2"
    )
    assert "Melding M-0001" in accepted


async def test_meldingen_lists_open_reports_for_coordinators(console: ConsoleHarness) -> None:
    await _krispijn(console)
    await console.say(f"/melding {SAAR}", "/melding Fiets gestolen vannacht op de Reeweg 8")
    listing = await console.text("/meldingen")
    assert "Open meldingen in Krispijn" in listing
    assert "M-0001 · Verdachte situatie · Dubbeldamseweg 120" in listing
    assert "M-0002 · Diefstal · Reeweg 8" in listing
    await console.say(":als Piet")
    assert "coördinator" in await console.text("/meldingen")


async def test_every_group_of_the_area_gets_the_card(console: ConsoleHarness) -> None:
    await _krispijn(console)
    await console.say(":groep Krispijn-Oost", "/wijk Krispijn", ":als Piet")
    out = await console.text(f"/melding {SAAR}")
    assert "[Krispijn] buurtbot: 🚨 Melding M-0001" in out
    assert "[Krispijn-Oost] buurtbot: 🚨 Melding M-0001" in out
    await console.say(":groep Krispijn")
    update = await console.text("Ik zie ook een man met donkere jas bij de Dubbeldamseweg, loert in tuinen")
    assert "[Krispijn] buurtbot (bijgewerkt): 🚨 Melding M-0001" in update
    assert "[Krispijn-Oost] buurtbot (bijgewerkt): 🚨 Melding M-0001" in update


async def test_referral_text_after_the_question_is_not_lost(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    assert "Is dit een melding?" in await console.text("Brand!")
    pointer = await console.text("mijn buurvrouw wordt volgens mij door haar man geslagen")
    assert "Hier is hulp voor" in pointer  # the referral recogniser got the text
    assert "geslagen" not in pointer  # and, in a group, did not repeat it
    assert await console.say("ja") == []  # the question lapsed with the new text: "ja" is chatter
    assert await _reports(app) == []


async def test_a_typed_yes_or_no_answers_the_question(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    await console.say("Brand!")
    assert await console.text("nee") == "[Krispijn] buurtbot (bijgewerkt): Oké, geen melding."
    await console.say("Zwarte BMW, kenteken 12-ABC-3, reed weg in de richting van Zwijndrecht")
    accepted = await console.text("Ja!")
    assert "Melding M-0001 ·" in accepted
    assert [r.short_id for r in await _reports(app)] == ["M-0001"]
