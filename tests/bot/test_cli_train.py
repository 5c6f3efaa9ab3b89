"""``buurtbot train`` through the real command line: it says what it trained on and writes plain data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from handlers.understanding.model import load


def test_train_without_shared_says_so_and_writes_a_loadable_artefact(tmp_path: Path) -> None:
    output = tmp_path / "model.npz"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "train", "--repo-only", "--output", str(output)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "repository corpus alone" in result.stdout
    assert str(output) in result.stdout
    model = load(output)
    assert model.meta["shared"] is False
    with np.load(output, allow_pickle=False) as arrays:
        assert arrays["weights"].dtype == np.float16
    assert model.predict("dank jullie wel!").best("kind")[0] == "chatter"
