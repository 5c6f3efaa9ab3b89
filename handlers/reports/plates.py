"""Dutch licence plates (kentekens) in every sidecode, with or without dashes or spaces.

Each sidecode is a distinct sequence of letter/digit groups, so a plate written without separators
("GXZ12B") still maps to exactly one sidecode and can be written back in the dashed form.
Letters on Dutch plates exclude vowels and C/Q since sidecode 4; we accept those consonants in any
form, and any letter only when every group is separated by a dash (a clear sign of a plate), so
ordinary words ("2 man 10") are not mistaken for plates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letter groups are "X", digit groups "9", in RDW order: sidecode n is SIDECODES[n - 1].
SIDECODES: tuple[str, ...] = (
    "XX-99-99",
    "99-99-XX",
    "99-XX-99",
    "XX-99-XX",
    "XX-XX-99",
    "99-XX-XX",
    "99-XXX-9",
    "9-XXX-99",
    "XX-999-X",
    "X-999-XX",
    "XXX-99-X",
    "X-99-XXX",
    "9-XX-999",
    "999-XX-9",
)

PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"
_CONSONANT = f"[{PLATE_LETTERS}{PLATE_LETTERS.lower()}]"
_ANY_LETTER = "[A-Za-z]"
_SEP = r"[- .]"
_EDGE_BEFORE = r"(?<![^\W_])"
_EDGE_AFTER = r"(?![^\W_])"
_HAS_DIGIT = re.compile("[0-9]")


def _group(kind: str, letter: str) -> str:
    return f"({letter}{{{len(kind)}}})" if kind[0] == "X" else f"([0-9]{{{len(kind)}}})"


def _pattern(sidecode: str, letter: str, sep: str) -> re.Pattern[str]:
    # The first boundary names the separator; the second must repeat it ("AB 12-CD" is no plate).
    first, second, third = (_group(kind, letter) for kind in sidecode.split("-"))
    body = f"{first}(?P<sep>{sep}){second}(?P=sep){third}"
    return re.compile(_EDGE_BEFORE + body + _EDGE_AFTER)


# Loose: consonants only, boundaries empty, a dash, a dot or a space (the same at both).
# Strict: any letter, but dashes required at every boundary.
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (number, _pattern(code, letter, sep))
    for number, code in enumerate(SIDECODES, start=1)
    for letter, sep in ((_CONSONANT, _SEP + "?"), (_ANY_LETTER, "-"))
)


def _plausible(groups: tuple[str, ...], sep: str) -> bool:
    # Lower-case words split by spaces ("nr 12 34") are prose far more often than plates.
    return sep != " " or all(group.isdigit() or group.isupper() for group in groups)


@dataclass(frozen=True)
class Plate:
    """A plate found in a message: the dashed form, its sidecode and where it was."""

    text: str
    sidecode: int
    start: int
    end: int


def find_plates(text: str) -> list[Plate]:
    """All plates in ``text``, left to right, overlaps resolved in favour of the earliest."""
    found: list[Plate] = []
    if not _HAS_DIGIT.search(text):
        return found  # every sidecode has digits: most chat lines are done here
    for sidecode, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = (match.group(1), match.group(3), match.group(4))
            if not _plausible(groups, match.group("sep")):
                continue
            dashed = "-".join(groups).upper()
            found.append(Plate(dashed, sidecode, match.start(), match.end()))
    found.sort(key=lambda plate: (plate.start, -(plate.end - plate.start)))
    result: list[Plate] = []
    for plate in found:
        if not result or plate.start >= result[-1].end:
            result.append(plate)
    return result


def normalise_plate(text: str) -> str | None:
    """The dashed form of one plate written in any way, or None when it is not a plate."""
    plates = find_plates(text.strip())
    if len(plates) == 1 and plates[0].end - plates[0].start == len(text.strip()):
        return plates[0].text
    return None
