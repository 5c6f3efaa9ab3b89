"""Filing a report: store it, link it to an open incident of the same area, and post or edit cards."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.places.relay import offer_report
from handlers.reports.cards import card_replies
from handlers.reports.categories import Category, compatible
from handlers.reports.draft import Draft
from handlers.reports.linking import DEFAULT_DISTANCE_M, OpenIncident, Sighting, joins, refers_to, sighting
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
    incident_rows,
    link_candidates,
    tap_count,
)


def sighting_of(report: Report, suspect: ReportSuspect | None) -> Sighting:
    """What linking compares of a stored report and its suspect details."""
    return sighting(
        report.street,
        report.house_number,
        report.latitude,
        report.longitude,
        plate=suspect.licence_plate if suspect else None,
        vehicle=suspect.vehicle if suspect else None,
        person=suspect.person if suspect else None,
        direction=suspect.direction if suspect else None,
        called_112=report.called_112,
    )


async def open_incidents(
    session: AsyncSession, area_id: int, since: datetime
) -> list[tuple[Report, OpenIncident]]:
    """The area's open incidents filed since ``since`` (newest first), with their sightings."""
    roots = await link_candidates(session, area_id, since)
    rows = await incident_rows(session, [root.id for root in roots])
    return [
        (root, OpenIncident(root.short_id, tuple(sighting_of(r, s) for r, s in rows.get(root.id, []))))
        for root in roots
    ]


async def find_incident(
    session: AsyncSession,
    report: Report,
    window: timedelta,
    now: datetime,
    *,
    suspect: ReportSuspect | None = None,
    text: str | None = None,
    max_distance_m: float = DEFAULT_DISTANCE_M,
) -> Report | None:
    """The open incident this new report belongs to: places agree and no plate or vehicle differs."""
    if report.area_id is None:
        return None
    new = sighting_of(report, suspect)
    for root, incident in await open_incidents(session, report.area_id, now - window):
        if root.id == report.id:
            continue
        refers = refers_to(text, root.short_id)
        if not refers and not compatible(Category(root.category), Category(report.category)):
            continue
        if joins(new, incident.sightings, max_distance_m=max_distance_m, refers=refers):
            return root
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
    incident: Report | None = None,
) -> tuple[Report, Report, list[Reply]]:
    """Store the report; returns it, the incident root, and the card replies (new card or edits).

    ``incident``: the open incident this report is already known to belong to (a second witness).
    """
    now = services.clock.now()
    report = _report(draft, area_id, chat, reporter, source, now)
    await place_report(session, services, report)
    suspect = _suspect(draft)
    await add_report(session, report, suspect)
    window = timedelta(minutes=services.settings.report_link_window_minutes)
    distance = float(services.settings.report_link_distance_metres)
    root = incident or await find_incident(
        session, report, window, now, suspect=suspect, text=draft.free_text, max_distance_m=distance
    )
    relays = await offer_report(session, services, report) if draft.urgent(now) else []
    if root is None:
        cards = await card_replies(session, report, services.settings.tz, edit=False)
        return report, report, [*cards, *relays]
    report.incident_id = root.id
    root.updated_at = now
    await session.flush()
    return report, root, [*await card_replies(session, root, services.settings.tz, edit=True), *relays]


async def place_report(session: AsyncSession, services: Services, report: Report) -> None:
    """A shared location decides the buurt and the wijk: a report from a group of wijk A about a
    spot in wijk B is filed in B (its card also goes to the group it came from). Only a report that
    may post into a wijk at all moves: an unlinked group's pin does not reach B's groups."""
    if report.latitude is not None and report.longitude is not None:
        index = await services.places.index(session)
        placement = index.locate(report.latitude, report.longitude)
    elif report.street and (code := services.places.buurt_of_street(report.street)):
        index = await services.places.index(session)
        placement = index.by_code(code)  # the municipality's street list (STREETS_FILE)
    else:
        return  # nothing to place: the geometry is not even loaded
    if placement is None:
        return
    report.buurt_code = placement.buurt.code if placement.buurt else None
    if placement.wijk is not None and report.area_id is not None:
        report.area_id = placement.wijk.id


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
