"""The weekly digest: three lines and a chart per wijk, once per coordinator and week, /digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.campaign_scheduler import CampaignScheduler
from config.settings import Settings
from handlers.clock import FakeClock
from handlers.codec import reply_from_json
from handlers.statistics.digest import send_digests
from storage.digests import DigestRun, claim_digest
from storage.models import OutboxMessage
from tests import statistics_data
from tests.harness import ConsoleHarness

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(path: Path) -> bool:
    return path.read_bytes().startswith(PNG)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"chart_dir": str(tmp_path / "charts")})


@pytest.fixture
async def known(app: App) -> statistics_data.Known:
    return await statistics_data.build(app)


async def _coordinator(console: ConsoleHarness) -> None:
    await console.say(":als Ans coordinator Oud Krispijn", "/start")  # /start: the private chat exists


async def digest_rows(app: App) -> list[OutboxMessage]:
    async with app.services.db() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like("digest:%"))
                .order_by(OutboxMessage.id)
            )
        )


async def test_digest_now_shows_three_lines_and_a_chart(console: ConsoleHarness, known: object) -> None:
    await _coordinator(console)
    text = await console.text("/digest")
    assert "Weekoverzicht Oud Krispijn" in text
    assert "Deze week: 2 meldingen (Verdachte situatie 2)." in text  # r1 and r2, 2 days ago
    assert "Nog open: 1." in text
    # 8 weeks before: r3 (10 days), r4 (20 days), r5 (40 days) → 3/8 = 0,4 per week
    assert "ongeveer als gewoonlijk: 2 tegen gemiddeld 0,4 per week" in text
    chart = Path(text.split("🖼 ", 1)[1].split()[0])
    assert is_png(chart)
    assert "elke week" in text


async def test_digest_off_and_on(console: ConsoleHarness, app: App, known: object) -> None:
    await _coordinator(console)
    assert "niet meer" in await console.text("/digest uit")
    assert await send_digests(app.services) == 0
    assert "weer elke week" in await console.text("/digest aan")
    assert await send_digests(app.services) == 1
    assert "mag" in await console.text(":als Kees", "/digest")  # residents have no digest


async def test_the_weekly_job_sends_once_per_week(
    console: ConsoleHarness, app: App, clock: FakeClock, known: object
) -> None:
    await _coordinator(console)
    assert await send_digests(app.services) == 1
    assert await send_digests(app.services) == 0  # same week: claimed already
    rows = await digest_rows(app)
    assert len(rows) == 1
    reply = reply_from_json(rows[0].payload)
    assert reply.photo is not None and is_png(Path(reply.photo))
    clock.advance(days=7)
    assert await send_digests(app.services) == 1
    assert len(await digest_rows(app)) == 2


async def test_two_workers_send_one_digest(
    console: ConsoleHarness, app: App, settings: Settings, clock: FakeClock, known: object
) -> None:
    await _coordinator(console)
    other = build_app(settings, clock=clock)  # a second worker: its own engine and sessions
    try:
        counts = await asyncio.gather(send_digests(app.services), send_digests(other.services))
    finally:
        await other.close()
    assert sorted(counts) == [0, 1]
    assert len(await digest_rows(app)) == 1
    async with app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(DigestRun)) == 1


async def test_two_claims_one_wins(app: App, settings: Settings, clock: FakeClock, known: object) -> None:
    from storage.models import Person

    async with app.services.db() as session:
        person_id = await session.scalar(select(Person.id).limit(1))
    assert person_id is not None
    other = build_app(settings, clock=clock)

    async def claim(target: App) -> bool:
        async with target.services.db() as session:
            won = await claim_digest(session, person_id, "2026-W47", clock.now())
            await session.commit()
            return won

    try:
        results = await asyncio.gather(claim(app), claim(other))
    finally:
        await other.close()
    assert sorted(results) == [False, True]


def test_the_job_runs_on_monday_at_eight_local_time(app: App) -> None:
    scheduler = CampaignScheduler(app.services)
    scheduler.build()
    trigger = {job.id: job for job in scheduler.jobs()}["digest:weekly"].trigger
    first = trigger.get_next_fire_time(None, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    assert first.strftime("%A %H:%M") == "Monday 08:00" and str(first.tzinfo) == "Europe/Amsterdam"
    assert first - datetime(2026, 11, 30, 7, 0, tzinfo=UTC) == timedelta(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0 8 * * 1", "0 8 * * mon"),
        ("30 7 * * 1-5", "30 7 * * mon-fri"),
        ("0 8 * * 0,7", "0 8 * * sun,sun"),
        ("0 9 * * */2", "0 9 * * */2"),
    ],
)
def test_cron_weekday_numbers_mean_what_cron_means(settings: Settings, value: str, expected: str) -> None:
    from config.settings import load_settings

    assert load_settings(_env_file=None, digest_schedule=value).digest_schedule == expected
