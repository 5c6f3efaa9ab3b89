"""A catalog message as a value: a key and its parameters (the lowest layer; everything may import it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _empty_params() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Msg:
    """A catalog message: a key and its parameters. Parameters are user text and get escaped."""

    key: str
    params: Mapping[str, object] = field(default_factory=_empty_params)

    @staticmethod
    def of(key: str, **params: object) -> Msg:
        return Msg(key, MappingProxyType(dict(params)))
