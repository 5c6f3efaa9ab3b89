"""`buurtbot run` on Telegram: a missing or wrong setting is one friendly line naming the variable."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.types import Msg
from messages.catalog import Catalog, strip_tags

TIMEOUT = 60


def _line(key: str, **params: object) -> str:
    return strip_tags(Catalog.load().render(Msg.of(key, **params)))


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`buurtbot run …` in an empty directory (no .env) with only the given Buurtbot settings."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WHATSAPP_", "WEBHOOK_", "DATABASE_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=tmp_path,
        timeout=TIMEOUT,
    )


@pytest.fixture
def fake_api() -> Iterator[str]:
    """The fake Bot API in its own process (its token is 123:abc); yields PTB's base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.telegram_api", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_webhook_without_url_names_it_before_touching_the_database(tmp_path: Path) -> None:
    result = _run(tmp_path, "--webhook", TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_WEBHOOK_SECRET="s3cret")
    assert result.returncode == 2
    expected = _line("cli.needs_setting", variable="WEBHOOK_URL", mode="buurtbot run --webhook")
    assert result.stderr.strip().splitlines() == [expected]
    assert "WEBHOOK_URL" in expected
    assert not (tmp_path / "data").exists()  # no database was created or migrated


def test_webhook_without_secret_names_it(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "--webhook", TELEGRAM_BOT_TOKEN="123:abc", WEBHOOK_URL="https://bot.example.nl/webhook"
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        _line("cli.needs_setting", variable="TELEGRAM_WEBHOOK_SECRET", mode="buurtbot run --webhook")
    ]


def test_malformed_webhook_url_is_a_bad_setting(tmp_path: Path) -> None:
    result = _run(tmp_path, "--webhook", TELEGRAM_BOT_TOKEN="123:abc", WEBHOOK_URL="bot.example.nl/webhook")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(_line("cli.bad_setting", variable="WEBHOOK_URL", problem="").rstrip())


def test_token_refused_by_the_bot_api(tmp_path: Path, fake_api: str) -> None:
    result = _run(tmp_path, TELEGRAM_BOT_TOKEN="999:wrong", TELEGRAM_API_BASE_URL=fake_api)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == _line("cli.telegram_refused")
    assert "Traceback" not in result.stderr


def test_unreachable_bot_api_names_the_base_url(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/bot"
    result = _run(tmp_path, TELEGRAM_BOT_TOKEN="123:abc", TELEGRAM_API_BASE_URL=url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == _line("cli.telegram_unreachable", url=url)
    assert "Traceback" not in result.stderr
