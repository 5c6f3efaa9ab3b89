"""Statistics as queries over what is stored: reports, alerts, campaign posts, groups, subscribers.

Nothing is copied into a statistics table: every figure is a query over ``reports``,
``report_taps``, ``broadcasts``, ``outbox``, ``chats`` and ``area_subscriptions`` for one scope (a
wijk with its buurten, one buurt, or the whole city) and one time range. Medians are computed in
the database (PostgreSQL's ``percentile_cont``; on SQLite one sorted ``LIMIT/OFFSET`` read), so a
year of a wijk never travels to Python. Times are UTC; callers choose the range in local time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alerts import Broadcast, BroadcastStatus
from storage.models import Area, Chat, OutboxMessage
from storage.reports import Report, ReportStatus, ReportTap, TapKind
from storage.whatsapp import AreaSubscription

CAMPAIGN_KEY_PREFIX = "campaign:"  # handlers.campaigns.runner.post_key
# "Open now" as an IN list, so the status index answers it (a != would read every report).
NOT_CLOSED = tuple(status.value for status in ReportStatus if status is not ReportStatus.CLOSED)


@dataclass(frozen=True)
class Scope:
    """Where: ``area_ids`` None is the whole city; a buurt also matches reports by ``buurt_code``."""

    name: str
    area_ids: tuple[int, ...] | None = None
    buurt_code: str | None = None
    inhabitants: int | None = None

    @property
    def is_city(self) -> bool:
        return self.area_ids is None


@dataclass(frozen=True)
class ReportFigures:
    reports: int = 0  # every report filed in the range, linked witnesses included
    linked: int = 0  # reports that joined an earlier report of the same incident
    called_112: int = 0  # reports where 112 was called (said in the report, or a tap on its card)
    in_progress: int | None = None  # "het gebeurt nu" reports, once reports.in_progress exists
    by_category: dict[str, int] = field(default_factory=dict)
    open_now: int = 0  # incidents not closed, filed at any time
    median_to_forwarded: float | None = None  # seconds from filing to "doorgegeven aan politie"
    median_to_closed: float | None = None  # seconds from filing to closing

    @property
    def called_share(self) -> float | None:
        return self.called_112 / self.reports if self.reports else None


@dataclass(frozen=True)
class AlertFigures:
    sent: int = 0
    delivered: int = 0  # chats reached
    failed: int = 0


@dataclass(frozen=True)
class Statistics:
    scope: Scope
    start: datetime
    end: datetime
    reports: ReportFigures
    alerts: dict[str, AlertFigures]  # by alert type ("bericht" for free text)
    campaign_posts: int
    groups: int
    subscribers: int

    @property
    def per_1000(self) -> float | None:
        """Reports per 1,000 inhabitants in the range, where the area knows its population."""
        if not self.scope.inhabitants:
            return None
        return self.reports.reports * 1000 / self.scope.inhabitants


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def report_scope(scope: Scope) -> ColumnElement[bool]:
    if scope.area_ids is None:
        return true()
    in_area = Report.area_id.in_(scope.area_ids)
    return or_(in_area, Report.buurt_code == scope.buurt_code) if scope.buurt_code else in_area


def _called() -> ColumnElement[bool]:
    # An uncorrelated IN: hashed once per query (PostgreSQL) or built once as a temporary index
    # (SQLite), instead of one tap look-up per report.
    tapped = Report.id.in_(select(ReportTap.report_id).where(ReportTap.kind == TapKind.CALLED.value))
    return or_(Report.called_112.is_(True), tapped)


def _in_progress_sum() -> ColumnElement[int]:
    """Counts ``reports.in_progress`` once the taxonomy's migration added it; a constant 0 before."""
    column = getattr(Report, "in_progress", None)
    if column is None:
        return literal(0)
    return func.sum(case((column.is_(True), 1), else_=0))


def seconds_between(session: AsyncSession, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in seconds, in SQL."""
    if dialect(session) == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.extract("epoch", end - start), Float)


async def median_seconds(
    session: AsyncSession, start: Any, end: Any, where: ColumnElement[bool], count: int | None = None
) -> float | None:
    """The median of ``end - start`` over rows where ``end`` is set (None when there are none).

    ``count`` is how many such rows there are, when the caller already knows (saves a pass)."""
    where = and_(where, end.is_not(None))
    span = seconds_between(session, start, end)
    if count == 0:
        return None
    if dialect(session) != "sqlite":
        value = await session.scalar(select(func.percentile_cont(0.5).within_group(span)).where(where))
        return float(value) if value is not None else None
    if count is None:
        count = int(await session.scalar(select(func.count()).select_from(Report).where(where)) or 0)
    if count == 0:
        return None
    middle = select(span).where(where).order_by(span).limit(2 - count % 2).offset((count - 1) // 2)
    values = [float(v) for v in await session.scalars(middle)]
    return sum(values) / len(values)


async def report_figures(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime
) -> ReportFigures:
    in_range = and_(report_scope(scope), Report.created_at >= start, Report.created_at < end)
    rows = await session.execute(
        select(
            Report.category,
            func.count(),
            func.sum(case((Report.incident_id.is_not(None), 1), else_=0)),
            func.sum(case((_called(), 1), else_=0)),
            _in_progress_sum(),
            func.sum(
                case((and_(Report.incident_id.is_(None), Report.forwarded_at.is_not(None)), 1), else_=0)
            ),
            func.sum(case((and_(Report.incident_id.is_(None), Report.closed_at.is_not(None)), 1), else_=0)),
        )
        .where(in_range)
        .group_by(Report.category)
    )
    by_category: dict[str, int] = {}
    linked = called = ongoing = forwarded = closed = 0
    for category, count, linked_count, called_count, ongoing_count, fwd_count, closed_count in rows.tuples():
        by_category[str(category)] = int(count)
        linked += int(linked_count or 0)
        called += int(called_count or 0)
        ongoing += int(ongoing_count or 0)
        forwarded += int(fwd_count or 0)
        closed += int(closed_count or 0)
    open_now = await open_count(session, scope)
    # Not "incident_id IS NULL": without statistics SQLite would walk that index (nearly every row).
    roots = and_(in_range, func.coalesce(Report.incident_id, 0) == 0)
    return ReportFigures(
        reports=sum(by_category.values()),
        linked=linked,
        called_112=called,
        in_progress=ongoing if getattr(Report, "in_progress", None) is not None else None,
        by_category=by_category,
        open_now=open_now,
        median_to_forwarded=await median_seconds(
            session, Report.created_at, Report.forwarded_at, roots, forwarded
        ),
        median_to_closed=await median_seconds(session, Report.created_at, Report.closed_at, roots, closed),
    )


async def open_count(session: AsyncSession, scope: Scope) -> int:
    """Incidents (root reports) of the scope not closed yet, whenever they were filed."""
    count = await session.scalar(
        select(func.count())
        .select_from(Report)
        .where(report_scope(scope), Report.incident_id.is_(None), Report.status.in_(NOT_CLOSED))
    )
    return int(count or 0)


async def alert_figures(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime
) -> dict[str, AlertFigures]:
    """Sent broadcasts by type; a broadcast counts for a wijk when the wijk was among its areas."""
    rows = await session.execute(
        select(
            Broadcast.kind, Broadcast.alert_type, Broadcast.area_ids, Broadcast.delivered, Broadcast.failed
        )
        .where(
            Broadcast.created_at >= start,
            Broadcast.created_at < end,
            Broadcast.status.in_((BroadcastStatus.QUEUED.value, BroadcastStatus.DONE.value)),
        )
        .order_by(Broadcast.id)
    )
    wanted = set(scope.area_ids or ())
    sums: dict[str, list[int]] = {}
    for kind, alert_type, area_ids, delivered, failed in rows.tuples():
        if wanted and not wanted.intersection(area_ids or ()):
            continue
        total = sums.setdefault(alert_type or kind, [0, 0, 0])
        total[0] += 1
        total[1] += int(delivered or 0)
        total[2] += int(failed or 0)
    return {name: AlertFigures(*values) for name, values in sorted(sums.items())}


async def campaign_posts(session: AsyncSession, scope: Scope, start: datetime, end: datetime) -> int:
    """Campaign posts queued for the scope's groups in the range (each post is one outbox row)."""
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.idempotency_key.like(CAMPAIGN_KEY_PREFIX + "%"),
            OutboxMessage.created_at >= start,
            OutboxMessage.created_at < end,
        )
    )
    if scope.area_ids is not None:
        query = query.join(Chat, Chat.id == OutboxMessage.chat_id).where(Chat.area_id.in_(scope.area_ids))
    return int(await session.scalar(query) or 0)


async def reach(session: AsyncSession, scope: Scope) -> tuple[int, int]:
    """Active groups and WhatsApp subscribers (distinct chats) of the scope, now."""
    groups = select(func.count()).select_from(Chat).where(Chat.kind == "group", Chat.active.is_(True))
    subscribers = select(func.count(func.distinct(AreaSubscription.chat_id)))
    if scope.area_ids is not None:
        groups = groups.where(Chat.area_id.in_(scope.area_ids))
        subscribers = subscribers.where(AreaSubscription.area_id.in_(scope.area_ids))
    else:
        groups = groups.where(Chat.area_id.is_not(None))
    return int(await session.scalar(groups) or 0), int(await session.scalar(subscribers) or 0)


async def statistics(session: AsyncSession, scope: Scope, start: datetime, end: datetime) -> Statistics:
    groups, subscribers = await reach(session, scope)
    return Statistics(
        scope=scope,
        start=start,
        end=end,
        reports=await report_figures(session, scope, start, end),
        alerts=await alert_figures(session, scope, start, end),
        campaign_posts=await campaign_posts(session, scope, start, end),
        groups=groups,
        subscribers=subscribers,
    )


# -- scopes --------------------------------------------------------------------------------------


async def area_scope(session: AsyncSession, area: Area) -> Scope:
    """A wijk with its buurten (reports may be filed on either), or one buurt."""
    children = list(await session.scalars(select(Area.id).where(Area.parent_id == area.id)))
    buurt_code = area.code if area.kind == "buurt" else None
    return Scope(area.name, (area.id, *children), buurt_code, area.inhabitants)


async def city_scope(session: AsyncSession, name: str) -> Scope:
    """The whole city; its population is known when every wijk knows its own."""
    rows = list(await session.scalars(select(Area.inhabitants).where(Area.kind == "wijk")))
    inhabitants = sum(rows) if rows and all(r is not None for r in rows) else None  # type: ignore[arg-type]
    return Scope(name, None, None, inhabitants)


# -- series --------------------------------------------------------------------------------------


async def created_in(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime
) -> list[tuple[datetime, str]]:
    """(created_at, category) of the scope's reports in the range: a few hundred rows for a chart."""
    rows = await session.execute(
        select(Report.created_at, Report.category)
        .where(report_scope(scope), Report.created_at >= start, Report.created_at < end)
        .order_by(Report.created_at)
    )
    return [(as_utc(created), str(category)) for created, category in rows.tuples()]


def bucket_counts(rows: Sequence[tuple[datetime, str]], starts: Sequence[datetime]) -> dict[str, list[int]]:
    """Category → count per bucket; ``starts`` are ascending bucket starts, the last one open-ended."""
    counts: dict[str, Counter[int]] = {}
    for created, category in rows:
        index = max((i for i, s in enumerate(starts) if created >= s), default=-1)
        if index >= 0:
            counts.setdefault(category, Counter())[index] += 1
    return {c: [per[i] for i in range(len(starts))] for c, per in sorted(counts.items())}
