"""Patrol rounds in the database (SQLite and PostgreSQL): DST-proof recurrence, the last seat going
to exactly one of two concurrent sign-ups, statistics without people, and the privacy purge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import App
from handlers.clock import FakeClock
from handlers.patrols.plan import materialise_all
from handlers.reports.privacy import purge
from storage.db import create_engine, create_sessionmaker
from storage.outbox import aware
from storage.patrols import (
    ObservationKind,
    PatrolObservation,
    PatrolSignup,
    RoundStatus,
    SignUp,
    round_stats,
    take_seat,
    try_seat,
)
from tests.handlers.patrols.builders import AMSTERDAM, person, planned_rounds


def _utc(row_start: datetime) -> datetime:
    value = aware(row_start)
    assert value is not None
    return value.astimezone(UTC)


async def test_weekly_round_keeps_its_wall_clock_time_across_the_october_change(app: App) -> None:
    """Sunday 25 October 2026, last Sunday of October: 20:00 is 18:00 UTC before, 19:00 UTC after."""
    now = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    async with app.services.db() as session:
        rows = await planned_rounds(session, "za,zo 20:00-22:00", now)
        await session.commit()
    starts = [_utc(row.starts_at) for row in rows]
    assert starts[:4] == [
        datetime(2026, 10, 24, 18, 0, tzinfo=UTC),  # Saturday, summer time (UTC+2)
        datetime(2026, 10, 25, 19, 0, tzinfo=UTC),  # Sunday of the change, winter time (UTC+1)
        datetime(2026, 10, 31, 19, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 19, 0, tzinfo=UTC),
    ]
    assert {row.astimezone(AMSTERDAM).strftime("%H:%M") for row in starts} == {"20:00"}
    assert all(_utc(row.ends_at) - _utc(row.starts_at) == timedelta(hours=2) for row in rows)


async def test_weekly_round_across_the_march_change_and_materialising_twice(app: App) -> None:
    """Sunday 28 March 2027, last Sunday of March: 20:00 moves from 19:00 to 18:00 UTC."""
    now = datetime(2027, 3, 22, 9, 0, tzinfo=UTC)
    async with app.services.db() as session:
        rows = await planned_rounds(session, "zo 20:00-22:00 min 3 max 5", now)
        again = await materialise_all(session, now + timedelta(days=1), AMSTERDAM)
        await session.commit()
    assert [_utc(row.starts_at) for row in rows] == [
        datetime(2027, 3, 28, 18, 0, tzinfo=UTC),
        datetime(2027, 4, 4, 18, 0, tzinfo=UTC),
    ]
    assert again == 0  # the same occurrences are not added twice
    assert {(row.min_walkers, row.max_walkers) for row in rows} == {(3, 5)}


async def test_two_concurrent_sign_ups_for_the_last_place_one_wins(app: App, db_url: str) -> None:
    """Two sessions (two engines, as two workers would have) race for the last of two seats."""
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with app.services.db() as session:
        row = (await planned_rounds(session, "morgen 20:00-22:00 max 2", now))[0]
        first, karin, joost = [await person(session, n, now) for n in ("Piet", "Karin", "Joost")]
        assert await take_seat(session, row.id, first.id, 2, now) is SignUp.TAKEN
        await session.commit()
    other = create_engine(db_url)
    sessions = (app.services.db, create_sessionmaker(other))

    async def sign_up(index: int, person_id: int) -> SignUp:
        async with sessions[index]() as session:
            outcome = await take_seat(session, row.id, person_id, 2, now)
            await session.commit()
            return outcome

    try:
        outcomes = await asyncio.gather(sign_up(0, karin.id), sign_up(1, joost.id))
    finally:
        await other.dispose()
    assert sorted(outcomes) == sorted([SignUp.TAKEN, SignUp.FULL])
    async with app.services.db() as session:
        seats = list(await session.scalars(select(PatrolSignup.seat).where(PatrolSignup.round_id == row.id)))
    assert sorted(seats) == [1, 2]


async def test_a_stale_read_of_the_last_seat_loses_to_the_open_transaction(app: App, db_url: str) -> None:
    """Both saw seat 2 free: the INSERT of the second waits for the first and then inserts nothing."""
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with app.services.db() as session:
        row = (await planned_rounds(session, "morgen 20:00-22:00 max 2", now))[0]
        karin, joost = [await person(session, n, now) for n in ("Karin", "Joost")]
        await session.commit()
    other = create_engine(db_url)
    try:
        async with app.services.db() as first:
            assert await try_seat(first, row.id, karin.id, 2, now)
            async with create_sessionmaker(other)() as second:
                late = asyncio.create_task(try_seat(second, row.id, joost.id, 2, now))
                await first.commit()
                assert await late is False
                await second.commit()
    finally:
        await other.dispose()
    async with app.services.db() as session:
        holders = list(await session.scalars(select(PatrolSignup.person_id).where(PatrolSignup.seat == 2)))
    assert holders == [karin.id]


async def test_statistics_count_rounds_and_hours_and_purge_erases_old_notes(
    app: App, clock: FakeClock
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with app.services.db() as session:
        rows = await planned_rounds(session, "di,do 20:00-22:00", now)
        walked = rows[0]
        walked.status = RoundStatus.WALKED
        walked.started_at, walked.ended_at = walked.starts_at, walked.starts_at + timedelta(minutes=90)
        piet = await person(session, "Piet", now)
        for kind, text in ((ObservationKind.NOTE, "3 ramen open"), (ObservationKind.DEFECT, "lamp kapot")):
            session.add(
                PatrolObservation(
                    round_id=walked.id, person_id=piet.id, kind=kind, text=text, observed_at=now
                )
            )
        await session.commit()
        assert walked.area_id is not None
        stats = await round_stats(session, [walked.area_id], now, now + timedelta(days=7))
        elsewhere = await round_stats(session, [walked.area_id + 1000], now, now + timedelta(days=7))
        later = await round_stats(session, None, now + timedelta(days=7), now + timedelta(days=14))
    assert (stats.rounds_walked, stats.hours, stats.observations) == (1, 1.5, {"note": 1, "defect": 1})
    assert (elsewhere.rounds_walked, later.rounds_walked) == (0, 0)

    clock.set(now + timedelta(days=app.services.settings.suspect_data_retention_days - 1))
    await purge(app.services)
    async with app.services.db() as session:
        assert sorted(t or "" for t in await session.scalars(select(PatrolObservation.text))) == [
            "3 ramen open",
            "lamp kapot",
        ]
    clock.set(now + timedelta(days=app.services.settings.suspect_data_retention_days + 1))
    await purge(app.services)
    async with app.services.db() as session:
        texts = list(await session.scalars(select(PatrolObservation.text)))
        kinds = await session.scalar(select(func.count(PatrolObservation.id)))
    assert texts == [None, None] and kinds == 2
