"""The send budget shared by every sender worker of one bot: GCRA arrival times in one table.

Telegram's limits are per bot token, not per process, so with ``buurtbot run`` plus ``buurtbot send``
on one PostgreSQL each worker's own counters would together send twice the budget. This table holds
the "theoretical arrival time" (epoch seconds on the workers' clocks) of each budget key:

- ``<platform>:*`` the overall budget (tokens booked just before sending, see ``book_overall``);
- ``<platform>:c:<chat>`` per chat, ``<platform>:g:<chat>`` per group, ``<platform>:b:<chat>`` the
  moment a 429 lets that chat go again.

Why a token table under a transaction advisory lock (and not slot rows claimed with SKIP LOCKED, or
one elected pacer): a booking reads and writes a handful of keys that may not exist yet, which row
locks cannot guard (two inserts of a new chat key race); one advisory lock per platform serialises
bookings for the few milliseconds a batch takes, and a whole batch of chats is one transaction. The
overall key is a single-row upsert, atomic by itself. Slot rows would need pre-generating and
sweeping thousands of rows a minute; an elected pacer needs a hand-off protocol and stalls every
worker when the leader hangs. Measured in ``bench/fanout.py`` (two workers, see README).

Rows whose time has passed mean the same as no row; :func:`forget_passed` deletes them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import Float, String, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

_LOCK_NAMESPACE = 0x62756262  # "bubb": first key of the two-key advisory lock


class SendBudget(Base):
    """One budget key's theoretical arrival time (seconds since the epoch)."""

    __tablename__ = "send_budget"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[float] = mapped_column(Float)


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def lock_platform(session: AsyncSession, platform: str) -> None:
    """Serialise bookings of ``platform`` until this transaction ends (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already lets one writer in at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:platform))"),
            {"ns": _LOCK_NAMESPACE, "platform": platform},
        )


async def read(session: AsyncSession, keys: Collection[str]) -> dict[str, float]:
    if not keys:
        return {}
    rows = await session.execute(select(SendBudget.key, SendBudget.at).where(SendBudget.key.in_(list(keys))))
    return {key: at for key, at in rows.tuples()}


async def write(session: AsyncSession, values: Mapping[str, float]) -> None:
    """Upsert ``values`` (under :func:`lock_platform`, so nobody else wrote them meanwhile)."""
    if not values:
        return
    insert = _insert(session)
    statement = insert(SendBudget).values([{"key": k, "at": v} for k, v in values.items()])
    statement = statement.on_conflict_do_update(index_elements=["key"], set_={"at": statement.excluded.at})
    await session.execute(statement)


async def book_overall(
    session: AsyncSession, key: str, now: float, count: int, interval: float, gap: float = 0.0
) -> float:
    """Book ``count`` consecutive overall slots, ``interval`` apart, after a ``gap`` (lateness this
    worker saw in its last sends); returns when the first is.

    One atomic upsert (the row lock orders concurrent workers), so no advisory lock is needed."""
    insert = _insert(session)
    span = count * interval + gap
    later = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max
    statement = insert(SendBudget).values(key=key, at=now + span)
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={"at": later(SendBudget.at, now) + span}
    )
    booked = await session.scalar(statement.returning(SendBudget.at))
    return float(booked or now + span) - count * interval


async def forget_passed(session: AsyncSession, prefix: str, now: float) -> int:
    """Delete keys whose time has passed (they budget nothing any more); returns how many."""
    result = await session.execute(
        delete(SendBudget).where(SendBudget.key.startswith(prefix), SendBudget.at < now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
