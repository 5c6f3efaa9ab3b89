"""How a round reads in a message: its day and times in ``TIMEZONE``, walkers by first name only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.types import Msg
from storage.models import Area, Person
from storage.outbox import aware
from storage.patrols import PatrolRound


def local(moment: datetime, tz: tzinfo) -> datetime:
    value = aware(moment)
    assert value is not None
    return value.astimezone(tz)


def first_name(person: Person) -> str:
    """Only the first name reaches the team: "Karin de Vries" → "Karin"."""
    words = (person.display_name or "").split()
    return words[0] if words else "?"


def names(people: Sequence[Person]) -> str:
    return ", ".join(first_name(person) for person in people) or "-"


async def area_name(session: AsyncSession, row: PatrolRound) -> str:
    area = await session.get(Area, row.area_id) if row.area_id is not None else None
    return area.name if area is not None else "-"


def when(row: PatrolRound, tz: tzinfo) -> Msg:
    """``di 01-12 20:00–22:00``."""
    start, end = local(row.starts_at, tz), local(row.ends_at, tz)
    return Msg.of(
        "patrols.span",
        day=Msg.of(f"patrols.day.{start.weekday()}"),
        date=start.strftime("%d-%m"),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
    )


def clock_time(moment: datetime, tz: tzinfo) -> str:
    return local(moment, tz).strftime("%H:%M")
