"""Plans become rounds: each occurrence of a schedule within the horizon is one ``patrol_rounds`` row.

Materialising is idempotent (unique schedule × start), so ``/ronde nieuw``, every scheduler tick
and a second worker may all run it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.patrols.when import Plan, occurrences
from storage.patrols import PatrolSchedule, RoundStatus, add_round_once

HORIZON = timedelta(days=14)


async def add_schedule(
    session: AsyncSession, team_id: int, area_id: int, plan: Plan, now: datetime
) -> PatrolSchedule:
    schedule = PatrolSchedule(
        team_id=team_id,
        area_id=area_id,
        rule=plan.rule,
        first_day=plan.first_day,
        start_time=plan.start.strftime("%H:%M"),
        minutes=plan.minutes,
        min_walkers=plan.min_walkers,
        max_walkers=plan.max_walkers,
        active=True,
        created_at=now,
    )
    session.add(schedule)
    await session.flush()
    return schedule


async def materialise(session: AsyncSession, schedule: PatrolSchedule, now: datetime, zone: ZoneInfo) -> int:
    """Add the rounds of ``schedule`` that start within the horizon; returns how many were new."""
    start = time.fromisoformat(schedule.start_time)
    added = 0
    for moment in occurrences(schedule.rule, schedule.first_day, start, zone, now, now + HORIZON):
        starts_at = moment.astimezone(now.tzinfo)
        values: dict[str, object] = {
            "team_id": schedule.team_id,
            "area_id": schedule.area_id,
            "schedule_id": schedule.id,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=schedule.minutes),
            "min_walkers": schedule.min_walkers,
            "max_walkers": schedule.max_walkers,
            "status": RoundStatus.PLANNED,
            "created_at": now,
        }
        added += await add_round_once(session, values)
    return added


async def materialise_all(session: AsyncSession, now: datetime, zone: ZoneInfo) -> int:
    schedules = await session.scalars(
        select(PatrolSchedule).where(PatrolSchedule.active.is_(True)).order_by(PatrolSchedule.id)
    )
    return sum([await materialise(session, schedule, now, zone) for schedule in list(schedules)])
