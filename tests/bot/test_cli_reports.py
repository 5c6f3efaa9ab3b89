"""``buurtbot parse`` and ``buurtbot purge`` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from handlers.reports.parser import JSON_KEYS

NOW = "2026-11-22T21:30:00+00:00"


def _run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_parse_one_text_prints_one_json_object(tmp_path: Path) -> None:
    text = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld"
    result = _run(tmp_path, "parse", text, "--now", NOW)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert tuple(data) == JSON_KEYS
    assert data["category"] == "verdachte_situatie"
    assert data["location"]["text"] == "Dubbeldamseweg 120"
    assert (data["kind"], data["situation"], data["lang"]) == ("report", None, "nl")
    # Whether a fleeing suspect is still a danger is the model's call (measured in bench/understanding).
    assert data["in_progress"] in (True, None) and isinstance(data["danger_now"], bool)
    assert data["called_112"] is True and data["licence_plate"] is None


def test_parse_reads_stdin_one_json_per_line_in_order(tmp_path: Path) -> None:
    stdin = (
        "bedankt!\nkenteken gxz12b reed weg richting Zwijndrecht\n"
        "<b>&amp;</b> 🚨 \u202eשלום\n\nom 22.15 inbraak bezig\n"
    )
    result = _run(tmp_path, "parse", "--now", NOW, stdin=stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert rows[0]["category"] is None and rows[0]["kind"] == "chatter" and rows[0]["confidence"] < 0.4
    assert rows[1]["licence_plate"] == "GXZ-12-B" and rows[1]["direction"] == "Zwijndrecht"
    assert rows[2]["category"] is None
    assert rows[3]["confidence"] == 0 and rows[3]["kind"] == "chatter"
    assert (rows[4]["category"], rows[4]["in_progress"]) == ("inbraak", True)
    assert rows[4]["time"]["at"] == "2026-11-22T22:15:00+01:00"


def test_purge_runs_against_a_fresh_database(tmp_path: Path) -> None:
    result = _run(tmp_path, "purge")
    assert result.returncode == 0, result.stderr
    assert "0 melding(en) ouder dan 30 dagen" in result.stdout


def test_audit_lists_refusals(tmp_path: Path) -> None:
    result = _run(tmp_path, "audit")
    assert result.returncode == 0, result.stderr
    assert "Er is nog niets geweigerd" in result.stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute(
            "INSERT INTO audit (created_at, who, platform, place, action, reason) "
            "VALUES ('2026-11-22 12:00:00', 'p-0123456789abcdef', 'telegram', 'privé', "
            "'knop rp:called:M-0001', 'reason.not_member')"
        )
    lines = _run(tmp_path, "audit").stdout.splitlines()
    assert lines[-1].split("\t") == [
        "2026-11-22 13:00",
        "p-0123456789abcdef",
        "knop rp:called:M-0001",
        "privé",
        "reason.not_member",
    ]
