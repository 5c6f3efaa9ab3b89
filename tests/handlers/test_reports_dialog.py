"""The guided /melding dialog: every step skippable, /stop, expiry, restarts, 112 first, anti-profiling."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from bot.app import App, build_app
from config.settings import Settings
from handlers.clock import FakeClock
from handlers.types import EventKind, Location
from storage.models import DialogState
from storage.reports import Report, ReportSuspect
from tests.harness import ConsoleHarness


async def _group(console: ConsoleHarness) -> None:
    # /melding in a group continues in the private chat (quiet groups): answer there.
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet", ":prive")


async def test_full_dialog_with_typed_answers(console: ConsoleHarness, app: App) -> None:
    await _group(console)
    start = await console.text("/melding")
    assert "Nieuwe melding" in start and "[14] Anders" in start and "[15] Stoppen" in start
    assert "Waar is het?" in await console.text("1")  # Verdachte situatie: not yet known to be now
    assert "Wanneer was het?" in await console.text("Dubbeldamseweg 120")
    when = await console.text("om 12.45")
    assert "Bel eerst 112" in when  # a suspect a quarter of an hour ago: danger now
    assert "Zie je iemand?" in when
    assert "voertuig" in await console.text("Kijkt bij auto's naar binnen, grijze hoodie, jaar of 20")
    assert "Welke kant" in await console.text("witte bestelbus VTH12K")
    assert "Is 112 al gebeld?" in await console.text("rende weg naar de Merwekade")
    card = await console.text("ja")
    assert "Melding M-0001 · Verdachte situatie" in card
    assert "Bel eerst 112" not in card
    for part in ("Plek: Dubbeldamseweg 120", "Kenteken: VTH-12-K", "Richting: Merwekade", "112 is gebeld"):
        assert part in card, part
    async with app.services.db() as session:
        report = await session.scalar(select(Report))
        suspect = await session.scalar(select(ReportSuspect))
        dialogs = list(await session.scalars(select(DialogState)))
    assert report is not None and suspect is not None
    assert (report.category, report.street, report.house_number, report.called_112) == (
        "verdachte_situatie", "Dubbeldamseweg", "120", True,
    )  # fmt: skip
    assert report.time_phrase == "om 12.45"
    assert suspect.licence_plate == "VTH-12-K"
    assert suspect.vehicle is not None and suspect.vehicle["colour"] == "witte"
    assert report.reporter_pseudonym is not None and report.reporter_pseudonym.startswith("p-")
    assert dialogs == []


async def test_every_step_can_be_skipped_and_urgent_says_112_first(console: ConsoleHarness) -> None:
    await _group(console)
    await console.say("/melding")
    after_category = await console.say("2")  # Inbraak bezig
    assert "Bel eerst 112" in after_category[0]
    assert "Waar is het?" in "\n".join(after_category[1:])
    for _ in range(5):
        await console.say("overslaan")
    card = await console.text("Weet ik niet")
    assert card.index("Bel eerst 112") < card.index("Melding M-0001 · Inbraak bezig")
    assert "Plek: niet bekend" in card


async def test_stop_cancels_and_expiry_ends_the_dialog(
    console: ConsoleHarness, clock: FakeClock, app: App
) -> None:
    await _group(console)
    await console.say("/melding", "1")
    assert "gestopt" in (await console.text("/stop")).lower()
    await console.say("/melding", "1", "Reeweg 3")
    clock.advance(minutes=31)
    assert "vervallen" in await console.text("1")  # pressing "Nu" on a dialog that timed out
    await console.say(":groep Krispijn")
    assert await console.say("om 12.45") == []  # plain text again: quiet in the group
    assert await _count_reports(app) == 0


async def test_dialog_survives_a_restart(
    console: ConsoleHarness, settings: Settings, clock: FakeClock
) -> None:
    await _group(console)
    await console.say("/melding", "4", "Reeweg 8")
    await console.app.close()
    restarted = build_app(settings, clock=clock)  # a new process: nothing in memory, same database
    try:
        harness = ConsoleHarness(restarted)
        harness.session.state = console.session.state
        await harness.say("vannacht", "-", "gestolen fiets, blauwe gazelle", "-")
        card = await harness.text("nee")
        assert "Melding M-0001 · Diefstal" in card
        assert "Plek: Reeweg 8" in card
    finally:
        await restarted.close()


async def test_skin_colour_alone_is_not_a_description(console: ConsoleHarness) -> None:
    await _group(console)
    await console.say("/melding", "1", "hier", "nu")
    refused = await console.text("een donkere man")
    assert "Vertel wat de persoon doet" in refused
    assert "voertuig" in await console.text("donkere man met rode jas, probeert deuren")


async def test_shared_location_and_private_dialog(console: ConsoleHarness, app: App) -> None:
    await _group(console)
    await console.say(":prive")
    start = await console.text("/melding")
    assert "Nieuwe melding" in start  # one area: no need to ask which
    await console.say("5")  # Vernieling
    incoming = dataclasses.replace(
        console.session._incoming(EventKind.MESSAGE), location=Location(51.8038, 4.6702)
    )
    await app.handle(incoming)
    await console.session.drain.drain()
    assert "Wanneer was het?" in "\n".join(console.output[-4:])
    out = await console.say("-", "-", "-", "-", "ja")
    text = "\n".join(out)
    assert "[Krispijn] buurtbot: 🚨 Melding M-0001 · Vernieling" in text  # the card goes to the group
    assert "📍 51.8038, 4.6702" in text
    assert "[privé Piet] buurtbot: Bedankt. Je melding M-0001 staat in de groep." in text


async def _count_reports(app: App) -> int:
    async with app.services.db() as session:
        return len(list(await session.scalars(select(Report.id))))


async def test_private_one_liner_asks_the_area_when_there_are_several(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":groep Sterrenburg", "/wijk Sterrenburg")
    await console.say(":prive")
    asked = await console.text("/melding Inbraak bezig aan de Reeweg 4!")
    assert "In welke wijk is het?" in asked
    assert "[1] Krispijn" in asked and "[2] Sterrenburg" in asked
    filed = await console.text("2")
    card = "[Sterrenburg] buurtbot: 🚨 Melding M-0001 · Inbraak bezig"
    assert filed.index("Bel eerst 112") < filed.index(card)
    assert "[Krispijn]" not in filed


async def test_typed_category_and_typed_112_answer(console: ConsoleHarness) -> None:
    await _group(console)
    await console.say("/melding")
    assert "Waar is het?" in await console.text("vernieling")
    await console.say("-", "-", "-", "-", "-")
    card = await console.text("de politie is al gebeld")
    assert "Melding M-0001 · Vernieling" in card and "112 is gebeld" in card
