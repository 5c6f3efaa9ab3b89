"""Placing locations in Dordrecht's buurten: points per second through the prepared STRtree index.

Target (issue "Real places"): ≥ 20,000 points/s for all Dordrecht buurten on one core. Run with
``python -m bench.places [--points N]``; ``make bench`` runs it with the default.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from handlers.places.index import PlaceArea, PlaceIndex
from storage.places import DEFAULT_PLACE_FILES, read_features

# Dordrecht's extent (lon 4.621–4.885, lat 51.717–51.823): about half the random points fall inside.
EXTENT = ((51.717, 51.823), (4.621, 4.885))


def build() -> PlaceIndex:
    features = [f for path in DEFAULT_PLACE_FILES for f in read_features(path.read_text(encoding="utf-8"))]
    ids = {f.code: number for number, f in enumerate(features, start=1)}
    return PlaceIndex.build(
        PlaceArea(ids[f.code], f.name, f.kind, f.code, ids.get(f.parent_code or ""), f.geometry)
        for f in features
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50_000, help="random points per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    index = build()
    print(f"index of {len(index.areas)} areas built in {(time.perf_counter() - start) * 1e3:.0f} ms")
    rng = random.Random(7)
    (lat_lo, lat_hi), (lon_lo, lon_hi) = EXTENT
    points = [(rng.uniform(lat_lo, lat_hi), rng.uniform(lon_lo, lon_hi)) for _ in range(args.points)]
    rates, inside = [], 0
    for _ in range(args.rounds):
        began = time.perf_counter()
        inside = sum(1 for lat, lon in points if index.locate(lat, lon) is not None)
        rates.append(len(points) / (time.perf_counter() - began))
    print(
        f"point in buurt: {statistics.median(rates):,.0f} points/s median of {args.rounds} "
        f"(min {min(rates):,.0f}; {inside / len(points):.0%} of points inside Dordrecht; target ≥ 20,000)"
    )


if __name__ == "__main__":
    main()
