"""0015_taxonomy moves stored reports from the old category ids to the fixed taxonomy and back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import alembic_config, upgrade

OLD = ("verdacht", "inbraak_bezig", "inbraak_achteraf", "online_oplichting", "brand_ongeval", "diefstal")


def _run(url: str, sql: str) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        engine = create_engine(url)
        async with engine.begin() as connection:
            result = await connection.execute(text(sql))
            rows = [tuple(row) for row in result] if result.returns_rows else []
        await engine.dispose()
        return rows

    return asyncio.run(go())


def test_old_ids_are_mapped_and_in_progress_is_set(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 't.db'}"
    upgrade(url, "0008_area_link_requests")
    for number, category in enumerate(OLD, start=1):
        _run(
            url,
            "INSERT INTO reports (id, category, status, source, created_at, updated_at) VALUES "
            f"({number}, '{category}', 'open', 'dialog', '2026-11-01 10:00:00', '2026-11-01 10:00:00')",
        )
    upgrade(url, "0015_taxonomy")
    rows = _run(url, "SELECT id, category, in_progress FROM reports ORDER BY id")
    assert [(r[1], None if r[2] is None else bool(r[2])) for r in rows] == [
        ("verdachte_situatie", None),
        ("inbraak", True),
        ("inbraak", False),
        ("online_fraude", None),
        ("brand_of_ongeval", None),
        ("diefstal", None),
    ]
    command.downgrade(alembic_config(url), "0008_area_link_requests")
    back = _run(url, "SELECT category FROM reports ORDER BY id")
    assert [r[0] for r in back] == list(OLD)
