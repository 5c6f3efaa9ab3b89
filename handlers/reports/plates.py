"""Dutch licence plates (kentekens) in every sidecode, with or without dashes or spaces, and the
partial plates witnesses remember ("begon met 12-", "eindigt op -RT").

Each sidecode is a distinct pattern of six letters and digits ("XX-99-99" … "999-XX-9"): the
letter/digit shape of a plate alone, without any separator, picks exactly one sidecode, so
"GXZ12B" is written back as "GXZ-12-B". The RDW letter rules keep chatter out: since sidecode 4 no
vowels and no C or Q (they look like a zero); the combinations GVD, KKK, NSB, PKK, PSV, TBS, SS, SD,
PVV, SGP and VVD are never issued (kept for generators; a witness may misread, so we do not reject
them). Old sidecodes 1-3 did use vowels; those plates count only when written with dashes,
as does a dashed plate right after "kenteken" (what the witness read, even if mis-read).
Plates written in lower case with spaces ("gx 12 bz") count only after "kenteken" or "plate".

One pass finds every window of six letters/digits with optional single separators (bounded
length, so linear); each window is then checked against the sidecode table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.reports.text import Budget, Scan

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

# Letters the RDW issues since sidecode 4 (no vowels, no C, Q or Y).
PLATE_LETTERS = "BDFGHJKLMNPRSTVWXZ"
FORBIDDEN = ("GVD", "KKK", "NSB", "PKK", "PSV", "TBS", "SS", "SD", "PVV", "SGP", "VVD")
# Consonant-only chat words in a sidecode shape, when typed in lower case ("3-mrt-25" is a date).
_NOT_LETTERS = frozenset({"mrt"})

_SHAPES = {code.replace("-", ""): number for number, code in enumerate(SIDECODES, start=1)}
_WINDOW = re.compile(r"(?<![^\W_])(?=([A-Za-z0-9](?:[- .]?[A-Za-z0-9]){5})(?![^\W_]))")
_CUE = re.compile(r"(?:kenteken|nummerbord|nummerplaat|plaat|plate|reg)\W{0,3}$")
_HAS_DIGIT = re.compile("[0-9]")

_PARTIAL = re.compile(
    r"(?<!\w)(?:(begon|begint|beginnend|beginnen|start|startte|startend|starts?|started|begins?|began)"
    r"|(eindigt|eindigde|eindigend|eindigen|eindig|ends?|ended|ending))"
    r"\s+(?:met|op|with|in|on)\s+(?:een\s+|an?\s+)?"
    r"(-?[A-Za-z0-9]{1,4}(?:[- ][A-Za-z0-9]{1,3})?-?)(?![\w-])"
)
# "de letters XH in het kenteken", "cijfers 12 zaten in de nummerplaat": a part from the middle.
_CONTAINS = re.compile(
    r"(?<!\w)(?:letters?|cijfers?|letter|digits?)\s+([A-Za-z]{1,3}|\d{1,3})\s+"
    r"(?:in|op|van|zaten in|on|in the)\s+(?:het\s+|de\s+|the\s+)?"
    r"(?:kenteken|nummerbord|nummerplaat|plaat|plate)"
)
# Belgian plates (Flemish texts, cars from across the border): 1-ABC-123, always with dashes.
_BELGIAN = re.compile(r"(?<![^\W_])([1-9])-([A-Z]{3})-(\d{3})(?![^\W_])")
_PLATE_CUE = re.compile(r"(?<!\w)(?:kenteken|nummerbord|nummerplaat|plaat|plate|registration)")


@dataclass(frozen=True)
class Plate:
    """A plate found in a message: the dashed form, its sidecode and where it was."""

    text: str
    sidecode: int
    start: int
    end: int


def _layout(written: str) -> tuple[str, tuple[int, ...], str] | None:
    """The six characters, where separators stood (after which character), and the separator."""
    chars: list[str] = []
    cuts: list[int] = []
    seps = set()
    for ch in written:
        if ch.isalnum():
            chars.append(ch)
        else:
            cuts.append(len(chars))
            seps.add(ch)
    if len(seps) > 1:
        return None
    return "".join(chars), tuple(cuts), seps.pop() if seps else ""


def _letters_ok(sidecode: int, groups: list[str], dashed: bool, cue: bool) -> bool:
    if any(g in _NOT_LETTERS for g in groups):
        return False
    letters = [g.upper() for g in groups if g.isalpha()]
    consonants = all(ch in PLATE_LETTERS for g in letters for ch in g)
    if sidecode <= 3 or (cue and dashed):
        return consonants or dashed  # old plates had vowels; "kenteken 12-ABC-3" is what was read
    # The RDW never issues FORBIDDEN combinations, but a witness may misread one: not a reason to drop it.
    return consonants


def classify(written: str, cue: bool = False) -> Plate | None:
    """The plate ``written`` is (start/end 0), or None; ``cue``: "kenteken" came just before."""
    layout = _layout(written)
    if layout is None:
        return None
    chars, cuts, sep = layout
    shape = "".join("9" if ch.isdigit() else "X" for ch in chars)
    sidecode = _SHAPES.get(shape)
    if sidecode is None:
        return None
    code = SIDECODES[sidecode - 1]
    sizes = [len(part) for part in code.split("-")]
    bounds = (sizes[0], sizes[0] + sizes[1])
    if cuts and cuts != bounds:
        return None  # "AB 12-CD", "A-B1234": separators must stand at both sidecode boundaries
    if not _HAS_DIGIT.search(chars):
        return None
    groups = [chars[: bounds[0]], chars[bounds[0] : bounds[1]], chars[bounds[1] :]]
    if sep == " " and not cue and not all(g.isdigit() or g.isupper() for g in groups):
        return None  # lower-case words split by spaces are prose far more often than plates
    if not _letters_ok(sidecode, groups, sep == "-", cue):
        return None
    return Plate("-".join(groups).upper(), sidecode, 0, len(written))


def find_plates(text: str, budget: Budget | None = None) -> list[Plate]:
    """All plates in ``text``, left to right, overlaps resolved in favour of the earliest."""
    if not _HAS_DIGIT.search(text):
        return []  # every sidecode has digits: most chat lines are done here
    scan = Scan.of(text.lower(), text, budget)
    result: list[Plate] = []
    for match in scan.finditer(_WINDOW, raw=True):
        start, written = match.start(1), match.group(1)
        if result and start < result[-1].end:
            continue
        cue = scan.search(_CUE, start - 14, start) is not None if start else False
        plate = classify(written, cue)
        if plate is not None and all(p.text != plate.text for p in result):
            result.append(Plate(plate.text, plate.sidecode, start, start + len(written)))
        if len(result) >= 5:
            break
    if not result:
        for match in scan.finditer(_BELGIAN, raw=True):
            result.append(Plate(match.group(0), 0, match.start(), match.end()))  # sidecode 0: Belgian
            break
    return result


def find_partial_plate(text: str, budget: Budget | None = None) -> str | None:
    """ "begon met 12-" → "12-…", "kenteken eindigt op -RT" → "…-RT"; None without a plate cue."""
    scan = Scan.of(text.lower(), text, budget)
    for match in scan.finditer(_PARTIAL, raw=True):
        part = match.group(3)
        cued = "-" in part or scan.search(_PLATE_CUE, match.start() - 40, match.end() + 10) is not None
        core = part.strip("-").replace(" ", "-").upper()
        if not cued:
            continue
        if core.isalpha() and any(ch not in PLATE_LETTERS for ch in core.replace("-", "")):
            continue  # "begon met een" is no plate
        return f"{core}-…" if match.group(1) else f"…-{core}"
    if inside := scan.search(_CONTAINS, raw=True):
        return f"…{inside.group(1).upper()}…"
    return None


def partial_matches(partial: str, plate: str) -> bool:
    """Whether a full plate fits a remembered part ("12-…" fits "12-BDF-3")."""
    core = partial.strip("…").strip("-").replace("-", "")
    bare = plate.replace("-", "")
    if partial.startswith("…") and partial.endswith("…"):
        return core in bare
    return bare.startswith(core) if partial.endswith("…") else bare.endswith(core)


def normalise_plate(text: str) -> str | None:
    """The dashed form of one plate written in any way, or None when it is not a plate."""
    written = text.strip()
    plates = find_plates(written)
    if len(plates) == 1 and plates[0].end - plates[0].start == len(written):
        return plates[0].text
    return None
