"""Hostile input stays linear: each shape of 4,096 characters costs a bounded number of scanned
characters per input character, counted by an injected :class:`Budget` (no wall-clock timing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.reports.parser import parse
from handlers.reports.text import Budget

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
SIZE = 4096
# Characters handed to the regex engine per input character, all extractors together.
PER_CHAR = 60


def _fill(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


SHAPES = {
    "spaces": lambda n: "a" + " " * (n - 2) + "b",
    "newlines": lambda n: "\n" * n,
    "spaces and newlines": lambda n: _fill(" \n \t", n),
    "repeated word": lambda n: _fill("straat ", n),
    "repeated street": lambda n: _fill("Dubbeldamseweg Zuid 45 ", n),
    "repeated cue words": lambda n: _fill("om richting 112 niet gebeld kenteken begon met ", n),
    "digits": lambda n: "1" * n,
    "digits and spaces": lambda n: _fill("12 ", n),
    "dashes": lambda n: "-" * n,
    "dashes and digits": lambda n: _fill("12-", n),
    "plate-like": lambda n: _fill("GX12BZ", n),
    "emoji": lambda n: "🚨" * (n // 2),
    "no spaces": lambda n: "a" * n,
    "no spaces, street suffix": lambda n: _fill("abcstraat", n),
    "letters and digits": lambda n: _fill("ab12", n),
    "punctuation": lambda n: _fill("!?.,;:", n),
    "people and tools": lambda n: _fill("twee jongens met een koevoet ", n),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_hostile_shape_costs_linear_work(shape: str) -> None:
    small, large = Budget(), Budget()
    parse(SHAPES[shape](SIZE), NOW, budget=small)
    parse(SHAPES[shape](2 * SIZE), NOW, budget=large)
    assert small.used <= PER_CHAR * SIZE, small
    # Twice the input, about twice the work (a quadratic extractor would make it four times).
    assert large.used <= 2.3 * small.used + 10_000, (small, large)


def test_an_exhausted_budget_leaves_fields_empty_instead_of_stalling() -> None:
    report = parse(
        "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station",
        NOW,
        budget=Budget(limit=10),
    )
    assert report.location is None and report.person is None
    assert report.category is not None  # what does not scan details is still found


def test_the_default_budget_is_enough_for_a_long_real_message() -> None:
    text = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld. " * 45
    report = parse(text[:4096], NOW)
    assert report.location is not None and report.location.text == "Dubbeldamseweg 120"
    assert report.called_112 is True and report.direction == "station"
