"""The 0003_reports migration goes up and down cleanly on a fresh SQLite database."""

from __future__ import annotations

import asyncio
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
