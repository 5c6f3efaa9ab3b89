"""Reports for the dashboard: the filtered list, one incident's page, and the coordinator's actions.

Only coordinators (their own wijken with the buurten in them) and beheerders read reports; any
other viewer, or a report outside the viewer's wijken, is simply "not found" (None), so a URL does
not even tell whether the report exists. Actions queue the same card edits and closing messages as
the chat buttons (handlers/reports/actions.py), through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.dashboard.viewer import Viewer
from handlers.reports.actions import close
from handlers.reports.cards import Card, card_lines, card_replies, load_card, place_text
from handlers.reports.categories import label
from handlers.services import Services
from handlers.types import Msg, Reply
from handlers.understanding.taxonomy import Category
from storage.chats import get_chat
from storage.models import Area
from storage.outbox import aware
from storage.reports import (
    Outcome,
    Report,
    ReportStatus,
    ReportSuspect,
    ReportTap,
    get_by_short_id,
    incident_members,
)

PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365, "alles": None}
DEFAULT_PERIOD = "30"
LIST_LIMIT = 200
SOURCES = frozenset({"dialog", "oneline", "group_text"})  # how a report came in (else "other")


@dataclass(frozen=True)
class ListFilters:
    wijk: int | None = None
    category: str | None = None
    status: str | None = None
    period: str = DEFAULT_PERIOD

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ListFilters:
        """Unknown values fall back to "no filter" instead of an error page."""
        wijk = query.get("wijk", "")
        status = query.get("status", "")
        period = query.get("periode", DEFAULT_PERIOD)
        category = query.get("soort", "")[:30]
        return cls(
            wijk=int(wijk) if wijk.isdigit() else None,
            category=category or None,
            status=status if status in {s.value for s in ReportStatus} else None,
            period=period if period in PERIODS else DEFAULT_PERIOD,
        )


@dataclass(frozen=True)
class ListRow:
    short_id: str
    created_at: datetime
    category: Msg
    wijk: str
    place: str | Msg | None
    status: str
    linked: int


@dataclass(frozen=True)
class Listing:
    rows: list[ListRow]
    wijken: list[Area]
    categories: list[tuple[str, Msg]]
    truncated: bool


async def _wijk_names(session: AsyncSession) -> dict[int, str]:
    """Area id → the name of its wijk (a buurt's parent)."""
    rows = list((await session.execute(select(Area.id, Area.name, Area.kind, Area.parent_id))).tuples())
    names = {area_id: name for area_id, name, _, _ in rows}
    return {
        area_id: names.get(parent_id, name) if kind == "buurt" and parent_id else name
        for area_id, name, kind, parent_id in rows
    }


async def _area_ids(session: AsyncSession, viewer: Viewer, wijk: int | None) -> list[int] | None:
    """Report area ids to show: the chosen wijk with its buurten, limited to what the viewer sees."""
    if wijk is None:
        return None if viewer.is_beheerder else sorted(viewer.visible)
    ids = {wijk, *await session.scalars(select(Area.id).where(Area.parent_id == wijk))}
    return sorted(ids if viewer.is_beheerder else ids & viewer.visible)


async def list_reports(
    session: AsyncSession, services: Services, viewer: Viewer, filters: ListFilters
) -> Listing | None:
    if not viewer.reads_reports:
        return None
    area_ids = await _area_ids(session, viewer, filters.wijk)
    # ``+incident_id``: without the unary plus SQLite walks ix_reports_incident_id (nearly every row is
    # NULL there) instead of the area/created_at index: 600 ms → 7 ms for a coordinator on 1M reports.
    unindexed_root = literal_column("+reports.incident_id").is_(None)
    query = select(Report).where(unindexed_root).order_by(Report.id.desc()).limit(LIST_LIMIT + 1)
    if area_ids is not None:
        query = query.where(Report.area_id.in_(area_ids))
    if filters.category:
        query = query.where(Report.category == filters.category)
    if filters.status:
        query = query.where(Report.status == filters.status)
    days = PERIODS[filters.period]
    if days is not None:
        query = query.where(Report.created_at >= services.clock.now() - timedelta(days=days))
    found = list(await session.scalars(query))
    linked = await _linked_counts(session, [r.id for r in found[:LIST_LIMIT]])
    names = await _wijk_names(session)
    rows = [
        ListRow(
            short_id=report.short_id or "",
            created_at=aware(report.created_at) or report.created_at,
            category=label(report.category, report.in_progress),
            wijk=names.get(report.area_id, "-") if report.area_id is not None else "-",
            place=place_text(report),
            status=report.status,
            linked=linked.get(report.id, 0),
        )
        for report in found[:LIST_LIMIT]
    ]
    wijken = await _visible_wijken(session, viewer)
    categories = [(c.value, label(c.value)) for c in Category]
    return Listing(rows, wijken, categories, len(found) > LIST_LIMIT)


async def _linked_counts(session: AsyncSession, root_ids: list[int]) -> dict[int, int]:
    """How many reports joined each of these incidents (one grouped query over the shown rows only)."""
    if not root_ids:
        return {}
    rows = await session.execute(
        select(Report.incident_id, func.count())
        .where(Report.incident_id.in_(root_ids))
        .group_by(Report.incident_id)
    )
    return {int(root): int(count) for root, count in rows.tuples() if root is not None}


async def _visible_wijken(session: AsyncSession, viewer: Viewer) -> list[Area]:
    query = select(Area).where(Area.kind == "wijk").order_by(Area.name)
    if not viewer.is_beheerder:
        query = query.where(Area.id.in_(sorted(viewer.coordinated)))
    return list(await session.scalars(query))


# -- one incident ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    short_id: str
    created_at: datetime
    place: str | Msg | None
    words: str | None  # the resident's own words, while retained


@dataclass(frozen=True)
class Event:
    at: datetime
    what: Msg


@dataclass(frozen=True)
class Detail:
    root: Report
    heading: Msg
    card: Card
    lines: list[Msg]
    words: str | None
    witnesses: list[Witness]
    timeline: list[Event]
    erase_on: datetime  # when the suspect details go (or went)
    erased: bool
    outcomes: tuple[str, ...] = field(default_factory=lambda: tuple(o.value for o in Outcome))

    @property
    def is_closed(self) -> bool:
        return self.root.status == ReportStatus.CLOSED


async def visible_root(session: AsyncSession, viewer: Viewer, short_id: str) -> Report | None:
    """The incident (root report) behind ``short_id`` when the viewer may read it, else None."""
    if not viewer.reads_reports or len(short_id) > 16:
        return None
    report = await get_by_short_id(session, short_id)
    if report is not None and report.incident_id is not None:
        report = await session.get(Report, report.incident_id)
    if report is None or not viewer.sees_report_of(report.area_id):
        return None
    return report


async def report_detail(session: AsyncSession, services: Services, root: Report) -> Detail:
    tz = services.settings.tz
    card = await load_card(session, root)
    members = await incident_members(session, root.id)
    words = {
        s.report_id: s.free_text
        for s in await session.scalars(
            select(ReportSuspect).where(ReportSuspect.report_id.in_([m.id for m in members]))
        )
    }
    retention = timedelta(days=services.settings.suspect_data_retention_days)
    witnesses = [
        Witness(m.short_id or "", aware(m.created_at) or m.created_at, place_text(m), words.get(m.id))
        for m in members
        if m.id != root.id
    ]
    return Detail(
        root=root,
        heading=Msg.of(
            "dashboard.report.title", id=root.short_id or "", category=label(root.category, root.in_progress)
        ),
        card=card,
        lines=card_lines(card, tz)[1:],  # without the title line: the page has its own heading
        words=words.get(root.id),
        witnesses=witnesses,
        timeline=await _timeline(session, root, members),
        erase_on=aware(root.suspect_purged_at) or (aware(root.created_at) or root.created_at) + retention,
        erased=root.suspect_purged_at is not None,
    )


async def _timeline(session: AsyncSession, root: Report, members: list[Report]) -> list[Event]:
    source = root.source if root.source in SOURCES else "other"
    events = [Event(aware(root.created_at) or root.created_at, Msg.of(f"dashboard.timeline.{source}"))]
    events += [
        Event(aware(m.created_at) or m.created_at, Msg.of("dashboard.timeline.witness", id=m.short_id or ""))
        for m in members
        if m.id != root.id
    ]
    for tap in await session.scalars(select(ReportTap).where(ReportTap.report_id == root.id)):
        events.append(
            Event(aware(tap.created_at) or tap.created_at, Msg.of(f"dashboard.timeline.{tap.kind}"))
        )
    if root.forwarded_at is not None:
        events.append(
            Event(aware(root.forwarded_at) or root.forwarded_at, Msg.of("dashboard.timeline.forwarded"))
        )
    if root.closed_at is not None:
        outcome = Msg.of(f"dashboard.outcome.{root.outcome}") if root.outcome else None
        key = "dashboard.timeline.closed_with" if outcome else "dashboard.timeline.closed"
        params = {"outcome": outcome} if outcome else {}
        events.append(Event(aware(root.closed_at) or root.closed_at, Msg.of(key, **params)))
    if root.suspect_purged_at is not None:
        events.append(
            Event(
                aware(root.suspect_purged_at) or root.suspect_purged_at, Msg.of("dashboard.timeline.purged")
            )
        )
    return sorted(events, key=lambda event: event.at)


# -- actions --------------------------------------------------------------------------------------


async def queue(session: AsyncSession, services: Services, replies: list[Reply], key: str) -> int:
    """Queue replies that name their chat (cards, closing messages, reporters' notes) in the outbox."""
    queued = 0
    for index, reply in enumerate(replies):
        if reply.target is None:
            continue
        chat = await get_chat(session, reply.target.platform, reply.target.chat_id)
        if chat is not None and await services.outbox.enqueue(session, chat, reply, f"{key}:{index}"):
            queued += 1
    return queued


async def forward(session: AsyncSession, services: Services, root: Report) -> bool:
    """ "Doorgegeven aan politie": False when that no longer applies (already passed on or closed)."""
    if root.status != ReportStatus.OPEN:
        return False
    now = services.clock.now()
    root.status, root.updated_at = ReportStatus.DOORGEGEVEN, now
    root.forwarded_at = root.forwarded_at or now
    await session.flush()
    replies = await card_replies(session, root, services.settings.tz, edit=True)
    await queue(session, services, replies, f"dash:fwd:{root.short_id}")
    return True


async def close_with(session: AsyncSession, services: Services, root: Report, outcome: Outcome) -> bool:
    """Close the incident with an outcome; the groups get the closing message. False if closed."""
    if root.status == ReportStatus.CLOSED:
        return False
    replies = await close(session, services, root, outcome)
    await queue(session, services, replies, f"dash:close:{root.short_id}")
    return True
