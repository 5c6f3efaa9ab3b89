"""Where something happened: a street (and house number) or just "hier in de wijk".

Dutch street names end in a small set of words (-straat, -weg, -laan …), which finds them even when
typed in lower case. Capitalised words before the street word join the name ("Johan de Wittstraat")
unless they are ordinary words a sentence starts with ("Verdachte", "Inbraak").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENERIC = "hier in de wijk"

_SUFFIXES = (
    "straat", "weg", "laan", "plein", "kade", "singel", "gracht", "dijk", "hof", "park", "pad", "steeg",
    "plantsoen", "dreef", "veld", "haven", "markt", "wal", "dam", "burcht", "boulevard", "baan",
    "promenade", "oord", "allee", "brug", "straatweg",
)  # fmt: skip
# Words that end like a street but are not one.
_NOT_STREETS = frozenset({
    "onderweg", "halfweg", "allerweg", "amsterdam", "rotterdam", "zaandam", "schiedam", "edam",
    "volendam", "spaarndam", "loopbaan", "rijbaan", "rijstrook", "ophaalbrug", "speelveld",
})  # fmt: skip
_PARTICLES = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "la", "le", "du"})
# Capitalised sentence starters that are never part of a street name.
_STARTERS = frozenset({
    "bij", "op", "in", "aan", "hoek", "de", "het", "een", "verdachte", "verdacht", "man", "vrouw",
    "inbraak", "diefstal", "brand", "let", "pas", "ik", "wij", "we", "er", "hier", "nu", "net", "zojuist",
    "gisteren", "vannacht", "vanavond", "vanochtend", "auto", "busje", "scooter", "melding", "overlast",
    "vernieling", "vermist", "babbeltruc", "jongen", "jongens", "opgelet", "waarschuwing", "let op",
    "langs", "naast", "voor", "achter", "tegenover", "richting", "naar", "via", "over", "ter", "thv",
    "zag", "zie", "twee", "drie", "vier", "mannen", "personen", "iemand", "politie",
})  # fmt: skip
_STREET_WORD = re.compile(
    r"(?<![\w-])((?:[^\W\d_][\w'-]*?)?(" + "|".join(_SUFFIXES) + r"))(?![\w'-])", re.IGNORECASE
)
_NUMBER = re.compile(
    r"\s*(?:nr\.?|nummer|no\.?)?\s*(\d{1,4}(?!\d)(?:\s?[a-zA-Z](?!\w))?(?:-\d{1,3}(?!\d))?)(?![.:,]\d)"
)
_PREPOSITION = re.compile(
    r"(?:bij|op|aan|in|hoek|naast|langs|tegenover|ter hoogte van|thv|via|vanaf|achter|voor)"
    r"(?:\s+(?:de|het))?\s+$"
)
_WIJK = re.compile(
    r"(?<!\w)(?:hier\s+)?(?:in|bij\s+ons\s+in)\s+(?:de|onze|ons)\s+(?:wijk|buurt|straat|flat|portiek)(?!\w)"
)
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'.-]*)\s+$")


@dataclass(frozen=True)
class Place:
    """A place in the neighbourhood; ``text`` is what we show ("Dubbeldamseweg 120")."""

    text: str
    street: str | None = None
    house_number: str | None = None
    start: int = 0

    @property
    def generic(self) -> bool:
        return self.street is None

    def to_json_dict(self) -> dict[str, object]:
        return {"text": self.text, "street": self.street, "house_number": self.house_number}


def _extend_left(raw: str, start: int) -> int:
    """Join capitalised words and particles before the street word ("Johan de Wittstraat")."""
    best = start
    cursor = start
    for _ in range(3):
        word = _WORD_BEFORE.search(raw, max(0, cursor - 40), cursor)
        if not word or word.group(1).lower() in _STARTERS - _PARTICLES:
            break
        text = word.group(1)
        if text[0].isupper():
            best = cursor = word.start()
        elif text.lower() in _PARTICLES:
            cursor = word.start()
        else:
            break
    return best


def _capitalise(name: str) -> str:
    return name[0].upper() + name[1:] if name.islower() else name


def find_street(low: str, raw: str, skip: tuple[tuple[int, int], ...] = ()) -> Place | None:
    """The first street outside the ``skip`` spans (e.g. the destination in a direction phrase)."""
    for match in _STREET_WORD.finditer(raw):
        if match.group(1).lower() in _NOT_STREETS or any(a <= match.start() < b for a, b in skip):
            continue
        number = _NUMBER.match(raw, match.end())
        prefix = len(match.group(1)) - len(match.group(2))
        if prefix < 3 and not (prefix == 0 and number and match.group(1)[0].isupper()):
            continue  # "weg" in "rende weg" is no street; "Singel 200" is
        after_preposition = _PREPOSITION.search(low, max(0, match.start() - 30), match.start())
        proper = match.group(1)[0].isupper() or after_preposition is not None
        if not number and not proper:
            continue
        start = _extend_left(raw, match.start())
        street = _capitalise(raw[start : match.end()])
        house = number.group(1).replace(" ", "").upper() if number else None
        text = f"{street} {house}" if house else street
        return Place(text, street, house, start)
    return None


def find_place(low: str, raw: str, skip: tuple[tuple[int, int], ...] = ()) -> Place | None:
    """A street if one is named, else "hier in de wijk" when the message says so."""
    if street := find_street(low, raw, skip):
        return street
    if wijk := _WIJK.search(low):
        return Place(GENERIC, start=wijk.start())
    return None
