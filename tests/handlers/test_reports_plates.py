"""Plates on generated messages of every sidecode, partial plates, and no plates in chatter."""

from __future__ import annotations

import pytest

from handlers.reports.plates import SIDECODES, find_partial_plate, find_plates, partial_matches
from tests.plategen import CHATTER, sample, writings


@pytest.mark.parametrize("sidecode", range(1, len(SIDECODES) + 1))
def test_generated_plates_of_each_sidecode(sidecode: int) -> None:
    rows = [row for row in sample(60, seed=sidecode) if row[0] == sidecode]
    found = [(dashed, [p.text for p in find_plates(message)]) for _, message, dashed in rows]
    hits = sum(dashed in plates for dashed, plates in found)
    false = sum(sum(p != dashed for p in plates) for dashed, plates in found)
    assert hits / len(rows) >= 0.98, [(d, p) for d, p in found if d not in p][:5]
    assert hits / max(1, hits + false) >= 0.98


def test_every_writing_of_a_plate_maps_back_to_its_dashed_form() -> None:
    for dashed in ("GX-12-BZ", "12-BDF-3", "1-KBB-12", "XX-999-X", "G-001-BB", "TNX-12-B", "5-TZ-123"):
        for written in writings(dashed):
            if written == " ".join(dashed.split("-")).lower():
                continue  # lower case with spaces needs a "kenteken" cue (below)
            assert [p.text for p in find_plates(f"zag {written} wegrijden")] == [dashed], written


def test_lower_case_with_spaces_counts_after_kenteken() -> None:
    assert [p.text for p in find_plates("kenteken gx 12 bz")] == ["GX-12-BZ"]
    assert find_plates("ik gx 12 bz") == []


@pytest.mark.parametrize("text", CHATTER)
def test_no_plate_in_chatter_times_dates_phones_postcodes(text: str) -> None:
    assert find_plates(text) == []


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("AB-12-CD", None),  # vowel in a modern sidecode (4): never issued
        ("BC-12-DF", None),  # C looks like a zero
        ("QX-12-DF", None),
        ("AB-12-34", "AB-12-34"),  # sidecode 1 had vowels; dashed, so a plate
        ("ab1234", None),  # … but not written bare and lower case
        ("kenteken 12-ABC-3", "12-ABC-3"),  # a dashed plate right after "kenteken": what was read
        ("12-ABC-3", None),
        ("1-jan-24", None),
        ("3-mrt-25", None),
        ("3-MRT-25", "3-MRT-25"),
    ],
)
def test_rdw_letter_rules(text: str, plate: str | None) -> None:
    assert [p.text for p in find_plates(text)] == ([plate] if plate else [])


@pytest.mark.parametrize(
    ("text", "partial"),
    [
        ("kenteken begon met 12-", "12-…"),
        ("het kenteken eindigt op -RT", "…-RT"),
        ("begon met GX-", "GX-…"),
        ("de nummerplaat begon met GX", "GX-…"),
        ("plate started with 7-K", "7-K-…"),
        ("het begon met een ruzie", None),
        ("het begon met 2 mannen", None),
        ("eindigde op de Reeweg", None),
    ],
)
def test_partial_plates(text: str, partial: str | None) -> None:
    assert find_partial_plate(text) == partial


def test_a_partial_plate_fits_full_plates() -> None:
    assert partial_matches("12-…", "12-BDF-3")
    assert partial_matches("…-RT", "GX-12-RT")
    assert not partial_matches("…-RT", "GX-12-BZ")
