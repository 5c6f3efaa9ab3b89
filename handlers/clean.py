"""Clean text at the adapter edge: one function every adapter runs on what people send.

PostgreSQL refuses a NUL character in text and cannot encode a lone surrogate (half of a UTF-16
pair, which JSON's ``\\udc00`` escapes can produce) as UTF-8. One such character in a name or a
message failed every later write for that person: they never got a reply again. NULs are dropped
(they carry nothing a reader sees); lone surrogates become U+FFFD, the usual "unreadable
character" mark, so the text keeps its length and shape.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from handlers.types import Incoming

_SURROGATE = re.compile("[\ud800-\udfff]")
_Value = TypeVar("_Value")


def clean_text(text: str) -> str:
    """``text`` without NUL characters and with lone surrogates replaced by U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def _clean_fields(value: _Value) -> _Value:
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(value):  # type: ignore[arg-type]
        current = getattr(value, field.name)
        if isinstance(current, str):
            cleaned: Any = clean_text(current)
        elif dataclasses.is_dataclass(current) and not isinstance(current, type):
            cleaned = _clean_fields(current)
        else:
            continue
        if cleaned is not current and cleaned != current:
            changes[field.name] = cleaned
    return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]


def clean_incoming(incoming: Incoming) -> Incoming:
    """Every text of an :class:`Incoming` (message, command, names, ids, callback data) cleaned."""
    return _clean_fields(incoming)
