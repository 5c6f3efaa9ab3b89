"""Parse a webhook body as JSON within a nesting limit: one guard for every platform's webhook.

Why: ``json.loads`` recurses once per level, so a body nested 100,000 deep raised RecursionError,
which the webhooks did not expect: a 500 with a traceback in the log for every such post. A body
a little less deep would parse and then recurse again in the update parsers. Real Telegram and
WhatsApp payloads nest about ten levels; anything deeper than :data:`MAX_DEPTH` is refused before
it is parsed.
"""

from __future__ import annotations

import json
import operator
import re
from itertools import accumulate, repeat
from typing import Any

MAX_DEPTH = 64
# Real updates hold tens of arrays/objects; 200,000 tiny ones in 0.8 MB took json.loads most of a
# second (every container is a tracked object for the garbage collector), holding the event loop.
MAX_CONTAINERS = 10_000

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')  # strings may hold brackets; they do not nest
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # opening +1, closing -1 (after subtracting 1)


class BadJson(ValueError):
    """Not JSON, or nested deeper than allowed; the webhook answers 400."""


def load_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed body; raises :class:`BadJson` (a ValueError) for anything a webhook should refuse."""
    body = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if too_deep(body, max_depth):
        raise BadJson(f"JSON nested deeper than {max_depth} levels")
    if too_many_containers(body):
        raise BadJson(f"JSON with more than {MAX_CONTAINERS} arrays and objects")
    try:
        return json.loads(body)
    except RecursionError:  # cannot happen after the check; kept as a second line of defence
        raise BadJson("JSON nested too deep") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise BadJson(str(error)) from None


def too_deep(body: bytes, limit: int) -> bool:
    """True when arrays/objects nest deeper than ``limit``.

    Linear and in C (one regex, translate, accumulate, max): a Python loop over a 1 MB body of brackets
    would hold the event loop for a second on a small server.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # fewer brackets than the limit cannot nest deeper than it
    brackets = _STRING.sub(b"", body).translate(_STEPS, _NOT_BRACKETS)
    return max(accumulate(map(operator.add, brackets, repeat(-1))), default=0) > limit


def too_many_containers(body: bytes, limit: int = MAX_CONTAINERS) -> bool:
    """True when the body holds more arrays and objects than ``limit`` (brackets in strings excepted)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    outside_strings = _STRING.sub(b"", body)
    return outside_strings.count(b"[") + outside_strings.count(b"{") > limit
