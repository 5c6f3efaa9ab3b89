"""``buurtbot export``: minimised reports (or an aggregate with small cells suppressed) as CSV, JSON
or GeoJSON, streamed to stdout or a file.

Rows come from :mod:`storage.export`, which selects no personal column at all; this module only
writes them. Each run draws a new pseudonym salt, so two exports cannot be joined on the reporter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from config.settings import Settings
from handlers.places.names import match_name
from handlers.types import Msg
from messages.catalog import Catalog, strip_tags
from storage.chats import list_areas
from storage.db import create_engine, create_sessionmaker
from storage.export import (
    CELL_FIELDS,
    FIELDS,
    Aggregate,
    Cell,
    ExportPlaces,
    ExportRow,
    Filters,
    Pseudonymiser,
    day_range,
    export_rows,
    load_places,
)
from storage.migrate import upgrade
from storage.statistics import area_scope, report_scope

FORMATS = ("csv", "json", "geojson")


class ExportError(ValueError):
    """Something the user can fix (an unknown wijk); ``key`` names the catalog text."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def add_parser(sub: Any) -> None:
    """Registered from bot/cli.py with one line."""
    export = sub.add_parser("export", help="export minimised reports (CSV, JSON, GeoJSON)")
    export.add_argument("--van", required=True, type=date.fromisoformat, help="first day, e.g. 2026-01-01")
    export.add_argument("--tot", required=True, type=date.fromisoformat, help="last day, e.g. 2026-12-31")
    export.add_argument("--formaat", choices=FORMATS, default="csv")
    export.add_argument("--wijk", help="only this wijk or buurt (name, spaces allowed)")
    export.add_argument("--uit", help="write to this file instead of stdout")
    export.add_argument(
        "--aggregaat", action="store_true", help="wijk x category x month, small cells hidden"
    )
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(settings.database_url)
    try:
        with _output(args.uit, args.formaat) as out:
            asyncio.run(export(settings, args, out))
    except ExportError as error:
        catalog = Catalog.load(default_locale=settings.default_locale)
        print(strip_tags(catalog.render(Msg.of(error.key, **error.params))), file=sys.stderr)
        return 2
    return 0


@contextlib.contextmanager
def _output(path: str | None, formaat: str) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    # A byte-order mark lets spreadsheets recognise UTF-8 CSV; JSON must not have one.
    encoding = "utf-8-sig" if formaat == "csv" else "utf-8"
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        yield handle


async def export(settings: Settings, args: argparse.Namespace, out: IO[str]) -> None:
    zone = settings.tz
    start = datetime.combine(args.van, time(0), zone)
    end = datetime.combine(args.tot, time(0), zone)
    start, end = day_range(start, end)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            places = await load_places(session)
            filters = Filters(start=start, end=end)
            if args.wijk:
                match = match_name(await list_areas(session), args.wijk)
                if match.exact is None:
                    raise ExportError("statistics.export.unknown_wijk", name=args.wijk[:100])
                filters = Filters(
                    start=start, end=end, where=report_scope(await area_scope(session, match.exact))
                )
            rows = export_rows(session, filters, places, Pseudonymiser())
            if args.aggregaat:
                aggregate = Aggregate(places, zone, settings.export_min_cell)
                async for row in rows:
                    aggregate.add(row)
                write_cells(aggregate.cells(), places, args.formaat, out)
            else:
                await write_rows(rows, args.formaat, out)
    finally:
        await engine.dispose()


async def write_rows(rows: AsyncIterator[ExportRow], formaat: str, out: IO[str]) -> int:
    """Write as rows arrive; returns how many."""
    count = 0
    if formaat == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        async for row in rows:
            writer.writerow(row.as_dict())
            count += 1
        return count
    out.write('{"type": "FeatureCollection", "features": [\n' if formaat == "geojson" else "[\n")
    async for row in rows:
        item = feature(row) if formaat == "geojson" else row.as_dict()
        out.write(("," if count else "") + json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    out.write("]}\n" if formaat == "geojson" else "]\n")
    return count


def feature(row: ExportRow) -> dict[str, Any]:
    properties = {k: v for k, v in row.as_dict().items() if k not in ("longitude", "latitude")}
    return {"type": "Feature", "geometry": _point(row.longitude, row.latitude), "properties": properties}


def _point(longitude: float | None, latitude: float | None) -> dict[str, Any] | None:
    if longitude is None or latitude is None:
        return None  # RFC 7946 allows a feature without a location
    return {"type": "Point", "coordinates": [longitude, latitude]}


def write_cells(cells: list[Cell], places: ExportPlaces, formaat: str, out: IO[str]) -> None:
    dicts = [{name: getattr(cell, name) for name in CELL_FIELDS} for cell in cells]
    if formaat == "csv":
        writer = csv.DictWriter(out, fieldnames=CELL_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(dicts)
        return
    if formaat == "json":
        json.dump(dicts, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    features = []
    for cell, properties in zip(cells, dicts, strict=True):
        centroid = places.wijk_centroids.get(cell.wijk_code)
        geometry = _point(*centroid) if centroid else None
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
