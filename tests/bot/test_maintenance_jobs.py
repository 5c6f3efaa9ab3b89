"""The daily privacy and housekeeping jobs are scheduled, and the scheduled callables do the work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from bot.campaign_scheduler import CampaignScheduler
from handlers.clock import FakeClock
from storage.dedupe import first_delivery
from storage.models import ProcessedDelivery
from storage.reports import ReportSuspect
from tests.harness import ConsoleHarness

SAAR = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld"


def _jobs(app: App) -> dict[str, object]:
    scheduler = CampaignScheduler(app.services)
    scheduler.build()
    return {job.id: job for job in scheduler.jobs()}


def test_purge_and_forgetting_run_daily_in_the_night(app: App) -> None:
    jobs = _jobs(app)
    after = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # the day summer time starts
    for job_id, local_time in (("maintenance:purge", "04:00"), ("maintenance:forget-deliveries", "04:15")):
        trigger = jobs[job_id].trigger  # type: ignore[attr-defined]
        first = trigger.get_next_fire_time(None, after)
        second = trigger.get_next_fire_time(first, first)
        assert first.strftime("%H:%M") == local_time and str(first.tzinfo) == "Europe/Amsterdam"
        assert (second - first).days == 1


async def test_scheduled_jobs_purge_suspects_and_forget_old_ids(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet", f"/melding {SAAR}")
    async with app.services.db() as session:
        assert await first_delivery(session, "whatsapp", "wamid.old", clock.now())
        await session.commit()
    clock.advance(days=31)
    jobs = _jobs(app)
    assert await jobs["maintenance:purge"].func() == 1  # type: ignore[attr-defined]
    assert await jobs["maintenance:forget-deliveries"].func() == 1  # type: ignore[attr-defined]
    async with app.services.db() as session:
        assert list(await session.scalars(select(ReportSuspect))) == []
        assert list(await session.scalars(select(ProcessedDelivery))) == []


async def test_start_up_catch_up_runs_both(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet", f"/melding {SAAR}")
    async with app.services.db() as session:
        await first_delivery(session, "telegram", "42", clock.now())
        await session.commit()
    clock.advance(days=31)
    await _jobs(app)["maintenance:catch-up"].func()  # type: ignore[attr-defined]
    async with app.services.db() as session:
        assert list(await session.scalars(select(ReportSuspect))) == []
        assert list(await session.scalars(select(ProcessedDelivery))) == []
