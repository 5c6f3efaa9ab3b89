"""The 0003_reports migration goes up and down cleanly on a fresh SQLite database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from storage.db import create_engine
from storage.migrate import alembic_config, upgrade


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(read())


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert {"reports", "report_suspects", "report_taps"} <= _tables(url)
    command.downgrade(alembic_config(url), "0001_foundation")
    assert not {"reports", "report_suspects", "report_taps"} & _tables(url)
    assert "people" in _tables(url)
    upgrade(url)
    assert "reports" in _tables(url)


def test_0011_moves_sqlite_local_report_times_to_utc(tmp_path: Path) -> None:
    """Rows written before 0011 kept Amsterdam wall-clock digits; afterwards they read back in UTC."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'utc.db'}"
    upgrade(url, "0008_area_link_requests")
    path = str(tmp_path / "utc.db")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO areas (id, name, key, kind, postcodes, created_at)"
            " VALUES (1, 'K', 'k', 'wijk', '', '2026-11-22 07:00:00.000000')"
        )
        for row_id, phrase in ((1, "om 08.39"), (2, None)):
            db.execute(
                "INSERT INTO reports (id, short_id, area_id, category, status, source, occurred_at,"
                " time_phrase, created_at, updated_at) VALUES (?, ?, 1, 'verdacht', 'open', 'console',"
                " '2026-11-22 08:39:00.000000', ?, '2026-11-22 07:40:00', '2026-11-22 07:40:00')",
                (row_id, f"M-000{row_id}", phrase),
            )
    upgrade(url)
    with sqlite3.connect(path) as db:
        stored = dict(db.execute("SELECT id, occurred_at FROM reports").fetchall())
    assert stored == {1: "2026-11-22 07:39:00.000000", 2: "2026-11-22 08:39:00.000000"}
    command.downgrade(alembic_config(url), "0008_area_link_requests")
    with sqlite3.connect(path) as db:
        restored = db.execute("SELECT occurred_at FROM reports WHERE id = 1").fetchone()
    assert restored == ("2026-11-22 08:39:00.000000",)
