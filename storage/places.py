"""Areas as places: import CBS wijken/buurten (GeoJSON), inhabitants, rename and merge.

Imports are idempotent and matched on CBS code, so re-running one (or loading another
municipality's file) never makes a second Krispijn; an area someone typed before the import
(same normalised name, no code yet) is adopted rather than duplicated.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.area_links import AreaLinkRequest
from storage.campaigns import CampaignState
from storage.chats import area_key
from storage.models import Area, Chat, Role
from storage.patrols import PatrolRound, PatrolSchedule, PatrolTeamArea
from storage.reports import Report
from storage.whatsapp import AreaSubscription

GEO_DIR = Path(__file__).resolve().parent / "geo"
# Dordrecht's CBS 2025 wijken and buurten ship as the default places (see storage/geo/README.md).
DEFAULT_PLACE_FILES: tuple[Path, ...] = (
    GEO_DIR / "dordrecht-wijken.geojson",
    GEO_DIR / "dordrecht-buurten.geojson",
)
_WIJK_PREFIX = re.compile(r"^wijk\s+\d+\s+", re.IGNORECASE)
_CODE = re.compile(r"^(WK|BU)\d{6}(\d{2})?$")


class PlacesFileError(ValueError):
    """A GeoJSON or inhabitants file that cannot be read as CBS areas."""


@dataclass(frozen=True)
class PlaceFeature:
    code: str
    name: str
    kind: str
    geometry: dict[str, Any]

    @property
    def parent_code(self) -> str | None:
        """A buurt BU0505xxyy lies in wijk WK0505xx."""
        return "WK" + self.code[2:8] if self.kind == "buurt" else None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    adopted: int


def readable_name(raw: str, kind: str) -> str:
    """'Wijk 04 Nieuw-krispijn' → 'Nieuw-Krispijn'; buurt names are kept as the gemeente wrote them."""
    name = " ".join(raw.split())
    if kind != "wijk":
        return name
    name = _WIJK_PREFIX.sub("", name)
    return re.sub(r"(?<=[a-z])-([a-z])", lambda m: "-" + m.group(1).upper(), name)


def read_features(text: str) -> list[PlaceFeature]:
    """The CBS wijk/buurt features of a GeoJSON FeatureCollection (others are ignored)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlacesFileError(f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise PlacesFileError("not a GeoJSON FeatureCollection")
    features: list[PlaceFeature] = []
    for item in data["features"]:
        feature = _feature(item)
        if feature is not None:
            features.append(feature)
    if not features:
        raise PlacesFileError("no CBS wijk or buurt features (properties statcode and statnaam)")
    return features


def _feature(item: Any) -> PlaceFeature | None:
    if not isinstance(item, dict):
        return None
    props = item.get("properties") or {}
    code, name, geometry = props.get("statcode"), props.get("statnaam"), item.get("geometry")
    if not (isinstance(code, str) and _CODE.match(code) and isinstance(name, str)):
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    kind = "wijk" if code.startswith("WK") else "buurt"
    return PlaceFeature(code, readable_name(name, kind), kind, geometry)


async def import_features(
    session: AsyncSession, features: Iterable[PlaceFeature], now: datetime
) -> ImportResult:
    """Create or update areas by CBS code; wijken first so every buurt finds its parent."""
    ordered = sorted(features, key=lambda f: (f.kind != "wijk", f.code))
    by_code = {a.code: a for a in await session.scalars(select(Area).where(Area.code.is_not(None)))}
    taken = set(await session.scalars(select(Area.key)))
    created = updated = adopted = 0
    for feature in ordered:
        area = by_code.get(feature.code)
        if area is not None:
            updated += 1
        else:
            area = await _adoptable(session, feature)
            if area is not None:
                adopted += 1
            else:
                area = _new_area(feature, taken, now)
                session.add(area)
                created += 1
        area.code, area.kind, area.geometry = feature.code, feature.kind, feature.geometry
        parent = by_code.get(feature.parent_code) if feature.parent_code else None
        area.parent_id = parent.id if parent is not None else area.parent_id
        await session.flush()
        by_code[feature.code] = area
    return ImportResult(created, updated, adopted)


async def _adoptable(session: AsyncSession, feature: PlaceFeature) -> Area | None:
    """An area typed before the import with the same name (and no code) becomes this place."""
    area: Area | None = await session.scalar(
        select(Area).where(Area.key == area_key(feature.name), Area.code.is_(None))
    )
    return area


def _new_area(feature: PlaceFeature, taken: set[str], now: datetime) -> Area:
    key = area_key(feature.name)
    if key in taken:  # a buurt named like a wijk elsewhere: the code keeps the key unique
        key = f"{key}-{feature.code.lower()}"
    taken.add(key)
    return Area(name=feature.name[:100], key=key[:100], kind=feature.kind, postcodes="", created_at=now)


def read_inhabitants(text: str) -> dict[str, int]:
    """CSV with a CBS code and a number per line (',' or ';'; a header line is skipped)."""
    dialect = ";" if text.count(";") > text.count(",") else ","
    counts: dict[str, int] = {}
    for row in csv.reader(io.StringIO(text), delimiter=dialect):
        if len(row) < 2:
            continue
        code, number = row[0].strip().upper(), row[1].strip().replace(".", "").replace(" ", "")
        if _CODE.match(code) and number.isdigit():
            counts[code] = int(number)
    if not counts:
        raise PlacesFileError("no lines with a CBS code and a number of inhabitants")
    return counts


async def set_inhabitants(session: AsyncSession, counts: Mapping[str, int]) -> int:
    """Store inhabitants per code; returns how many areas were found."""
    found = 0
    for code, number in counts.items():
        result = await session.execute(update(Area).where(Area.code == code).values(inhabitants=number))
        found += int(getattr(result, "rowcount", 0) or 0)
    return found


async def has_places(session: AsyncSession) -> bool:
    """Whether any area already came from a CBS file (seeding runs only on a fresh install)."""
    count = await session.scalar(select(func.count()).select_from(Area).where(Area.code.is_not(None)))
    return bool(count)


async def rename_area(session: AsyncSession, area: Area, new_name: str) -> None:
    area.name = new_name.strip()[:100]
    area.key = area_key(new_name)[:100]
    await session.flush()


async def merge_areas(session: AsyncSession, source: Area, target: Area) -> None:
    """Fold ``source`` into ``target``: groups, reports, roles, subscriptions, patrol teams and rounds,
    and buurten move."""
    src, dst = source.id, target.id
    await session.execute(update(Chat).where(Chat.area_id == src).values(area_id=dst))
    await session.execute(update(Report).where(Report.area_id == src).values(area_id=dst))
    await session.execute(update(Area).where(Area.parent_id == src).values(parent_id=dst))
    await session.execute(update(AreaLinkRequest).where(AreaLinkRequest.area_id == src).values(area_id=dst))
    await _move_unique(session, Role, Role.area_id, src, dst, (Role.person_id, Role.role))
    await _move_unique(
        session, AreaSubscription, AreaSubscription.area_id, src, dst, (AreaSubscription.chat_id,)
    )
    await _move_unique(session, PatrolTeamArea, PatrolTeamArea.area_id, src, dst, (PatrolTeamArea.team_id,))
    for model in (PatrolSchedule, PatrolRound):
        await session.execute(update(model).where(model.area_id == src).values(area_id=dst))
    await session.execute(delete(CampaignState).where(CampaignState.area_id == src))
    await session.delete(source)
    await session.flush()


async def _move_unique(
    session: AsyncSession, model: Any, column: Any, src: int, dst: int, identity: tuple[Any, ...]
) -> None:
    """Move rows to ``dst`` unless the same identity is already there (then the duplicate goes)."""
    kept = {tuple(row) for row in await session.execute(select(*identity).where(column == dst))}
    for row in list(await session.scalars(select(model).where(column == src))):
        if tuple(getattr(row, c.key) for c in identity) in kept:
            await session.delete(row)
        else:
            setattr(row, column.key, dst)
    await session.flush()
