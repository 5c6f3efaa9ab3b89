"""/healthz checks a write, not only a SELECT; an unreachable database at start is one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import App, build_app
from bot.web import bound_port, build_web_app, start_web
from config.settings import Settings
from handlers.clock import FakeClock
from storage.db import create_engine
from tests.conftest import DB_KIND

ROOT = Path(__file__).resolve().parents[2]


async def _serve_health(app: App) -> tuple[web.AppRunner, str]:
    runner = await start_web(build_web_app(app.services), 0, "127.0.0.1")
    return runner, f"http://127.0.0.1:{bound_port(runner)}/healthz"


async def _get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.json()


async def _database_name(db_url: str) -> str:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        name = await connection.scalar(text("SELECT current_database()"))
    await engine.dispose()
    return str(name)


async def _set_read_only(db_url: str, name: str, on: bool) -> None:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        await connection.execute(text("SET TRANSACTION READ WRITE"))  # even while the default is read-only
        change = "SET default_transaction_read_only = on" if on else "RESET default_transaction_read_only"
        await connection.execute(text(f'ALTER DATABASE "{name}" {change}'))
        await connection.commit()
    await engine.dispose()


@asynccontextmanager
async def read_only_app(app: App, settings: Settings, clock: FakeClock, db_url: str) -> AsyncIterator[App]:
    """The same database, opened so that reads work and writes fail (a read-only file system)."""
    if DB_KIND == "sqlite":
        path = make_url(db_url).database
        url = f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
        viewer = build_app(settings.model_copy(update={"database_url": url}), clock=clock)
        try:
            yield viewer
        finally:
            await viewer.close()
        return
    name = await _database_name(db_url)
    await _set_read_only(db_url, name, True)
    await app.engine.dispose()  # new connections start read-only
    try:
        yield app
    finally:
        await _set_read_only(db_url, name, False)
        await app.engine.dispose()


async def test_healthz_is_503_while_the_database_cannot_be_written(
    app: App, settings: Settings, clock: FakeClock, db_url: str
) -> None:
    runner, url = await _serve_health(app)
    try:
        assert await _get(url) == (200, {"status": "ok", "database": "ok"})
    finally:
        await runner.cleanup()
    async with read_only_app(app, settings, clock, db_url) as viewer:
        runner, url = await _serve_health(viewer)
        try:
            assert await _get(url) == (503, {"status": "degraded", "database": "not writable"})
        finally:
            await runner.cleanup()
    runner, url = await _serve_health(app)
    try:
        assert await _get(url) == (200, {"status": "ok", "database": "ok"})
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("command", ["migrate", "run", "console"])
def test_unreachable_database_at_start_is_one_line_naming_database_url(command: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql+asyncpg://buurtbot:geheim@127.0.0.1:1/buurtbot",
        "TELEGRAM_BOT_TOKEN": "",
        "BUURTBOT_TEST_DB": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", command],
        cwd=tmp_path,  # no .env here
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and "127.0.0.1:1" in lines[0]
    assert "geheim" not in lines[0]  # the password stays out
    assert result.stdout == ""
