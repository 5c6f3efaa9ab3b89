"""The shared reference files (``../shared`` beside the project): found, or skipped, or failed in CI.

Searched in ``BUURTBOT_SHARED`` if set, else ``shared/`` beside the project root and beside each of its
parents (a git worktree lives deeper than the main checkout). Missing on a developer's machine: the
conformance tests skip. Missing where ``CI=true``: they fail, so CI never passes by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def shared_dir() -> Path | None:
    configured = os.environ.get("BUURTBOT_SHARED")
    # A configured directory is the only one looked at: a wrong setting must not pass unnoticed.
    candidates = [Path(configured)] if configured else [parent / "shared" for parent in ROOT.parents]
    return next((path for path in candidates if (path / "conformance").is_dir()), None)


def conformance_lines(name: str, *, collecting: bool = False) -> list[str]:
    """The non-empty lines of ``conformance/<name>``.

    Missing: fail in CI; otherwise skip the test, or (``collecting``, for ``parametrize``) return
    no lines, which pytest reports as a skipped empty parameter set."""
    found = shared_dir()
    path = found / "conformance" / name if found else None
    if path is None or not path.is_file():
        problem = f"conformance file {name} not found (set BUURTBOT_SHARED to the shared directory)"
        if in_ci():
            pytest.fail(problem)
        if collecting:
            return []
        pytest.skip(problem)
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
