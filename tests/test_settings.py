"""Wrong settings stop start-up with one friendly line that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LOCALE", "fr"),
        ("DATABASE_URL", "mysql://x"),
        ("DIALOG_TIMEOUT_MINUTES", "nul"),
        ("MAX_TEXT_LENGTH", "5"),
        ("TELEGRAM_BOT_TOKEN", "my-token"),
        ("TELEGRAM_API_BASE_URL", "localhost:8081/bot"),
        ("WEBHOOK_URL", "bot.example.nl/webhook/telegram"),
    ],
)
def test_wrong_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert caught.value.variable == variable


def test_defaults_and_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("BEHEERDERS", " telegram:1 ,console:Ans,")
    settings = load_settings(_env_file=None)
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.timezone == "Europe/Amsterdam" and settings.default_locale == "nl"
    assert settings.beheerders == ("telegram:1", "console:Ans")
    assert settings.is_beheerder("console", "ans") and not settings.is_beheerder("telegram", "2")


def test_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "TIMEZONE": "Mars/Olympus"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Instelling TIMEZONE klopt niet: unknown time zone 'Mars/Olympus'"
    ]


def _documented_names() -> set[str]:
    example = Path(__file__).resolve().parents[1] / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#") and "=" in line}


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    assert _documented_names() == fields


def test_env_example_as_it_is_starts_the_bot(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / ".env.example"
    settings = Settings(_env_file=example)  # type: ignore[call-arg]
    assert settings.default_locale == "nl"
    assert settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value()
