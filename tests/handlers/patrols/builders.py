"""Small builders for patrol tests: a wijk, a team, a plan with its rounds, and people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.patrols.plan import add_schedule, materialise
from handlers.patrols.when import parse_when
from storage.chats import create_area
from storage.models import Person
from storage.patrols import PatrolRound, PatrolTeam, PatrolTeamArea
from storage.people import ensure_person

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def person(session: AsyncSession, name: str, now: datetime) -> Person:
    return await ensure_person(session, "console", name.lower(), name, None, now, b"test-secret")


async def planned_rounds(
    session: AsyncSession, when: str, now: datetime, area: str = "Krispijn"
) -> list[PatrolRound]:
    """A wijk, its team and a plan; returns the rounds materialised for the coming two weeks."""
    wijk = await create_area(session, area, now)
    team = PatrolTeam(name=f"Team {area}", key=f"team-{wijk.key}", created_at=now)
    session.add(team)
    await session.flush()
    session.add(PatrolTeamArea(team_id=team.id, area_id=wijk.id))
    schedule = await add_schedule(session, team.id, wijk.id, parse_when(when, now, AMSTERDAM), now)
    await materialise(session, schedule, now, AMSTERDAM)
    rows = await session.scalars(
        select(PatrolRound).where(PatrolRound.schedule_id == schedule.id).order_by(PatrolRound.starts_at)
    )
    return list(rows)
