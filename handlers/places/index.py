"""Which buurt (and wijk) a point lies in, and which wijken border each other (shapely, in memory).

Built once from the areas' stored GeoJSON geometry. A wijk's outline is the union of its buurten
where it has any: the CBS wijk and buurt layers were generalised separately and do not nest, so the
buurten decide both "in which wijk is this pin" and "which wijken touch".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shapely import STRtree, prepare
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

# The generalised polygons are off by up to ~100 m (3 decimals): wijken whose outlines come this
# close (in degrees, ~50 m) along at least MIN_SHARED_DEGREES of border are neighbours.
ADJACENCY_TOLERANCE_DEGREES = 0.0005
MIN_SHARED_DEGREES = 0.001
_METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class PlaceArea:
    """What the index needs of an area row (no ORM object, so the index is plain data)."""

    id: int
    name: str
    kind: str  # "wijk" or "buurt"
    code: str | None
    parent_id: int | None
    geometry: Mapping[str, Any] | None


@dataclass(frozen=True)
class Placement:
    """Where a point lies: its buurt (if the municipality has buurten) and its wijk."""

    buurt: PlaceArea | None
    wijk: PlaceArea | None


@dataclass
class PlaceIndex:
    """Point-in-polygon over buurten (or wijken without buurten) with a prepared STRtree."""

    areas: dict[int, PlaceArea]
    _cells: list[PlaceArea] = field(default_factory=list)
    _shapes: list[BaseGeometry] = field(default_factory=list)
    _tree: STRtree | None = None
    _outlines: dict[int, BaseGeometry] = field(default_factory=dict)

    @classmethod
    def build(cls, areas: Iterable[PlaceArea]) -> PlaceIndex:
        index = cls({a.id: a for a in areas})
        index._index_cells()
        index._build_outlines()
        return index

    def _index_cells(self) -> None:
        with_buurten = {a.parent_id for a in self.areas.values() if a.kind == "buurt" and a.geometry}
        for area in self.areas.values():
            if not area.geometry:
                continue
            if area.kind == "buurt" or (area.kind == "wijk" and area.id not in with_buurten):
                geometry = shape(dict(area.geometry))
                prepare(geometry)
                self._cells.append(area)
                self._shapes.append(geometry)
        self._tree = STRtree(self._shapes) if self._shapes else None

    def _build_outlines(self) -> None:
        parts: dict[int, list[BaseGeometry]] = {}
        for area, geometry in zip(self._cells, self._shapes, strict=True):
            wijk = self._wijk_of(area)
            if wijk is not None:
                parts.setdefault(wijk.id, []).append(geometry)
        self._outlines = {wijk_id: unary_union(shapes) for wijk_id, shapes in parts.items()}

    def _wijk_of(self, area: PlaceArea) -> PlaceArea | None:
        if area.kind == "wijk":
            return area
        return self.areas.get(area.parent_id) if area.parent_id is not None else None

    def locate(self, latitude: float, longitude: float) -> Placement | None:
        """The buurt and wijk of a point, or None outside every known area (or bad numbers)."""
        if self._tree is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        point = Point(longitude, latitude)  # GeoJSON order: lon, lat
        for position in self._tree.query(point, predicate="intersects"):
            cell = self._cells[int(position)]
            buurt = cell if cell.kind == "buurt" else None
            return Placement(buurt, self._wijk_of(cell))
        return None

    def by_code(self, code: str) -> Placement | None:
        """The placement of a buurt known by its CBS code (e.g. from a street list)."""
        buurt = next((a for a in self.areas.values() if a.code == code and a.kind == "buurt"), None)
        return Placement(buurt, self._wijk_of(buurt)) if buurt is not None else None

    def neighbours(self, wijk_id: int) -> list[PlaceArea]:
        """Wijken that share a border with this one, by name."""
        outline = self._outlines.get(wijk_id)
        if outline is None:
            return []
        grown = outline.buffer(ADJACENCY_TOLERANCE_DEGREES)
        found = [
            self.areas[other]
            for other, shape_ in self._outlines.items()
            if other != wijk_id and grown.intersection(shape_.boundary).length >= MIN_SHARED_DEGREES
        ]
        return sorted(found, key=lambda a: a.name)

    def distance_to_border_m(self, latitude: float, longitude: float, wijk_id: int) -> float | None:
        """Approximate metres from a point to the edge of a wijk (for "near the border" relays)."""
        outline = self._outlines.get(wijk_id)
        if outline is None:
            return None
        degrees = outline.boundary.distance(Point(longitude, latitude))
        # Degrees of longitude are shorter here; the smaller scale keeps "within 300 m" honest.
        return float(degrees) * _METRES_PER_DEGREE_LAT * math.cos(math.radians(latitude))
