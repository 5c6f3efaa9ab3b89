"""Shared fixtures: a database per run (SQLite or PostgreSQL), a fake clock, the app, the console."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App, build_app
from config.settings import Settings, load_settings
from handlers.clock import FakeClock
from storage.db import create_engine, is_sqlite
from storage.migrate import upgrade
from tests import pg
from tests.harness import ConsoleHarness

DB_KIND = os.environ.get("BUURTBOT_TEST_DB", "sqlite").lower()


def pytest_report_header(config: pytest.Config) -> str:
    return f"buurtbot test database: {DB_KIND}"


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test run."""
    if DB_KIND == "postgres":
        url = pg.create_database()
        try:
            upgrade(url)
            yield url
        finally:
            pg.drop_database(url)
    elif DB_KIND == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "buurtbot.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
    else:
        raise pytest.UsageError("BUURTBOT_TEST_DB must be sqlite or postgres")


async def _empty_all_tables(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        names = await connection.run_sync(
            lambda sync: [n for n in sync.dialect.get_table_names(sync) if n != "alembic_version"]
        )
        if is_sqlite(url):
            await connection.execute(text("PRAGMA foreign_keys=OFF"))
            for name in names:
                await connection.execute(text(f'DELETE FROM "{name}"'))
        elif names:
            quoted = ", ".join(f'"{n}"' for n in names)
            await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=db_url,
        telegram_bot_token=None,
        beheerders=("console:beheerder",),
        pseudonym_secret="test-secret",
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock, db_url: str) -> AsyncIterator[App]:
    await _empty_all_tables(db_url)
    application = build_app(settings, clock=clock)
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
async def console(app: App) -> ConsoleHarness:
    harness = ConsoleHarness(app)
    await harness.start()
    return harness
