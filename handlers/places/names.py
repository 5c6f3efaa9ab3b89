"""Find the area a person means: "Oud Krispijn" = "oud-krispijn", and "Krispyn" → "Bedoel je …?".

Names are compared folded (case, diacritics, hyphens, slashes and a leading "wijk"/"buurt" do not
count); a near miss is scored with rapidfuzz, so a typo suggests the right wijk instead of quietly
creating a second one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from rapidfuzz import fuzz, process

# A suggestion needs this rapidfuzz WRatio score (0–100); below it the name is simply unknown.
SUGGEST_SCORE = 80.0
# Names of places have at most this many words ("Laan der Verenigde Naties Noord").
MAX_NAME_WORDS = 6
_SEPARATORS = re.compile(r"[\s\-_/.,'’]+")
_PREFIX = re.compile(r"^(?:de\s+)?(?:wijk|buurt)\s+(?:\d+\s+)?")


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


T = TypeVar("T", bound=Named)


@dataclass(frozen=True)
class NameMatch(Generic[T]):
    """``exact`` when the name is known; otherwise the closest ``suggestion`` (or nothing)."""

    exact: T | None
    suggestion: T | None


def fold(name: str) -> str:
    """'Oud-Krispijn', 'oud krispijn' and 'Wijk 03 Oud Krispijn' all fold to 'oud krispijn'."""
    text = unicodedata.normalize("NFKD", name[:200])
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _SEPARATORS.sub(" ", text).strip()
    return _PREFIX.sub("", text).strip()


def match_name(areas: Sequence[T], name: str) -> NameMatch[T]:
    """The area called ``name``, or the one it most likely misspells (wijken before buurten)."""
    wanted = fold(name)
    if not wanted:
        return NameMatch(None, None)
    folded = [fold(area.name) for area in areas]
    for area, key in zip(areas, folded, strict=True):
        if key == wanted:
            return NameMatch(area, None)
    best = process.extractOne(wanted, folded, scorer=_score, score_cutoff=SUGGEST_SCORE)
    if best is None:
        return NameMatch(None, None)
    _, score, _ = best
    ties = [i for i, key in enumerate(folded) if _score(wanted, key) >= score]
    ties.sort(key=lambda i: (areas[i].kind != "wijk", len(folded[i])))
    return NameMatch(None, areas[ties[0]])


def _score(wanted: str, key: str, **_: object) -> float:
    """Whole-name similarity, or a typo in one word of a longer name ("krispyn" ~ "oud krispijn")."""
    whole = fuzz.WRatio(wanted, key)
    if " " in wanted:
        return whole
    return max(whole, *(fuzz.ratio(wanted, word) for word in key.split() if len(word) > 3), 0.0)


@dataclass(frozen=True)
class PrefixMatch(Generic[T]):
    """An area named at the start of ``text`` and what follows it."""

    area: T | None
    rest: str
    suggestion: T | None = None


def match_prefix(areas: Sequence[T], text: str) -> PrefixMatch[T]:
    """'Oud Krispijn Let op: inbraken' → (Oud Krispijn, 'Let op: inbraken'); the longest known name
    wins. Without an exact name, the first word(s) are checked for a near miss to suggest."""
    words = text.split()
    for count in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        found = match_name(areas, " ".join(words[:count])).exact
        if found is not None:
            return PrefixMatch(found, " ".join(words[count:]))
    for count in range(min(3, len(words)), 0, -1):
        suggestion = match_name(areas, " ".join(words[:count])).suggestion
        if suggestion is not None:
            return PrefixMatch(None, " ".join(words[count:]), suggestion)
    return PrefixMatch(None, text)
