"""The patrol tick and the rules around a round: reminders once with two workers, the minimum of
walkers flagged 3 hours before, "nooit alleen", the start window, a full round, "Ik kan niet"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App, build_app
from bot.campaign_scheduler import CampaignScheduler
from config.settings import Settings
from handlers.clock import FakeClock
from handlers.patrols.jobs import tick
from storage.models import OutboxMessage
from storage.patrols import PatrolRound, RoundStatus
from tests.harness import ConsoleHarness

MONDAY_NOON = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # 12:00 in Dordrecht
TUESDAY_8PM = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 20:00 in Dordrecht


async def _team(console: ConsoleHarness, clock: FakeClock) -> None:
    """Ans (coordinator, teamleider, with a private chat) and the team's group for Krispijn."""
    clock.set(MONDAY_NOON)
    await console.say(":als Ans coordinator Krispijn", ":prive", "/start")
    await console.say(":groep Team Krispijn", "/wijk Krispijn", "/team nieuw Noord Krispijn")
    await console.say("/team leider Noord Ans")


async def _sign_up(console: ConsoleHarness, *names: str) -> str:
    """Each presses "Ik loop mee" on the group's last sign-up message."""
    said = []
    for name in names:
        await console.say(f":als {name}")
        said.append(await console.text("1"))
    return "\n".join(said)


async def _keys(app: App, like: str) -> list[str]:
    async with app.services.db() as session:
        rows = await session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.like(like))
        )
        return sorted(rows)


async def test_reminders_are_sent_once_with_two_workers(
    console: ConsoleHarness, app: App, clock: FakeClock, settings: Settings
) -> None:
    await _team(console, clock)
    await console.say("/ronde nieuw Krispijn morgen 20:00-22:00")
    await _sign_up(console, "Piet", "Karin")
    second = build_app(settings, clock=clock)  # another worker on the same database
    try:
        clock.set(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # 18:00: two hours before
        await asyncio.gather(tick(app.services), tick(second.services))
        await asyncio.gather(tick(app.services), tick(second.services))
        assert len(await _keys(app, "patrol:remind:%:120")) == 2
        clock.set(datetime(2026, 12, 1, 18, 50, tzinfo=UTC))  # 19:50
        await asyncio.gather(tick(app.services), tick(second.services), tick(app.services))
        assert len(await _keys(app, "patrol:remind:%:15")) == 2
        clock.set(TUESDAY_8PM)  # started time: no more reminders
        await asyncio.gather(tick(app.services), tick(second.services))
    finally:
        await second.close()
    printed = await console.text(":prive")
    assert printed.count("⏰ Over 2 uur: ronde Krispijn, di 01-12 20:00–22:00.") == 2
    assert printed.count("⏰ Over een kwartier") == 2
    assert len(await _keys(app, "patrol:remind:%")) == 4


async def _short_round_flagged(console: ConsoleHarness, app: App, clock: FakeClock) -> str:
    """Piet alone on the 20:00 round (min 3), Karin and Joost on 19:00; the 17:00 tick flags it."""
    await _team(console, clock)
    await console.say("/ronde nieuw Krispijn morgen 20:00-22:00 min 3")
    await _sign_up(console, "Piet")  # alone on the 20:00 round
    await console.say(":als Ans", "/ronde nieuw Krispijn morgen 19:00-21:00")  # the round to join instead
    await _sign_up(console, "Karin", "Joost")
    clock.set(datetime(2026, 12, 1, 15, 30, tzinfo=UTC))  # 16:30: not yet 3 hours before 20:00
    await tick(app.services)
    assert await _keys(app, "patrol:short:%") == []
    clock.set(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # 17:00
    await tick(app.services)
    await tick(app.services)
    return await console.text(":prive")


async def test_short_round_is_flagged_and_never_starts_with_one_walker(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    flagged = await _short_round_flagged(console, app, clock)
    assert (
        "[privé Ans] buurtbot: ⚠️ Ronde Krispijn (di 01-12 20:00–22:00) heeft 1 van de minstens 3 lopers."
        in flagged
    )
    assert (
        "[privé Piet] buurtbot: Je bent nog de enige loper voor de ronde van di 01-12 20:00–22:00." in flagged
    )
    assert "Loop samen met de ronde in Krispijn op di 01-12 19:00–21:00 (2 lopers)" in flagged
    assert flagged.count("⚠️ Ronde Krispijn") == 1  # the 19:00 round has 2 of its 2: not flagged

    clock.set(datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    await console.say(":als Piet")
    refused = await console.text("/ronde start")
    assert "Nooit alleen: een ronde begint pas met minstens 2 lopers." in refused
    assert "Loop samen met de ronde in Krispijn op di 01-12 19:00–21:00" in refused
    async with app.services.db() as session:
        statuses = list(await session.scalars(select(PatrolRound.status).order_by(PatrolRound.starts_at)))
    assert statuses == [RoundStatus.PLANNED, RoundStatus.PLANNED]


async def test_start_window_full_round_and_declining(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _team(console, clock)
    await console.say("/ronde nieuw Krispijn morgen 20:00-22:00 max 2")
    await _sign_up(console, "Piet", "Karin")
    full = await _sign_up(console, "Joost")
    assert "[privé Joost] buurtbot: Deze ronde is al vol." in full
    assert "Joost" not in full.split("Deze ronde is al vol.")[1]

    await console.say(":als Karin")
    declined = await console.text("2")  # "Ik kan niet": Karin's seat is free again
    assert "Lopers (1/2): Piet" in declined and "Nog 1 nodig." in declined
    joined = await _sign_up(console, "Joost")
    assert "Lopers (2/2): Piet, Joost" in joined and "Vol." in joined

    clock.set(datetime(2026, 12, 1, 18, 20, tzinfo=UTC))  # 19:20: 40 minutes before
    await console.say(":als Piet")
    early = await console.text("/ronde start")
    assert "Je ronde is di 01-12 20:00–22:00. Starten kan vanaf 19:30." in early
    clock.set(datetime(2026, 12, 1, 18, 30, tzinfo=UTC))  # 19:30
    started = await console.text("/ronde start")
    assert "De ronde is gestart." in started
    assert "[privé Joost] buurtbot: Piet heeft de ronde gestart." in started
    assert "[Team Krispijn] buurtbot (bijgewerkt): 🔦 Ronde Krispijn" in started  # buttons gone
    late = await _sign_up(console, "Karin")
    assert "Aanmelden voor deze ronde kan niet meer" in late


async def test_the_scheduler_runs_the_patrol_tick_every_minute(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _team(console, clock)
    await console.say("/ronde nieuw Krispijn morgen 20:00-22:00")
    await _sign_up(console, "Piet", "Karin")
    scheduler = CampaignScheduler(app.services)
    scheduler.build()
    job = next(job for job in scheduler.jobs() if job.id == "patrols:tick")
    assert job.trigger.interval.total_seconds() == 60
    clock.set(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))  # 18:30
    assert await job.func() == 2  # the two walkers' 2-hour reminders
    assert await job.func() == 0


async def test_teamleider_merges_the_short_round(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    flagged = await _short_round_flagged(console, app, clock)
    assert "[1] Samenvoegen" in flagged and "[2] Ronde afzeggen" in flagged
    await console.say(":als Ans", ":prive")
    merged = await console.text("1")
    assert "1 lopers lopen nu mee met de ronde in Krispijn op di 01-12 19:00–21:00." in merged
    assert "[privé Piet] buurtbot: Je ronde van di 01-12 20:00–22:00 is samengevoegd" in merged
    assert "Lopers (3/4): Karin, Joost, Piet" in merged
    assert "Afgezegd." in merged
    async with app.services.db() as session:
        statuses = list(await session.scalars(select(PatrolRound.status).order_by(PatrolRound.starts_at)))
    assert statuses == [RoundStatus.PLANNED, RoundStatus.CANCELLED]
    again = await console.text("1")  # the same button once more: nothing left to merge
    assert "Deze ronde is al begonnen, gelopen of afgezegd." in again


async def test_teamleider_cancels_the_short_round(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _short_round_flagged(console, app, clock)
    await console.say(":als Ans", ":prive")
    cancelled = await console.text("2")
    assert "De ronde van di 01-12 20:00–22:00 is afgezegd." in cancelled
    assert "[privé Piet] buurtbot: De ronde in Krispijn van di 01-12 20:00–22:00 is afgezegd" in cancelled
    clock.set(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    await tick(app.services)
    async with app.services.db() as session:
        planned = await session.scalar(
            select(PatrolRound.id).where(PatrolRound.status == RoundStatus.PLANNED)
        )
    reminded = await _keys(app, "patrol:remind:%")
    assert len(reminded) == 2 and all(key.startswith(f"patrol:remind:{planned}:") for key in reminded)


async def test_a_round_nobody_ended_is_closed_after_its_end(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _team(console, clock)
    await console.say("/ronde nieuw Krispijn morgen 20:00-22:00")
    await _sign_up(console, "Piet", "Karin")
    clock.set(TUESDAY_8PM)
    await console.say(":als Piet", ":prive", "/ronde start", "alles rustig")
    clock.set(datetime(2026, 12, 1, 21, 30, tzinfo=UTC))  # 22:30: half an hour after the end
    await tick(app.services)
    assert await _keys(app, "patrol:summary:%") == []
    clock.set(datetime(2026, 12, 1, 22, 5, tzinfo=UTC))  # 23:05
    await tick(app.services)
    await tick(app.services)
    closed = await console.text(":prive")
    assert closed.count("📋 Verslag ronde Krispijn") == 1
    assert "[privé Ans] buurtbot: 📋 Verslag ronde Krispijn · di 01-12 20:00–22:00" in closed
    assert "Gelopen van 20:00 tot 22:00 (120 minuten)." in closed and "20:00 notitie: alles rustig" in closed
    later = await console.text("3 ramen open, briefje achtergelaten")
    assert "Genoteerd bij je ronde" not in later  # no round is under way any more
