"""Data tables of the real forms the report extractors look for (streets, people, vehicles …).

The tables are TOML files beside this module, read once per process: extending what the parser
understands means adding a row to a table, not growing another regular expression.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from handlers.reports.text import word_tuple

_HERE = Path(__file__).resolve().parent


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed ``<name>.toml`` of this folder (cached: the files never change at run time)."""
    return tomllib.loads((_HERE / f"{name}.toml").read_text(encoding="utf-8"))


def words(name: str, *keys: str) -> frozenset[str]:
    """A list in a table, lower-cased, as a set (``words("places", "suffixes")``)."""
    value: Any = table(name)
    for key in keys:
        value = value[key]
    return frozenset(str(item).lower() for item in value)


def phrases(name: str, *keys: str) -> dict[tuple[str, ...], str]:
    """A list of names as lower-cased word tuples → the name as written ("Albert Heijn")."""
    value: Any = table(name)
    for key in keys:
        value = value[key]
    names = (str(item) for item in value if not any(ch.isdigit() for ch in str(item)))
    return {split: name for name in names if (split := word_tuple(name))}
