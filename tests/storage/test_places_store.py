"""Importing CBS places: idempotent by code, adopting typed areas, inhabitants, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from storage.chats import create_area
from storage.models import Area
from storage.places import (
    DEFAULT_PLACE_FILES,
    PlacesFileError,
    import_features,
    read_features,
    read_inhabitants,
    set_inhabitants,
)

FEATURES = [f for path in DEFAULT_PLACE_FILES for f in read_features(path.read_text(encoding="utf-8"))]


async def _counts(app: App) -> dict[str, int]:
    async with app.services.db() as session:
        rows = await session.execute(select(Area.kind, func.count()).group_by(Area.kind))
        return {kind: count for kind, count in rows.tuples()}


async def test_import_is_idempotent_and_nests_buurten(app: App) -> None:
    for _ in range(2):
        async with app.services.db() as session:
            await import_features(session, FEATURES, app.services.clock.now())
            await session.commit()
    assert await _counts(app) == {"wijk": 13, "buurt": 132}
    async with app.services.db() as session:
        buurt = await session.scalar(select(Area).where(Area.code == "BU05050900"))
        wijk = await session.get(Area, buurt.parent_id) if buurt and buurt.parent_id else None
    assert buurt is not None and buurt.name == "Sterrenburg 1-West"
    assert wijk is not None and (wijk.code, wijk.name) == ("WK050509", "Sterrenburg")


async def test_an_area_typed_before_the_import_is_adopted(app: App) -> None:
    async with app.services.db() as session:
        typed = await create_area(session, "oud-krispijn", app.services.clock.now())
        await session.commit()
        typed_id = typed.id
    async with app.services.db() as session:
        result = await import_features(session, FEATURES, app.services.clock.now())
        await session.commit()
        adopted = await session.get(Area, typed_id)
    assert result.adopted == 1 and result.created == 144
    assert adopted is not None and adopted.code == "WK050503" and adopted.geometry is not None


async def test_inhabitants_by_code(app: App) -> None:
    async with app.services.db() as session:
        await import_features(session, FEATURES, app.services.clock.now())
        counts = read_inhabitants("statcode;inwoners\nWK050503;10.250\nWK050599;12\nonzin;x\n")
        assert counts == {"WK050503": 10250, "WK050599": 12}
        assert await set_inhabitants(session, counts) == 1
        await session.commit()
        area = await session.scalar(select(Area).where(Area.code == "WK050503"))
    assert area is not None and area.inhabitants == 10250


@pytest.mark.parametrize(
    "text", ["", "not json", "[]", '{"type": "FeatureCollection", "features": [{"properties": {}}]}']
)
def test_a_file_without_cbs_features_is_refused(text: str) -> None:
    with pytest.raises(PlacesFileError):
        read_features(text)


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'places.db'}",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_migrate_seeds_dordrecht_once_and_import_reports(db_url: str, tmp_path: Path) -> None:
    assert _cli(tmp_path, "migrate").returncode == 0
    again = _cli(tmp_path, "areas", "import", str(DEFAULT_PLACE_FILES[0]))
    assert again.returncode == 0, again.stderr
    assert "0 new, 13 updated" in again.stdout
    bad = tmp_path / "bad.geojson"
    bad.write_text("{}", encoding="utf-8")
    refused = _cli(tmp_path, "areas", "import", str(bad))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
