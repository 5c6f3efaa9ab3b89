"""The overview's figures per wijk in two grouped queries: reports in recent windows, and open ones.

Reports filed on a buurt count for its wijk. The windows are the last 7 and 30 days and, to compare
with, the 8 weeks before each of them (so 86 days are read at most, through the created_at index).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Area
from storage.reports import Report
from storage.statistics import NOT_CLOSED

WEEK, MONTH, BEFORE = timedelta(days=7), timedelta(days=30), timedelta(weeks=8)
# The windows are read again when a report is filed or this many seconds have passed; open counts are
# always read live (a closed report leaves "open" at once).
WINDOW_REUSE_SECONDS = 300
# (newest report id, time bucket) → window counts per wijk; bounded, kept by the caller per web app.
WindowMemo = MutableMapping[tuple[int, int], dict[int, "WijkCounts"]]


@dataclass
class WijkCounts:
    last_7: int = 0
    last_30: int = 0
    before_7: int = 0  # the 8 weeks before the last 7 days
    before_30: int = 0  # the 8 weeks before the last 30 days
    open_now: int = 0


async def wijk_of_area(session: AsyncSession) -> dict[int, int]:
    """Area id → the id of its wijk (a wijk maps to itself)."""
    rows = await session.execute(select(Area.id, Area.kind, Area.parent_id))
    return {
        area_id: (parent_id if kind == "buurt" and parent_id is not None else area_id)
        for area_id, kind, parent_id in rows.tuples()
    }


def _between(start: datetime, end: datetime) -> ColumnElement[int]:
    return func.sum(case((and_(Report.created_at >= start, Report.created_at < end), 1), else_=0))


async def wijk_counts(
    session: AsyncSession, now: datetime, memo: WindowMemo | None = None
) -> dict[int, WijkCounts]:
    """Per wijk the recent windows and the open reports. With ``memo`` the windows (86 days of
    reports, the costly part) are reused until a report is filed or WINDOW_REUSE_SECONDS pass."""
    wijk = await wijk_of_area(session)
    key = (
        int(await session.scalar(select(func.max(Report.id))) or 0),
        int(now.timestamp()) // WINDOW_REUSE_SECONDS,
    )
    windows = memo.get(key) if memo is not None else None
    if windows is None:
        windows = await _window_counts(session, now, wijk)
        if memo is not None:
            memo.clear()  # only the newest key is ever asked again
            memo[key] = windows
    counts = {wijk_id: replace(row) for wijk_id, row in windows.items()}
    opened = await session.execute(
        select(Report.area_id, func.count())
        .where(Report.status.in_(NOT_CLOSED), Report.incident_id.is_(None), Report.area_id.is_not(None))
        .group_by(Report.area_id)
    )
    for area_id, count in opened.tuples():
        if area_id is None:
            continue
        counts.setdefault(wijk.get(area_id, area_id), WijkCounts()).open_now += int(count)
    return counts


async def _window_counts(session: AsyncSession, now: datetime, wijk: dict[int, int]) -> dict[int, WijkCounts]:
    counts: dict[int, WijkCounts] = {}
    windows = await session.execute(
        select(
            Report.area_id,
            _between(now - WEEK, now),
            _between(now - MONTH, now),
            _between(now - WEEK - BEFORE, now - WEEK),
            _between(now - MONTH - BEFORE, now - MONTH),
        )
        .where(Report.created_at >= now - MONTH - BEFORE, Report.area_id.is_not(None))
        .group_by(Report.area_id)
    )
    for area_id, last_7, last_30, before_7, before_30 in windows.tuples():
        if area_id is None:
            continue
        row = counts.setdefault(wijk.get(area_id, area_id), WijkCounts())
        row.last_7 += int(last_7 or 0)
        row.last_30 += int(last_30 or 0)
        row.before_7 += int(before_7 or 0)
        row.before_30 += int(before_30 or 0)
    return counts
