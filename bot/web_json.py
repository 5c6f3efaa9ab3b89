"""Parse a webhook body as JSON within a nesting limit: one guard for every platform's webhook.

Why: ``json.loads`` recurses once per level, so a body nested 100,000 deep raised RecursionError,
which the webhooks did not expect: a 500 with a traceback in the log for every such post. A body
a little less deep would parse and then recurse again in the update parsers. Real Telegram and
WhatsApp payloads nest about ten levels; anything deeper than :data:`MAX_DEPTH` is refused.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class BadJson(ValueError):
    """Not JSON, or nested deeper than allowed; the webhook answers 400."""


def load_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed body; raises :class:`BadJson` (a ValueError) for anything a webhook should refuse."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BadJson("JSON nested too deep") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise BadJson(str(error)) from None
    if _depth_exceeds(data, max_depth):
        raise BadJson(f"JSON nested deeper than {max_depth} levels")
    return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    # Iterative, so checking cannot recurse either; each value is visited once.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
