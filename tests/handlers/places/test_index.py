"""Point-in-polygon and adjacency on Dordrecht's shipped CBS wijken and buurten."""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import shape

from handlers.places.index import PlaceArea, PlaceIndex
from storage.places import DEFAULT_PLACE_FILES, read_features


def _index() -> tuple[PlaceIndex, dict[str, PlaceArea]]:
    features = [f for path in DEFAULT_PLACE_FILES for f in read_features(path.read_text(encoding="utf-8"))]
    ids = {f.code: number for number, f in enumerate(features, start=1)}
    areas = [
        PlaceArea(ids[f.code], f.name, f.kind, f.code, ids.get(f.parent_code or ""), f.geometry)
        for f in features
    ]
    return PlaceIndex.build(areas), {a.code or "": a for a in areas}


INDEX, BY_CODE = _index()


def _buurten() -> list[tuple[str, float, float]]:
    """A point surely inside each buurt, computed from the raw file (not through the index)."""
    data = json.loads(DEFAULT_PLACE_FILES[1].read_text(encoding="utf-8"))
    points = []
    for feature in data["features"]:
        inside = shape(feature["geometry"]).representative_point()
        points.append((feature["properties"]["statcode"], inside.y, inside.x))
    return points


@pytest.mark.parametrize(("code", "latitude", "longitude"), _buurten())
def test_a_point_inside_each_buurt_lands_in_that_buurt_and_its_wijk(
    code: str, latitude: float, longitude: float
) -> None:
    placement = INDEX.locate(latitude, longitude)
    assert placement is not None and placement.buurt is not None and placement.wijk is not None
    assert placement.buurt.code == code
    assert placement.wijk.code == "WK" + code[2:8]


def test_every_wijk_is_reached_and_names_are_readable() -> None:
    wijken = {INDEX.locate(lat, lon).wijk.name for _, lat, lon in _buurten()}  # type: ignore[union-attr]
    assert len(wijken) == 13
    assert {"Nieuw-Krispijn", "Oud Krispijn", "Crabbehof/Zuidhoven", "Het Reeland"} <= wijken


def test_known_places() -> None:
    grote_kerk = INDEX.locate(51.8128, 4.6601)
    assert grote_kerk is not None and grote_kerk.wijk is not None
    assert grote_kerk.wijk.name == "Binnenstad"


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(52.3731, 4.8926), (0.0, 0.0), (math.nan, 4.67), (51.8, math.inf)]
)
def test_outside_dordrecht_or_bad_numbers_is_nowhere(latitude: float, longitude: float) -> None:
    assert INDEX.locate(latitude, longitude) is None


def _neighbours(name: str) -> set[str]:
    wijk = next(a for a in BY_CODE.values() if a.kind == "wijk" and a.name == name)
    return {a.name for a in INDEX.neighbours(wijk.id)}


def test_oud_krispijn_borders_its_neighbours_and_not_the_far_side_of_town() -> None:
    around = _neighbours("Oud Krispijn")
    assert {"Nieuw-Krispijn", "Wielwijk", "Binnenstad", "Crabbehof/Zuidhoven"} <= around
    assert not around & {"Stadspolders", "Staart", "Dubbeldam", "Oud Krispijn"}


def test_adjacency_is_symmetric() -> None:
    for area in BY_CODE.values():
        if area.kind == "wijk":
            for other in INDEX.neighbours(area.id):
                assert area.name in _neighbours(other.name)


def test_distance_to_a_border() -> None:
    wijk = next(a for a in BY_CODE.values() if a.name == "Oud Krispijn")
    distance = INDEX.distance_to_border_m(51.8128, 4.6601, wijk.id)  # the Grote Kerk, in Binnenstad
    assert distance is not None and 100 < distance < 3_000
