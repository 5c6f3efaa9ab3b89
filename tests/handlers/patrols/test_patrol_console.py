"""Done-when of issue 16 through the console: plan, sign up, reminders, observations, summary."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.patrols.jobs import tick
from storage.patrols import PatrolObservation, PatrolRound, RoundStatus, round_stats
from storage.reports import Report
from tests.harness import ConsoleHarness

# Tuesday 1 December 2026, 12:00 in Dordrecht (11:00 UTC).
TUESDAY_NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


async def _team_with_group(console: ConsoleHarness) -> None:
    """Ans coordinates Krispijn; the team's group is linked to the wijk; Ans makes the team there."""
    await console.say(":als Ans coordinator Krispijn", ":groep Team Krispijn", "/wijk Krispijn")
    created = await console.text("/team nieuw Buurtpreventie Krispijn Krispijn")
    assert "Team Buurtpreventie Krispijn is gemaakt voor Krispijn." in created
    assert "Deze groep is de groep van team Buurtpreventie Krispijn" in created


async def test_plan_sign_up_remind_observe_and_summary(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    clock.set(TUESDAY_NOON)
    await _team_with_group(console)
    planned = await console.text("/ronde nieuw Krispijn di,do 20:00-22:00")
    assert (
        "Vaste ronde gepland voor Krispijn (team Buurtpreventie Krispijn), eerste keer di 01-12 20:00–22:00"
        in planned
    )
    # The week's rounds are posted in the team's group: Tue 1 and Thu 3 December.
    assert planned.count("[Team Krispijn] buurtbot: 🔦 Ronde Krispijn") == 2
    assert "Nog 2 nodig." in planned

    # Two residents sign up from the group's message (the last one with buttons: Thursday 3 December).
    await console.say(":als Piet")
    piet = await console.text("1")
    assert "[privé Piet] buurtbot: Je loopt mee: do 03-12 20:00–22:00." in piet
    assert "Lopers (1/4): Piet" in piet and "Nog 1 nodig." in piet
    await console.say(":als Karin")
    karin = await console.text("1")
    assert "[Team Krispijn] buurtbot (bijgewerkt): 🔦 Ronde Krispijn · do 03-12 20:00–22:00" in karin
    assert "Lopers (2/4): Piet, Karin" in karin and "Genoeg lopers. Er is nog plek voor 2." in karin
    listed = await console.text("/rondes")
    assert "Krispijn · do 03-12 20:00–22:00: 2 van 4 lopers (minstens 2)" in listed
    assert "Piet" not in listed  # /rondes counts walkers, it does not name them

    # The scheduler (injected clock): 2 hours before, then 15 minutes before, each walker once.
    clock.set(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))  # 18:00 in Dordrecht
    await tick(app.services)
    await tick(app.services)  # a second tick in the same minute sends nothing again
    early = await console.text(":prive")
    assert early.count("⏰ Over 2 uur: ronde Krispijn, do 03-12 20:00–22:00.") == 2
    assert (
        "[privé Piet] buurtbot: ⏰ Over 2 uur" in early and "[privé Karin] buurtbot: ⏰ Over 2 uur" in early
    )
    clock.set(datetime(2026, 12, 3, 18, 50, tzinfo=UTC))  # 19:50
    await tick(app.services)
    late = await console.text(":prive")
    assert late.count("⏰ Over een kwartier: ronde Krispijn") == 2

    # Piet starts (from 19:30 on); both walkers' private messages now belong to the round.
    await console.say(":als Piet")
    started = await console.text("/ronde start")
    assert "[privé Piet] buurtbot: De ronde is gestart." in started
    assert "[privé Karin] buurtbot: Piet heeft de ronde gestart." in started
    noted = await console.text("raam open bij Brouwersdijk 12")
    assert noted == "[privé Piet] buurtbot: Genoteerd bij je ronde. Is het een melding? Gebruik /melding."
    await console.say(":als Karin")
    filed = await console.text("Verdachte man kijkt in autos bij Brouwersdijk 20, 112 is gebeld")
    assert "[privé Karin] buurtbot: Melding M-0001 is gemaakt, tijdens je ronde." in filed
    assert "[Team Krispijn] buurtbot: 🚨 Melding M-0001 · Verdachte situatie" in filed  # the wijk's groups

    # The end: the summary goes to the teamleider (Ans is appointed), the walker gets their own.
    await console.say(":als Ans coordinator Krispijn", ":prive", "/start")
    appointed = await console.text("/team leider Buurtpreventie Krispijn Ans")
    assert "Ans is nu teamleider van team Buurtpreventie Krispijn." in appointed
    clock.set(datetime(2026, 12, 3, 21, 5, tzinfo=UTC))  # 22:05
    await console.say(":als Piet")
    ended = await console.text("/ronde einde")
    assert "[privé Piet] buurtbot: De ronde is afgesloten." in ended
    assert "[privé Karin] buurtbot: Piet heeft de ronde afgesloten." in ended
    assert "[privé Ans] buurtbot: 📋 Verslag ronde Krispijn · do 03-12 20:00–22:00" in ended
    assert "Gelopen van 19:50 tot 22:05 (135 minuten)." in ended
    assert "Lopers: Piet, Karin" in ended
    assert "Gezien: 1 notities, 0 dingen kapot, 1 meldingen." in ended
    assert "19:50 notitie: raam open bij Brouwersdijk 12" in ended
    assert "19:50 melding M-0001" in ended
    assert "[Team Krispijn] buurtbot (bijgewerkt): 🔦 Ronde Krispijn · do 03-12 20:00–22:00" in ended
    assert "Gelopen. Bedankt!" in ended

    async with app.services.db() as session:
        walked = await session.scalar(select(PatrolRound).where(PatrolRound.status == RoundStatus.WALKED))
        seen = list(await session.scalars(select(PatrolObservation).order_by(PatrolObservation.id)))
        report = await session.scalar(select(Report))
        stats = await round_stats(
            session, None, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)
        )
    assert walked is not None and walked.ended_at is not None
    assert [(o.kind, o.text) for o in seen] == [("note", "raam open bij Brouwersdijk 12"), ("report", None)]
    assert report is not None and report.source == "tijdens_ronde" and seen[1].report_id == report.id
    assert (stats.rounds_walked, stats.hours, stats.observations) == (1, 2.25, {"note": 1, "report": 1})
    await console.say(":als Ans coordinator Krispijn", ":prive")
    assert "Rondes van de buurtpreventie: 1 gelopen, 2,2 uur, 2 keer iets gezien." in await console.text(
        "/statistiek Krispijn week"
    )
