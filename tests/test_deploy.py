"""deploy/ stays true to the code: its commands exist, the proxies forward what the bot serves and
hide /metrics, and the backup script really produces a restorable copy of the test database."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from tests.conftest import DB_KIND

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
FORWARDED = ("/webhook/", "/dashboard", "/open311/", "/healthz")


def _subcommands() -> set[str]:
    parser = build_parser()
    return {name for action in parser._subparsers._group_actions for name in action.choices}  # type: ignore[union-attr]


def test_every_buurtbot_command_in_deploy_exists() -> None:
    used = {
        match
        for path in DEPLOY.iterdir()
        for match in re.findall(r"bin/buurtbot (\w+)|buurtbot (\w+) &&|CMD \[\"(\w+)\"", path.read_text())
    }
    commands = {name for group in used for name in group if name}
    assert commands >= {"run", "send", "migrate"}
    assert commands <= _subcommands()


@pytest.mark.parametrize("name", ["Caddyfile", "nginx.conf"])
def test_the_proxies_forward_the_bots_paths_and_hide_metrics(name: str) -> None:
    config = (DEPLOY / name).read_text()
    for path in FORWARDED:
        assert path in config
    assert "127.0.0.1:8080" in config and "X-Forwarded-Proto" in config
    metrics_rule = next(line for line in config.splitlines() if "/metrics" in line and "#" not in line)
    assert "404" in metrics_rule or "@metrics" in metrics_rule


def test_units_run_as_an_unprivileged_user_with_the_env_file() -> None:
    for unit in ("buurtbot.service", "buurtbot-send@.service", "buurtbot-backup.service"):
        text = (DEPLOY / unit).read_text()
        assert "User=buurtbot" in text and "EnvironmentFile=/etc/buurtbot/buurtbot.env" in text


def _run_backup(tmp_path: Path, database_url: str) -> list[Path]:
    out = tmp_path / "backups"
    subprocess.run(
        [str(DEPLOY / "backup.sh"), str(out)],
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return sorted(out.iterdir())


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command")
def test_sqlite_online_backup_copies_the_rows(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, text TEXT)")
        connection.executemany("INSERT INTO reports (text) VALUES (?)", [("a",), ("b",), ("c",)])
    (copy,) = _run_backup(tmp_path, f"sqlite+aiosqlite:///{live}")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM reports").fetchone() == (3,)


@pytest.mark.skipif(DB_KIND != "postgres" or shutil.which("pg_dump") is None, reason="PostgreSQL run")
def test_pg_dump_backup_holds_the_schema(tmp_path: Path, db_url: str) -> None:
    url = make_url(db_url).render_as_string(hide_password=False)
    (dump,) = _run_backup(tmp_path, url)
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE public outbox" in listing.stdout and "alembic_version" in listing.stdout
