"""0014_inbox carries the ids handled before the upgrade over, so their redeliveries stay deduped."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import alembic_config, upgrade


async def _run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    rows: list[tuple[object, ...]] = []
    async with engine.begin() as connection:
        for statement in statements:
            result = await connection.execute(text(statement))
            rows = [tuple(row) for row in result] if result.returns_rows else rows
    await engine.dispose()
    return rows


def test_seen_ids_become_done_inbox_rows(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0008_area_link_requests")
    asyncio.run(
        _run(
            url,
            "INSERT INTO processed_deliveries (platform, delivery_id, received_at)"
            " VALUES ('telegram', '77', '2026-11-30 10:00:00')",
        )
    )
    upgrade(url)
    rows = asyncio.run(_run(url, "SELECT platform, external_key, state, done_at IS NOT NULL FROM inbox"))
    assert rows == [("telegram", "77", "done", 1)]
    command.downgrade(alembic_config(url), "0008_area_link_requests")
    upgrade(url)
