"""The weekly digest's claim log and opt-outs.

A digest row is claimed (unique person × ISO week) in the same transaction that queues the
message, like campaign runs: two workers, a retried job or a restart never send a week twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Person, Role, RoleName


class DigestRun(Base):
    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("person_id", "week", name="uq_digest_runs_person_week"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))  # ISO week in the bot's time zone, "2026-W48"
    claimed_at: Mapped[datetime]


class DigestOptOut(Base):
    """A coordinator who said ``/digest uit``."""

    __tablename__ = "digest_opt_outs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime]


async def claim_digest(session: AsyncSession, person_id: int, week: str, now: datetime) -> bool:
    """True for the one caller that records this person's week; False when it was claimed before."""
    exists = await session.scalar(
        select(DigestRun.id).where(DigestRun.person_id == person_id, DigestRun.week == week)
    )
    if exists is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(DigestRun(person_id=person_id, week=week, claimed_at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def set_digest(session: AsyncSession, person_id: int, on: bool, now: datetime) -> None:
    row = await session.scalar(select(DigestOptOut).where(DigestOptOut.person_id == person_id))
    if not on and row is None:
        session.add(DigestOptOut(person_id=person_id, created_at=now))
    elif on and row is not None:
        await session.delete(row)
    await session.flush()


async def wants_digest(session: AsyncSession, person_id: int) -> bool:
    row = await session.scalar(select(DigestOptOut.id).where(DigestOptOut.person_id == person_id))
    return row is None


async def digest_recipients(session: AsyncSession) -> list[tuple[Person, list[int]]]:
    """Every coordinator with the wijken they coordinate, minus those who switched the digest off."""
    rows = await session.execute(
        select(Person, Role.area_id)
        .join(Role, Role.person_id == Person.id)
        .outerjoin(DigestOptOut, DigestOptOut.person_id == Person.id)
        .where(Role.role == RoleName.COORDINATOR, Role.area_id.is_not(None), DigestOptOut.id.is_(None))
        .order_by(Person.id, Role.area_id)
    )
    recipients: dict[int, tuple[Person, list[int]]] = {}
    for person, area_id in rows.tuples():
        if area_id is not None:
            recipients.setdefault(person.id, (person, []))[1].append(area_id)
    return list(recipients.values())
