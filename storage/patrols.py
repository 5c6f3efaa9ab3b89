"""Patrol rounds of buurtpreventieteams: teams, planned rounds, sign-ups and what walkers saw.

A team walks in one or more wijken; its rounds are rows (a recurring plan is a schedule whose
occurrences are materialised as rounds, one row per start time). Sign-ups take a numbered seat:
the unique (round, seat) constraint is what makes "the last place" go to exactly one person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Person
from storage.outbox import aware


class TeamRole(StrEnum):
    LEADER = "teamleider"
    WALKER = "loper"


class RoundStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    WALKED = "walked"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    YES = "ja"
    NO = "nee"


class ObservationKind(StrEnum):
    NOTE = "note"  # "alles rustig", "3 ramen open, briefje achtergelaten"
    DEFECT = "defect"  # public space, for Fixi / the gemeente
    REPORT = "report"  # filed as a normal report, source "tijdens_ronde"


class PatrolTeam(Base):
    __tablename__ = "patrol_teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), unique=True)
    # The team's group chat: sign-up messages go there (else privately to the members).
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class PatrolTeamArea(Base):
    __tablename__ = "patrol_team_areas"
    __table_args__ = (UniqueConstraint("team_id", "area_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("patrol_teams.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)


class PatrolMember(Base):
    __tablename__ = "patrol_members"
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("patrol_teams.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=TeamRole.WALKER)
    joined_at: Mapped[datetime]


class PatrolSchedule(Base):
    """A recurring plan: an iCalendar RRULE over local dates, a local start time and a length."""

    __tablename__ = "patrol_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("patrol_teams.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(200))  # e.g. FREQ=WEEKLY;BYDAY=TU,TH
    first_day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))  # "20:00", local time
    minutes: Mapped[int] = mapped_column(Integer)
    min_walkers: Mapped[int] = mapped_column(Integer, default=2)
    max_walkers: Mapped[int] = mapped_column(Integer, default=4)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class PatrolRound(Base):
    __tablename__ = "patrol_rounds"
    __table_args__ = (UniqueConstraint("schedule_id", "starts_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("patrol_teams.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_schedules.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    min_walkers: Mapped[int] = mapped_column(Integer, default=2)
    max_walkers: Mapped[int] = mapped_column(Integer, default=4)
    status: Mapped[str] = mapped_column(String(12), default=RoundStatus.PLANNED, index=True)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class PatrolSignup(Base):
    """One person's answer for one round; a "ja" holds a seat 1..max (unique per round)."""

    __tablename__ = "patrol_signups"
    __table_args__ = (UniqueConstraint("round_id", "person_id"), UniqueConstraint("round_id", "seat"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("patrol_rounds.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    seat: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime]


class PatrolObservation(Base):
    """What a walker saw during a round. ``text`` is erased with the suspect data of reports."""

    __tablename__ = "patrol_observations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("patrol_rounds.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str | None] = mapped_column(Text)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    observed_at: Mapped[datetime] = mapped_column(index=True)


def _insert(session: AsyncSession, table: type[Base]):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which supports ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


# -- teams ----------------------------------------------------------------------------------------
async def team_by_key(session: AsyncSession, key: str) -> PatrolTeam | None:
    team: PatrolTeam | None = await session.scalar(select(PatrolTeam).where(PatrolTeam.key == key))
    return team


async def team_area_ids(session: AsyncSession, team_id: int) -> list[int]:
    rows = await session.scalars(select(PatrolTeamArea.area_id).where(PatrolTeamArea.team_id == team_id))
    return list(rows)


async def teams_in_area(session: AsyncSession, area_id: int) -> list[PatrolTeam]:
    rows = await session.scalars(
        select(PatrolTeam)
        .join(PatrolTeamArea, PatrolTeamArea.team_id == PatrolTeam.id)
        .where(PatrolTeamArea.area_id == area_id)
        .order_by(PatrolTeam.id)
    )
    return list(rows)


async def members(session: AsyncSession, team_id: int, role: TeamRole | None = None) -> list[Person]:
    query = select(Person).join(PatrolMember, PatrolMember.person_id == Person.id)
    query = query.where(PatrolMember.team_id == team_id)
    if role is not None:
        query = query.where(PatrolMember.role == role)
    return list(await session.scalars(query.order_by(Person.id)))


async def membership(session: AsyncSession, team_id: int, person_id: int) -> PatrolMember | None:
    row: PatrolMember | None = await session.scalar(
        select(PatrolMember).where(PatrolMember.team_id == team_id, PatrolMember.person_id == person_id)
    )
    return row


async def join_team(
    session: AsyncSession, team_id: int, person_id: int, now: datetime, role: TeamRole = TeamRole.WALKER
) -> None:
    """Add a member (or promote to ``role`` when it is teamleider); idempotent."""
    existing = await membership(session, team_id, person_id)
    if existing is None:
        statement = _insert(session, PatrolMember).values(
            team_id=team_id, person_id=person_id, role=role, joined_at=now
        )
        await session.execute(statement.on_conflict_do_nothing())
        existing = await membership(session, team_id, person_id)
    if existing is not None and role is TeamRole.LEADER:
        existing.role = role
    await session.flush()


async def leads(session: AsyncSession, person_id: int) -> list[int]:
    """The teams this person is teamleider of."""
    rows = await session.scalars(
        select(PatrolMember.team_id).where(
            PatrolMember.person_id == person_id, PatrolMember.role == TeamRole.LEADER
        )
    )
    return list(rows)


# -- rounds ---------------------------------------------------------------------------------------
async def add_round_once(session: AsyncSession, values: dict[str, object]) -> bool:
    """Insert a materialised occurrence; False when (schedule, start) exists (re-runs are harmless)."""
    result = await session.execute(
        _insert(session, PatrolRound).values(**values).on_conflict_do_nothing().returning(PatrolRound.id)
    )
    return result.scalar_one_or_none() is not None


async def rounds_between(
    session: AsyncSession, start: datetime, end: datetime, team_ids: list[int] | None = None
) -> list[PatrolRound]:
    query = select(PatrolRound).where(
        PatrolRound.starts_at >= start,
        PatrolRound.starts_at < end,
        PatrolRound.status != RoundStatus.CANCELLED,
    )
    if team_ids is not None:
        query = query.where(PatrolRound.team_id.in_(team_ids))
    return list(await session.scalars(query.order_by(PatrolRound.starts_at, PatrolRound.id)))


async def started_rounds(session: AsyncSession, ended_before: datetime) -> list[PatrolRound]:
    """Rounds still marked started whose planned end lies before ``ended_before``."""
    rows = await session.scalars(
        select(PatrolRound)
        .where(PatrolRound.status == RoundStatus.STARTED, PatrolRound.ends_at < ended_before)
        .order_by(PatrolRound.id)
        .with_for_update(skip_locked=True)
    )
    return list(rows)


async def person_rounds(
    session: AsyncSession, person_id: int, statuses: tuple[str, ...]
) -> list[PatrolRound]:
    """Rounds this person signed up for ("ja"), in the given states, soonest first."""
    rows = await session.scalars(
        select(PatrolRound)
        .join(PatrolSignup, PatrolSignup.round_id == PatrolRound.id)
        .where(
            PatrolSignup.person_id == person_id,
            PatrolSignup.answer == Answer.YES,
            PatrolRound.status.in_(statuses),
        )
        .order_by(PatrolRound.starts_at)
    )
    return list(rows)


# -- sign-ups -------------------------------------------------------------------------------------
async def walkers(session: AsyncSession, round_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(PatrolSignup, PatrolSignup.person_id == Person.id)
        .where(PatrolSignup.round_id == round_id, PatrolSignup.answer == Answer.YES)
        .order_by(PatrolSignup.seat)
    )
    return list(rows)


async def walker_count(session: AsyncSession, round_id: int) -> int:
    count = await session.scalar(
        select(func.count(PatrolSignup.id)).where(
            PatrolSignup.round_id == round_id, PatrolSignup.answer == Answer.YES
        )
    )
    return int(count or 0)


class SignUp(StrEnum):
    TAKEN = "taken"  # the person holds a seat now
    ALREADY = "already"
    FULL = "full"


async def _answer_row(session: AsyncSession, round_id: int, person_id: int) -> PatrolSignup | None:
    row: PatrolSignup | None = await session.scalar(
        select(PatrolSignup)
        .where(PatrolSignup.round_id == round_id, PatrolSignup.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    return row


async def try_seat(session: AsyncSession, round_id: int, person_id: int, seat: int, now: datetime) -> bool:
    """The single conditional INSERT of a sign-up: False when the seat (or the person) is taken,
    also by a transaction that commits while this one waits for it."""
    statement = _insert(session, PatrolSignup).values(
        round_id=round_id, person_id=person_id, seat=seat, answer=Answer.YES, answered_at=now
    )
    result = await session.execute(statement.on_conflict_do_nothing().returning(PatrolSignup.id))
    return result.scalar_one_or_none() is not None


async def take_seat(
    session: AsyncSession, round_id: int, person_id: int, seats: int, now: datetime
) -> SignUp:
    """Sign up for a free seat. One conditional INSERT per try: the unique (round, seat) and
    (round, person) constraints decide between concurrent sign-ups, so the last seat goes to
    exactly one of them (the other's ON CONFLICT DO NOTHING inserts nothing and reads "full")."""
    existing = await _answer_row(session, round_id, person_id)
    if existing is not None and existing.answer == Answer.YES:
        return SignUp.ALREADY
    if existing is not None:  # a "nee" becomes a "ja": the row is re-inserted with a seat
        await session.delete(existing)
        await session.flush()
    for _ in range(seats):
        taken = set(
            await session.scalars(
                select(PatrolSignup.seat).where(
                    PatrolSignup.round_id == round_id, PatrolSignup.seat.is_not(None)
                )
            )
        )
        free = [seat for seat in range(1, seats + 1) if seat not in taken]
        if not free:
            return SignUp.FULL
        if await try_seat(session, round_id, person_id, free[0], now):
            return SignUp.TAKEN
        if await _answer_row(session, round_id, person_id) is not None:
            return SignUp.ALREADY  # the same person, twice at once (a double tap on two devices)
    return SignUp.FULL


async def decline(session: AsyncSession, round_id: int, person_id: int, now: datetime) -> bool:
    """Answer "Ik kan niet"; frees a seat the person held. True when they were walking."""
    existing = await _answer_row(session, round_id, person_id)
    if existing is None:
        statement = _insert(session, PatrolSignup).values(
            round_id=round_id, person_id=person_id, seat=None, answer=Answer.NO, answered_at=now
        )
        await session.execute(statement.on_conflict_do_nothing())
        return False
    was_walking = existing.answer == Answer.YES
    existing.answer, existing.seat, existing.answered_at = Answer.NO, None, now
    await session.flush()
    return was_walking


# -- observations, privacy and statistics --------------------------------------------------------
async def observations(session: AsyncSession, round_id: int) -> list[PatrolObservation]:
    rows = await session.scalars(
        select(PatrolObservation)
        .where(PatrolObservation.round_id == round_id)
        .order_by(PatrolObservation.observed_at, PatrolObservation.id)
    )
    return list(rows)


async def erase_old_observations(session: AsyncSession, before: datetime) -> int:
    """Observation texts may describe people: erased like suspect details (kind and time stay)."""
    rows = list(
        await session.scalars(
            select(PatrolObservation).where(
                PatrolObservation.observed_at < before, PatrolObservation.text.is_not(None)
            )
        )
    )
    for row in rows:
        row.text = None
    await session.flush()
    return len(rows)


@dataclass(frozen=True)
class RoundStats:
    """Counts for /statistiek and the digest: rounds and hours, never people."""

    rounds_walked: int = 0
    hours: float = 0.0
    observations: dict[str, int] = field(default_factory=dict)


async def round_stats(
    session: AsyncSession, area_ids: list[int] | None, since: datetime, until: datetime
) -> RoundStats:
    """Rounds walked (ended) in ``[since, until)`` in these wijken (None: all), their hours (round
    length, not person-hours) and their observations by kind."""
    query = select(PatrolRound).where(
        PatrolRound.status == RoundStatus.WALKED,
        PatrolRound.started_at >= since,
        PatrolRound.started_at < until,
    )
    if area_ids is not None:
        query = query.where(PatrolRound.area_id.in_(area_ids))
    rounds = list(await session.scalars(query))
    seconds = 0.0
    for row in rounds:
        started, ended = aware(row.started_at), aware(row.ended_at)
        if started is not None and ended is not None:
            seconds += max(0.0, (ended - started).total_seconds())
    by_kind: dict[str, int] = {}
    if rounds:
        counted = await session.execute(
            select(PatrolObservation.kind, func.count(PatrolObservation.id))
            .where(PatrolObservation.round_id.in_([row.id for row in rounds]))
            .group_by(PatrolObservation.kind)
        )
        by_kind = {kind: int(count) for kind, count in counted.all()}
    return RoundStats(len(rounds), round(seconds / 3600, 2), by_kind)
