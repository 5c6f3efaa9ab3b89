"""``buurtbot export``: one minimised row per report, aggregates with small cells hidden, and a
privacy test: reports full of personal data leave none of it in any format."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from bot.app import App
from bot.cli import build_parser, main
from bot.export_cli import export
from config.settings import Settings
from storage.export import FIELDS
from tests import statistics_data

YEAR = ["export", "--van", "2026-01-01", "--tot", "2026-12-31"]


@pytest.fixture
async def known(app: App) -> statistics_data.Known:
    return await statistics_data.build(app)


async def run_export(settings: Settings, *extra: str) -> str:
    out = io.StringIO()
    await export(settings, build_parser().parse_args([*YEAR, *extra]), out)
    return out.getvalue()


def by_id(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


async def test_csv_has_a_header_and_one_minimised_row_per_report(settings: Settings, known: object) -> None:
    text = await run_export(settings, "--formaat", "csv")
    assert text.splitlines()[0].split(",") == list(FIELDS)
    rows = by_id(text)
    assert len(rows) == 6
    first = rows["M-0001"]
    assert first["category"] == "verdachte_situatie" and first["status"] == "closed"
    assert (first["wijk_code"], first["buurt_code"]) == ("WK050503", "BU05050301")
    assert first["time"] == "2026-11-20T12:00:00Z"  # rounded to the hour
    assert (first["longitude"], first["latitude"], first["location_precision"]) == (
        "4.665",
        "51.815",
        "buurt",
    )
    assert (first["hours_to_close"], first["called_112"], first["linked"]) == ("2.0", "True", "1")
    assert rows["M-0003"]["buurt_code"] == "BU05050301"  # filed in the buurt itself
    assert rows["M-0003"]["called_112"] == "True"  # somebody tapped "Ik heb 112 gebeld"
    assert rows["M-0004"]["location_precision"] == "wijk"  # no pin: the wijk's centroid
    sterrenburg = rows["M-0006"]
    assert sterrenburg["location_precision"] == "grid_100m"
    assert sterrenburg["latitude"] != "51.7901" and abs(float(sterrenburg["latitude"]) - 51.7901) < 0.001


async def test_the_reporter_pseudonym_differs_per_export(settings: Settings, known: object) -> None:
    first, second = by_id(await run_export(settings)), by_id(await run_export(settings))
    assert len({row["reporter"] for row in first.values()}) == 1  # one reporter, one code per export
    assert first["M-0001"]["reporter"] != second["M-0001"]["reporter"]


async def test_geojson_is_a_feature_collection_of_points(settings: Settings, known: object) -> None:
    data = json.loads(await run_export(settings, "--formaat", "geojson"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 6
    for item in data["features"]:
        assert item["type"] == "Feature" and item["geometry"]["type"] == "Point"
        longitude, latitude = item["geometry"]["coordinates"]
        assert 4.6 < longitude < 4.8 and 51.7 < latitude < 51.9
        assert item["properties"]["id"].startswith("M-")


async def test_json_and_a_wijk_filter(settings: Settings, known: object) -> None:
    rows = json.loads(await run_export(settings, "--formaat", "json", "--wijk", "sterrenburg"))
    assert [row["id"] for row in rows] == ["M-0006"]
    rows = json.loads(await run_export(settings, "--formaat", "json", "--wijk", "Krispijn-Noord"))
    assert sorted(row["id"] for row in rows) == ["M-0001", "M-0003"]


async def test_the_aggregate_hides_small_cells(settings: Settings, known: object) -> None:
    cells = list(csv.DictReader(io.StringIO(await run_export(settings, "--aggregaat"))))
    counts = {(c["wijk_code"], c["category"], c["month"]): c["count"] for c in cells}
    assert counts[("WK050503", "verdachte_situatie", "2026-11")] == "<3"
    assert counts[("WK050503", "overlast", "2026-10")] == "<3"
    assert all("reporter" not in c for c in cells)
    looser = settings.model_copy(update={"export_min_cell": 2})
    cells = json.loads(await run_export(looser, "--aggregaat", "--formaat", "json"))
    counts = {(c["wijk_code"], c["category"], c["month"]): c["count"] for c in cells}
    assert counts[("WK050503", "verdachte_situatie", "2026-11")] == 2
    assert counts[("WK050505", "vernieling", "2026-11")] == "<2"


@pytest.mark.parametrize("extra", [(), ("--aggregaat",)])
@pytest.mark.parametrize("formaat", ["csv", "json", "geojson"])
async def test_no_personal_data_in_any_format(
    settings: Settings, known: object, formaat: str, extra: tuple[str, ...]
) -> None:
    text = (await run_export(settings, "--formaat", formaat, *extra)).casefold()
    assert "m-000" in text or "wk050503" in text  # the export is not empty
    leaked = [secret for secret in statistics_data.SECRETS if secret.casefold() in text]
    assert leaked == []
    for number in ("51.8151", "4.6649", "51.8123", "4.6612", "51.7901", "4.7102"):
        assert number not in text  # exact coordinates never leave


async def test_the_command_line_writes_utf8_files_and_refuses_unknown_wijken(
    settings: Settings, known: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    target = tmp_path / "meldingen.csv"
    assert await asyncio.to_thread(main, [*YEAR, "--uit", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"M-0006" in raw  # UTF-8 with a BOM for spreadsheets
    assert await asyncio.to_thread(main, [*YEAR, "--wijk", "Atlantis"]) == 2
