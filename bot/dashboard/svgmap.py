"""The overview map: the wijken's outlines as inline SVG paths, coloured by a value per wijk.

Drawn on the server from the areas' GeoJSON (WGS84) with shapely: an equirectangular projection
around the city's middle latitude (fine at city scale), simplified to about a pixel, so the page
needs no tiles, no script and nothing from elsewhere. Outlines are cached per geometry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

WIDTH = 400.0
PALETTE = ("#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")  # light to dark: few to many
UNKNOWN = "#d9d9d9"  # no inhabitants known, so no rate


@dataclass(frozen=True)
class MapArea:
    id: int
    name: str
    path: str
    fill: str
    value: float | None


@dataclass(frozen=True)
class LegendItem:
    fill: str
    low: float | None  # None: the "unknown" entry
    high: float | None


@dataclass(frozen=True)
class Map:
    width: float
    height: float
    areas: tuple[MapArea, ...]
    legend: tuple[LegendItem, ...]


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return []


@lru_cache(maxsize=64)
def _shape(geojson: str) -> BaseGeometry:
    import json

    return shape(json.loads(geojson))


def _key(geometry: dict[str, Any]) -> str:
    import json

    return json.dumps(geometry, sort_keys=True)


def classes(values: Sequence[float]) -> list[float]:
    """Upper bounds of equal-width classes from 0 to the largest value (one class per colour)."""
    top = max(values, default=0.0)
    if top <= 0:
        return [0.0]
    return [top * (i + 1) / len(PALETTE) for i in range(len(PALETTE))]


def colour(value: float | None, bounds: Sequence[float]) -> str:
    if value is None:
        return UNKNOWN
    for bound, fill in zip(bounds, PALETTE, strict=False):
        if value <= bound:
            return fill
    return PALETTE[len(bounds) - 1]


def draw(areas: Sequence[tuple[int, str, dict[str, Any] | None, float | None]]) -> Map | None:
    """(id, name, GeoJSON, value) per wijk → a map; None when no wijk has an outline."""
    shapes = [(i, n, _shape(_key(g)), v) for i, n, g, v in areas if g]
    shapes = [(i, n, s, v) for i, n, s, v in shapes if not s.is_empty]
    if not shapes:
        return None
    min_x = min(s.bounds[0] for _, _, s, _ in shapes)
    min_y = min(s.bounds[1] for _, _, s, _ in shapes)
    max_x = max(s.bounds[2] for _, _, s, _ in shapes)
    max_y = max(s.bounds[3] for _, _, s, _ in shapes)
    squash = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * squash, 1e-9)
    scale = WIDTH / span_x
    height = max((max_y - min_y) * scale, 1.0)
    values = [v for _, _, _, v in shapes if v is not None]
    bounds = classes(values)

    def point(x: float, y: float) -> str:
        return f"{(x - min_x) * squash * scale:.1f},{(max_y - y) * scale:.1f}"

    drawn = []
    for area_id, name, geometry, value in shapes:
        simple = geometry.simplify(1.0 / scale, preserve_topology=True)
        rings = []
        for polygon in _polygons(simple):
            for ring in (polygon.exterior, *polygon.interiors):
                coords = list(ring.coords)
                rings.append("M" + "L".join(point(x, y) for x, y in coords[:-1]) + "Z")
        fill = colour(value, bounds) if values else UNKNOWN
        drawn.append(MapArea(area_id, name, "".join(rings), fill, value))
    legend = [
        LegendItem(fill, (bounds[i - 1] if i else 0.0), bound)
        for i, (fill, bound) in enumerate(zip(PALETTE, bounds, strict=False))
    ]
    if any(v is None for _, _, _, v in shapes) or not values:
        legend.append(LegendItem(UNKNOWN, None, None))
    return Map(WIDTH, round(height, 1), tuple(drawn), tuple(legend))
