"""The "Bedoel je …?" question, shared by /wijk in handlers/core.py and the places buttons."""

from __future__ import annotations

from typing import Protocol

from handlers.types import Button, Msg, Reply

CALLBACK = "pl"


class _Area(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def suggest(name: str, suggestion: _Area) -> Reply:
    """ "Bedoel je Oud Krispijn?" with Ja / Nee buttons (pressed by any admin of the group)."""
    return Reply(
        (Msg.of("places.did_you_mean", name=name[:100], suggestion=suggestion.name),),
        buttons=(
            (
                Button(Msg.of("places.button_yes"), f"{CALLBACK}:pick:{suggestion.id}"),
                Button(Msg.of("places.button_no"), f"{CALLBACK}:no:0"),
            ),
        ),
    )
