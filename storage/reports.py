"""Reports, their suspect details (kept apart so they can be purged), taps and repository functions.

Reporters appear only as the keyed pseudonym of ``people.pseudonym``; raw platform ids never enter
these tables. Suspect details (person, vehicle, plate, direction, the resident's own words) live in
``report_suspects`` so the retention purge can delete them while category, area, time and status
stay for statistics.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, OutboxMessage, OutboxStatus


class ReportStatus(StrEnum):
    OPEN = "open"
    DOORGEGEVEN = "doorgegeven"
    CLOSED = "closed"


class Outcome(StrEnum):
    LOOS_ALARM = "loos_alarm"
    OPGELOST = "opgelost"
    AANGEHOUDEN = "aangehouden"
    ONBEKEND = "onbekend"


class TapKind(StrEnum):
    CALLED = "called"  # "Ik heb 112 gebeld"
    SEEN = "seen"  # "Ik zie het ook"


_STATS_COLUMNS = ("category", "incident_id", "called_112", "closed_at", "forwarded_at", "id")


class Report(Base):
    __tablename__ = "reports"
    # Covering indexes for /statistiek and the digest (migration 0017_statistics).
    __table_args__ = (
        Index("ix_reports_area_stats", "area_id", "created_at", *_STATS_COLUMNS),
        Index("ix_reports_created_stats", "created_at", *_STATS_COLUMNS),
        Index("ix_reports_buurt_created", "buurt_code", "created_at"),
        Index("ix_reports_open", "status", "area_id", "incident_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    short_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(30))  # an id of handlers.understanding.taxonomy.Category
    in_progress: Mapped[bool | None] = mapped_column(Boolean)  # happening now (inbraak bezig, geweld nu)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.OPEN, index=True)
    reporter_pseudonym: Mapped[str | None] = mapped_column(String(32), index=True)
    called_112: Mapped[bool | None] = mapped_column(Boolean)
    occurred_at: Mapped[datetime | None]
    time_phrase: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    buurt_code: Mapped[str | None] = mapped_column(String(12))  # where a shared location lies
    source: Mapped[str] = mapped_column(String(20), default="dialog")  # dialog | oneline | group_text
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    forwarded_at: Mapped[datetime | None]  # first "Doorgegeven aan politie" (statistics)
    suspect_purged_at: Mapped[datetime | None]
    # How a closed incident ended, when a coordinator said so on the dashboard (see Outcome).
    outcome: Mapped[str | None] = mapped_column(String(20))


class ReportSuspect(Base):
    """Everything about a suspect and the resident's own words: erased after the retention period."""

    __tablename__ = "report_suspects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    person: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    vehicle: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    licence_plate: Mapped[str | None] = mapped_column(String(16))
    direction: Mapped[str | None] = mapped_column(String(200))
    free_text: Mapped[str | None] = mapped_column(Text)


class ReportTap(Base):
    """One tap per person, report and kind ("112 gebeld", "ik zie het ook")."""

    __tablename__ = "report_taps"
    __table_args__ = (UniqueConstraint("report_id", "pseudonym", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]


def short_id_for(number: int) -> str:
    return f"M-{number:04d}"


async def add_report(session: AsyncSession, report: Report, suspect: ReportSuspect | None) -> Report:
    """Store a report; its short id follows from the row id, so it is unique per deployment."""
    session.add(report)
    await session.flush()
    report.short_id = short_id_for(report.id)
    if suspect is not None:
        suspect.report_id = report.id
        session.add(suspect)
    await session.flush()
    return report


async def get_by_short_id(session: AsyncSession, short_id: str) -> Report | None:
    report: Report | None = await session.scalar(select(Report).where(Report.short_id == short_id.upper()))
    return report


async def suspect_of(session: AsyncSession, report_id: int) -> ReportSuspect | None:
    row: ReportSuspect | None = await session.scalar(
        select(ReportSuspect).where(ReportSuspect.report_id == report_id)
    )
    return row


async def incident_members(session: AsyncSession, root_id: int) -> list[Report]:
    """The root report and every report linked to it, oldest first."""
    rows = await session.scalars(
        select(Report).where((Report.id == root_id) | (Report.incident_id == root_id)).order_by(Report.id)
    )
    return list(rows)


async def link_candidates(session: AsyncSession, area_id: int, since: datetime) -> list[Report]:
    """Open root reports of an area filed since ``since``, newest first."""
    rows = await session.scalars(
        select(Report)
        .where(
            Report.area_id == area_id,
            Report.incident_id.is_(None),
            Report.status != ReportStatus.CLOSED,
            Report.created_at >= since,
        )
        .order_by(Report.id.desc())
    )
    return list(rows)


async def incident_rows(
    session: AsyncSession, root_ids: list[int]
) -> dict[int, list[tuple[Report, ReportSuspect | None]]]:
    """Every member of these incidents with its suspect details, per root id, in one query."""
    if not root_ids:
        return {}
    rows = await session.execute(
        select(Report, ReportSuspect)
        .outerjoin(ReportSuspect, ReportSuspect.report_id == Report.id)
        .where(Report.id.in_(root_ids) | Report.incident_id.in_(root_ids))
        .order_by(Report.id)
    )
    grouped: dict[int, list[tuple[Report, ReportSuspect | None]]] = {root: [] for root in root_ids}
    for report, suspect in rows.tuples():
        grouped[report.incident_id or report.id].append((report, suspect))
    return grouped


async def open_reports(session: AsyncSession, area_ids: list[int]) -> list[Report]:
    rows = await session.scalars(
        select(Report)
        .where(
            Report.area_id.in_(area_ids),
            Report.incident_id.is_(None),
            Report.status != ReportStatus.CLOSED,
        )
        .order_by(Report.id)
    )
    return list(rows)


async def add_tap(
    session: AsyncSession, report_id: int, pseudonym: str, kind: TapKind, now: datetime
) -> bool:
    """Record a tap; False when this person had already tapped this (one tap per person)."""
    existing = await session.scalar(
        select(ReportTap.id).where(
            ReportTap.report_id == report_id, ReportTap.pseudonym == pseudonym, ReportTap.kind == kind
        )
    )
    if existing is not None:
        return False
    session.add(ReportTap(report_id=report_id, pseudonym=pseudonym, kind=kind, created_at=now))
    await session.flush()
    return True


async def tap_count(session: AsyncSession, report_id: int, kind: TapKind) -> int:
    count = await session.scalar(
        select(func.count(ReportTap.id)).where(ReportTap.report_id == report_id, ReportTap.kind == kind)
    )
    return int(count or 0)


async def reports_by(session: AsyncSession, pseudonym: str) -> list[Report]:
    rows = await session.scalars(
        select(Report).where(Report.reporter_pseudonym == pseudonym).order_by(Report.id)
    )
    return list(rows)


async def taps_by(session: AsyncSession, pseudonym: str) -> int:
    count = await session.scalar(select(func.count(ReportTap.id)).where(ReportTap.pseudonym == pseudonym))
    return int(count or 0)


def anonymous_pseudonym() -> str:
    """A fresh random stand-in: counts stay right, nobody can link it back to a person."""
    return "anon-" + secrets.token_hex(8)


async def anonymise(session: AsyncSession, pseudonym: str) -> int:
    """Replace a person's pseudonym in reports and taps; returns how many reports were touched."""
    reports = await reports_by(session, pseudonym)
    for report in reports:
        report.reporter_pseudonym = anonymous_pseudonym()
    for tap in await session.scalars(select(ReportTap).where(ReportTap.pseudonym == pseudonym)):
        tap.pseudonym = anonymous_pseudonym()
    await session.flush()
    return len(reports)


async def purge_suspect_data(session: AsyncSession, now: datetime, retention_days: int) -> int:
    """Erase suspect details of reports older than the retention period; returns how many reports.

    Category, area, street, time and status stay. House numbers and coordinates go too: they can
    point at someone's home. Sent report cards in the outbox carry the same details, so their stored
    payloads are emptied as well.
    """
    cutoff = now - timedelta(days=retention_days)
    old = select(Report.id).where(Report.created_at < cutoff, Report.suspect_purged_at.is_(None))
    ids = list(await session.scalars(old))
    if ids:
        await session.execute(delete(ReportSuspect).where(ReportSuspect.report_id.in_(ids)))
        await session.execute(
            update(Report)
            .where(Report.id.in_(ids))
            .values(house_number=None, latitude=None, longitude=None, suspect_purged_at=now)
        )
    await _scrub_card_payloads(session, cutoff)
    await session.flush()
    return len(ids)


async def _scrub_card_payloads(session: AsyncSession, cutoff: datetime) -> None:
    rows = await session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status != OutboxStatus.PENDING, OutboxMessage.created_at < cutoff
        )
    )
    for row in rows:
        payload = row.payload or {}
        name = str(payload.get("track") or payload.get("edit") or "")
        if name.startswith("card:") and payload.get("parts"):
            row.payload = {"parts": [], "purged": True}
