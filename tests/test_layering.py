"""Layers point one way: messages < config < storage < handlers < bot, and only bot/ meets platforms.

Handlers, storage, config and messages import no platform library (telegram, aiohttp, pywa), and no
package imports one above it: a handler never reaches into bot/, a message catalog never into handlers/.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = {"telegram", "aiohttp", "pywa", "pywa_async", "httpx"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_packages_do_not_import_platform_libraries() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & PLATFORM_LIBRARIES)
        for folder in ("handlers", "storage", "config", "messages")
        for path in (ROOT / folder).rglob("*.py")
        if _imported_roots(path) & PLATFORM_LIBRARIES
    }
    assert offenders == {}


# Lower first: a package may import itself and any package before it, never one after it.
LAYERS = ("messages", "config", "storage", "handlers", "bot")


def test_no_package_imports_a_layer_above_it() -> None:
    offenders: dict[str, list[str]] = {}
    for rank, folder in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path in (ROOT / folder).rglob("*.py"):
            wrong = sorted(_imported_roots(path) & above)
            if wrong:
                offenders[str(path.relative_to(ROOT))] = wrong
    assert offenders == {}


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from telegram import Bot\nimport aiohttp.web\n", encoding="utf-8")
    assert _imported_roots(sample) >= {"telegram", "aiohttp"}
