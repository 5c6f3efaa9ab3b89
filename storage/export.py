"""Reports as minimised rows for exports and Open311: what a partner may see, and nothing more.

A row carries the short id, category, wijk and buurt code, the hour it was filed, a location
rounded to the buurt's centroid (or a 100 m grid cell, or the wijk's centroid), status, hours to
close, whether 112 was called and how many reports joined it. It never carries free text, suspect
details, vehicles, plates, streets, house numbers, names or platform ids: the query below does not
even select them. The reporter is a keyed hash salted per export, so two exports cannot be joined
on it. Rows are streamed from the database (``yield_per``), so a year never sits in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry import shape
from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Area
from storage.reports import Report, ReportTap, TapKind
from storage.statistics import as_utc

GRID_METRES = 100.0
METRES_PER_DEGREE = 111_320.0
BATCH = 1000


@dataclass(frozen=True)
class PlaceInfo:
    wijk_code: str | None
    wijk_name: str
    buurt_code: str | None
    centroid: tuple[float, float] | None  # (longitude, latitude)


@dataclass(frozen=True)
class ExportPlaces:
    """Areas by id and buurt centroids by code, read once per export (a few hundred rows)."""

    by_id: dict[int, PlaceInfo] = field(default_factory=dict)
    buurt_centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    wijk_names: dict[str, str] = field(default_factory=dict)  # wijk code → name
    wijk_centroids: dict[str, tuple[float, float]] = field(default_factory=dict)


async def load_places(session: AsyncSession) -> ExportPlaces:
    rows = list(
        await session.execute(select(Area.id, Area.name, Area.kind, Area.code, Area.parent_id, Area.geometry))
    )
    areas = {row.id: row for row in rows}
    by_id: dict[int, PlaceInfo] = {}
    centroids: dict[str, tuple[float, float]] = {}
    names: dict[str, str] = {}
    wijk_centroids: dict[str, tuple[float, float]] = {}
    for row in rows:
        centroid = _centroid(row.geometry)
        parent = areas.get(row.parent_id) if row.parent_id is not None else None
        wijk = parent if row.kind == "buurt" and parent is not None else row
        buurt_code = row.code if row.kind == "buurt" else None
        by_id[row.id] = PlaceInfo(wijk.code, wijk.name, buurt_code, centroid)
        if buurt_code and centroid:
            centroids[buurt_code] = centroid
        if wijk.code:
            names[wijk.code] = wijk.name
        if row.kind == "wijk" and row.code and centroid:
            wijk_centroids[row.code] = centroid
    return ExportPlaces(by_id, centroids, names, wijk_centroids)


def _centroid(geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    if not geometry:
        return None
    try:
        point = shape(geometry).centroid
    except (ValueError, TypeError, AttributeError):  # a broken outline: no centroid, the row stays
        return None
    return (round(point.x, 5), round(point.y, 5)) if not point.is_empty else None


def grid_point(latitude: float, longitude: float, metres: float = GRID_METRES) -> tuple[float, float]:
    """The centre of the ``metres`` grid cell a point lies in, as (longitude, latitude)."""
    lat_step = metres / METRES_PER_DEGREE
    lat = (math.floor(latitude / lat_step) + 0.5) * lat_step
    lon_step = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    lon = (math.floor(longitude / lon_step) + 0.5) * lon_step
    return round(lon, 5), round(lat, 5)


class Pseudonymiser:
    """A fresh random salt per export run: the same reporter has one code within an export only."""

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = salt or secrets.token_bytes(32)

    def __call__(self, pseudonym: str | None) -> str | None:
        if not pseudonym:
            return None
        return hmac.new(self._salt, pseudonym.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class ExportRow:
    id: str
    category: str
    in_progress: bool | None  # "het gebeurt nu" (once reports.in_progress exists; None before)
    wijk_code: str | None
    buurt_code: str | None
    time: str  # filed, rounded down to the hour, UTC (ISO 8601)
    longitude: float | None
    latitude: float | None
    location_precision: str | None  # "buurt", "grid_100m" or "wijk"
    status: str
    hours_to_close: float | None
    called_112: bool
    linked: int
    reporter: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FIELDS: tuple[str, ...] = tuple(ExportRow.__dataclass_fields__)


@dataclass(frozen=True)
class Filters:
    start: datetime | None = None
    end: datetime | None = None
    where: ColumnElement[bool] = field(default_factory=true)  # e.g. storage.statistics.report_scope
    categories: Sequence[str] | None = None
    short_id: str | None = None
    limit: int | None = None


def report_query(filters: Filters) -> Select[Any]:
    """Only the columns a minimised row needs; linked counts and taps as grouped outer joins."""
    linked = (
        select(Report.incident_id.label("root"), func.count().label("n"))
        .where(Report.incident_id.is_not(None))
        .group_by(Report.incident_id)
        .subquery()
    )
    tapped = (
        select(ReportTap.report_id.label("report_id"))
        .where(ReportTap.kind == TapKind.CALLED.value)
        .group_by(ReportTap.report_id)
        .subquery()
    )
    query = (
        select(
            Report.short_id,
            Report.category,
            Report.status,
            Report.area_id,
            Report.buurt_code,
            Report.created_at,
            Report.updated_at,
            Report.closed_at,
            Report.called_112,
            Report.latitude,
            Report.longitude,
            Report.reporter_pseudonym,
            func.coalesce(linked.c.n, 0).label("linked"),
            tapped.c.report_id.is_not(None).label("tapped"),
            *_optional_columns(),
        )
        .outerjoin(linked, linked.c.root == Report.id)
        .outerjoin(tapped, tapped.c.report_id == Report.id)
        .where(filters.where)
        .order_by(Report.created_at, Report.id)
    )
    if filters.start is not None:
        query = query.where(Report.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(Report.created_at < filters.end)
    if filters.categories is not None:
        query = query.where(Report.category.in_(filters.categories))
    if filters.short_id is not None:
        query = query.where(Report.short_id == filters.short_id)
    if filters.limit is not None:
        query = query.limit(filters.limit)
    return query


def _optional_columns() -> list[Any]:
    """``reports.in_progress`` arrives with the category taxonomy; select it once it exists."""
    column = getattr(Report, "in_progress", None)
    return [column.label("in_progress")] if column is not None else []


def _location(
    row: Any, place: PlaceInfo | None, places: ExportPlaces
) -> tuple[float | None, float | None, str | None]:
    buurt = row.buurt_code or (place.buurt_code if place else None)
    if buurt and buurt in places.buurt_centroids:
        lon, lat = places.buurt_centroids[buurt]
        return lon, lat, "buurt"
    if row.latitude is not None and row.longitude is not None:
        lon, lat = grid_point(row.latitude, row.longitude)
        return lon, lat, "grid_100m"
    if place is not None and place.centroid is not None:
        return place.centroid[0], place.centroid[1], "wijk"
    return None, None, None


def minimise(row: Any, places: ExportPlaces, pseudonymise: Pseudonymiser) -> ExportRow:
    place = places.by_id.get(row.area_id) if row.area_id is not None else None
    created = as_utc(row.created_at)
    lon, lat, precision = _location(row, place, places)
    hours = None
    if row.closed_at is not None:
        hours = round((as_utc(row.closed_at) - created).total_seconds() / 3600, 1)
    return ExportRow(
        id=str(row.short_id),
        category=str(row.category),
        in_progress=getattr(row, "in_progress", None),
        wijk_code=place.wijk_code if place else None,
        buurt_code=row.buurt_code or (place.buurt_code if place else None),
        time=created.replace(minute=0, second=0, microsecond=0).isoformat().replace("+00:00", "Z"),
        longitude=lon,
        latitude=lat,
        location_precision=precision,
        status=str(row.status),
        hours_to_close=hours,
        called_112=bool(row.called_112) or bool(row.tapped),
        linked=int(row.linked or 0),
        reporter=pseudonymise(row.reporter_pseudonym),
    )


async def export_rows(
    session: AsyncSession,
    filters: Filters,
    places: ExportPlaces,
    pseudonymise: Pseudonymiser,
    batch: int = BATCH,
) -> AsyncIterator[ExportRow]:
    """Minimised rows, streamed in batches from a server-side cursor."""
    result = await session.stream(report_query(filters).execution_options(yield_per=batch))
    async for row in result:
        yield minimise(row, places, pseudonymise)


@dataclass(frozen=True)
class Cell:
    wijk_code: str
    wijk: str
    category: str
    month: str  # YYYY-MM in the bot's time zone
    count: int | str  # "<3" when below the minimum


CELL_FIELDS: tuple[str, ...] = tuple(Cell.__dataclass_fields__)


def month_of(iso_hour: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(iso_hour.replace("Z", "+00:00"))
    return moment.astimezone(zone).strftime("%Y-%m")


class Aggregate:
    """Counts per wijk × category × month; cells below ``min_cell`` are published as ``"<N"``."""

    def __init__(self, places: ExportPlaces, zone: ZoneInfo, min_cell: int) -> None:
        self._places = places
        self._zone = zone
        self._min = min_cell
        self._counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, row: ExportRow) -> None:
        self._counts[(row.wijk_code or "", row.category, month_of(row.time, self._zone))] += 1

    def add_all(self, rows: Iterable[ExportRow]) -> None:
        for row in rows:
            self.add(row)

    def cells(self) -> list[Cell]:
        cells = []
        for (code, category, month), count in sorted(self._counts.items()):
            shown: int | str = count if count >= self._min else f"<{self._min}"
            cells.append(Cell(code, self._places.wijk_names.get(code, ""), category, month, shown))
        return cells


def day_range(first: datetime, last: datetime) -> tuple[datetime, datetime]:
    """``--van 2026-01-01 --tot 2026-12-31``: from the first day's midnight through the last day."""
    return first, last + timedelta(days=1)
