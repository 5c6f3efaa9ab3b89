"""Filing a report: store it, link it to an open incident of the same area, and post or edit cards."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.cards import card_replies
from handlers.reports.categories import Category, compatible
from handlers.reports.draft import Draft
from handlers.services import Services
from handlers.types import Reply
from storage.models import Chat, Person
from storage.reports import (
    Report,
    ReportStatus,
    ReportSuspect,
    TapKind,
    add_report,
    incident_members,
    link_candidates,
    tap_count,
)

# Two shared locations further apart than this are different incidents.
NEARBY_METRES = 500.0


def _distance_m(a: Report, b: Report) -> float:
    assert a.latitude is not None and a.longitude is not None
    assert b.latitude is not None and b.longitude is not None
    lat = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude) * math.cos(lat)
    dy = math.radians(b.latitude - a.latitude)
    return 6_371_000 * math.hypot(dx, dy)


def nearby(a: Report, b: Report) -> bool:
    """Same street, or shared locations close together; unknown places do not keep reports apart."""
    if a.street and b.street:
        return a.street.casefold() == b.street.casefold()
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return _distance_m(a, b) <= NEARBY_METRES
    return True


async def find_incident(
    session: AsyncSession, report: Report, window: timedelta, now: datetime
) -> Report | None:
    """The open incident this new report most likely belongs to, or None."""
    if report.area_id is None:
        return None
    for candidate in await link_candidates(session, report.area_id, now - window):
        if candidate.id == report.id:
            continue
        if compatible(Category(candidate.category), Category(report.category)) and nearby(candidate, report):
            return candidate
    return None


def _suspect(draft: Draft) -> ReportSuspect | None:
    fields = (draft.person, draft.vehicle, draft.licence_plate, draft.direction, draft.free_text)
    if not any(fields):
        return None
    return ReportSuspect(
        person=draft.person,
        vehicle=draft.vehicle,
        licence_plate=draft.licence_plate,
        direction=draft.direction,
        free_text=draft.free_text,
    )


def _report(
    draft: Draft, area_id: int | None, chat: Chat | None, reporter: Person | None, source: str, now: datetime
) -> Report:
    return Report(
        area_id=area_id,
        chat_id=chat.id if chat is not None else None,
        category=draft.category or Category.ANDERS.value,
        status=ReportStatus.OPEN,
        reporter_pseudonym=reporter.pseudonym if reporter is not None else None,
        called_112=draft.called_112,
        in_progress=draft.in_progress,
        occurred_at=draft.when,
        time_phrase=draft.time_phrase,
        street=draft.street or (draft.place if draft.place and draft.latitude is None else None),
        house_number=draft.house_number,
        latitude=draft.latitude,
        longitude=draft.longitude,
        source=source,
        created_at=now,
        updated_at=now,
    )


async def file_report(
    session: AsyncSession,
    services: Services,
    draft: Draft,
    *,
    area_id: int | None,
    chat: Chat | None,
    reporter: Person | None,
    source: str,
) -> tuple[Report, Report, list[Reply]]:
    """Store the report; returns it, the incident root, and the card replies (new card or edits)."""
    now = services.clock.now()
    report = _report(draft, area_id, chat, reporter, source, now)
    await add_report(session, report, _suspect(draft))
    window = timedelta(minutes=services.settings.report_link_window_minutes)
    root = await find_incident(session, report, window, now)
    if root is None:
        return report, report, await card_replies(session, report, services.settings.tz, edit=False)
    report.incident_id = root.id
    root.updated_at = now
    await session.flush()
    return report, root, await card_replies(session, root, services.settings.tz, edit=True)


async def incident_called(session: AsyncSession, root: Report) -> bool:
    """Whether anyone reported or tapped "112 gebeld" for this incident."""
    if any(member.called_112 for member in await incident_members(session, root.id)):
        return True
    return await tap_count(session, root.id, TapKind.CALLED) > 0


def bel_112_first(draft: Draft, now: datetime, called: bool = False) -> list[Reply]:
    """ "Bel eerst 112" comes before anything else when there is danger and nobody called yet."""
    if draft.urgent(now) and draft.called_112 is not True and not called:
        return [Reply.say("reports.dialog.call_112_first")]
    return []
