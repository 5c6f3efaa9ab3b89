"""`buurtbot campagnes` lists every shipped campaign with its next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from handlers.campaigns.model import load_campaigns


def test_cli_lists_every_campaign_with_its_next_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["campagnes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Campagnes")
    for campaign in load_campaigns():
        line = next(line for line in lines if line.startswith(f"{campaign.id}: "))
        assert "volgende keer 20" in line
        assert ("standaard uit" in line) is (campaign.id == "groep-werkt-nog")


def test_grace_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.settings import SettingsError, load_settings

    monkeypatch.setenv("CAMPAIGN_MISFIRE_GRACE_MINUTES", "-5")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert caught.value.variable == "CAMPAIGN_MISFIRE_GRACE_MINUTES"
    monkeypatch.setenv("CAMPAIGN_MISFIRE_GRACE_MINUTES", "30")
    assert load_settings(_env_file=None).campaign_misfire_grace_minutes == 30


def test_a_broken_services_file_stops_start_up_with_a_clear_error(tmp_path: Path) -> None:
    from bot.app import build_app
    from config.settings import load_settings
    from messages.services import ServicesError

    broken = tmp_path / "gemeente.toml"
    broken.write_text('[services.veilig_thuis]\nphone = "bel ons"\n', encoding="utf-8")
    settings = load_settings(
        _env_file=None, services_file=str(broken), database_url="sqlite+aiosqlite:///:memory:"
    )
    with pytest.raises(
        ServicesError, match=r"gemeente\.toml \(over .*\): services\.veilig_thuis\.phone: 'bel"
    ):
        build_app(settings)
