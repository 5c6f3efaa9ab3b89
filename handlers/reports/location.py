"""Where something happened: a street with its house number, a crossing, a landmark or a wijk.

Driven by the table ``tables/places.toml``: Dutch street names end in a small set of words
(-straat, -weg, -laan …) or start with one ("Laan der Verenigde Naties"), may carry a compass word
("Dubbeldamseweg Zuid"), and residents also name crossings ("hoek Vrieseweg/Dubbeldamseweg"),
shops ("bij de Albert Heijn") and wijken ("in Krispijn"). Known Dordrecht street names give
lower-case chat input its capitals back and keep multi-word names whole. Everything works on the
message's word list (one pass) plus anchored matches of bounded width, so the cost is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.reports.tables import phrases, words
from handlers.reports.text import Budget, Scan

GENERIC = "hier in de wijk"

_SUFFIXES = tuple(sorted(words("places", "suffixes"), key=len, reverse=True))
_SUFFIX_SET = frozenset(_SUFFIXES)
_SUFFIX_LENGTHS = tuple(sorted({len(suffix) for suffix in _SUFFIXES}))
_COMPASS = words("places", "compass")
_ENGLISH_TYPES = words("places", "english_types")
_NOT_STREETS = words("places", "not_streets")
_NOT_STREET_ENDINGS = tuple(words("places", "not_street_endings"))
_NOT_TOWNS = words("places", "not_towns")
_PARTICLES = words("places", "particles")
_STARTERS = words("places", "starters") - _PARTICLES
_PREPOSITIONS = frozenset(tuple(p.split()) for p in words("places", "prepositions"))
_ARTICLES = words("places", "determiners")
_TOWN_PREPOSITIONS = frozenset({"in", "te", "uit"})
_CROSSING_WORDS = frozenset({"hoek", "kruising", "corner"})


def _by_first(table: dict[tuple[str, ...], str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, name in sorted(table.items(), key=lambda item: -len(item[0])):
        index.setdefault(key[0], []).append((key, name))
    return index


_STREETS = _by_first(phrases("places", "streets"))
_LANDMARKS = _by_first(phrases("places", "landmarks"))
_AREAS = _by_first(phrases("places", "areas"))
_SPOTS = _by_first(phrases("places", "spots"))
SPOT_NAMES = frozenset(" ".join(key) for key in phrases("places", "spots"))

_NUMBER = re.compile(
    r" ?(?:nr\.?|nummer|huisnummer|no\.?|number)? ?(\d{1,4})(?!\d)(?: ?([a-zA-Z])(?!\w))?"
    r"(?: ?- ?(\d{1,4})(?!\d))?(?![.:,]\d)"
    r"(?! ?(?:uur|u|jaar|jr|man|mannen|personen|min|minuten|meter|m|km|keer|euro|x|pm|am)(?!\w))"
)
_CROSS = re.compile(r" ?(?:/|&|\+| en | hoek | x | and ) ?")
_WIJK = re.compile(
    r"(?<!\w)(?:hier\s+)?(?:in|bij\s+ons\s+in)\s+(?:de|onze|ons)\s+(?:wijk|buurt|straat|flat|portiek)(?!\w)"
)


@dataclass(frozen=True)
class Place:
    """A place in the neighbourhood; ``text`` is what we show ("Dubbeldamseweg Zuid 45")."""

    text: str
    street: str | None = None
    house_number: str | None = None
    start: int = 0
    cross_street: str | None = None
    landmark: str | None = None
    area: str | None = None  # a wijk, buurt or town
    spot: str | None = None  # "tuin", "balkon": every street has one

    @property
    def generic(self) -> bool:
        """No street named (a landmark, a wijk or "hier in de wijk" only)."""
        return self.street is None

    @property
    def street_label(self) -> str | None:
        """The street part as stored and shown: "hoek Vrieseweg/Dubbeldamseweg", no house number."""
        if self.street is None:
            return None
        label = f"hoek {self.street}/{self.cross_street}" if self.cross_street else self.street
        return f"{label} ({self.landmark})" if self.landmark else label

    def to_json_dict(self) -> dict[str, object]:
        """``text``, ``street``, ``house_number`` always; crossing, landmark and wijk when named."""
        data: dict[str, object] = {"text": self.text, "street": self.street}
        data["house_number"] = self.house_number
        extra = {"cross_street": self.cross_street, "landmark": self.landmark}
        extra.update(area=self.area, spot=self.spot)
        data.update({key: value for key, value in extra.items() if value is not None})
        return data


@dataclass(frozen=True)
class _Span:
    first: int  # index of the first word
    last: int  # index of the last word
    name: str
    known: bool = False


class _Places:
    """One message's words and the lookups the place finder makes on them."""

    def __init__(self, scan: Scan, skip: tuple[tuple[int, int], ...]) -> None:
        self.scan = scan
        self.words = scan.words()
        self._skipped = [any(a <= w.start < b for a, b in skip) for w in self.words] if skip else None

    def skipped(self, index: int) -> bool:
        return self._skipped is not None and self._skipped[index]

    def joined(self, left: int, right: int) -> bool:
        """Words ``left`` and ``right`` (adjacent) stand one space apart."""
        return self.scan.gap(self.words[left], self.words[right]) == " "

    def capital(self, index: int) -> bool:
        return self.scan.raw[self.words[index].start].isupper()

    def phrase_at(self, index: int, table: dict[str, list[tuple[tuple[str, ...], str]]]) -> _Span | None:
        """The longest name of ``table`` whose words start at word ``index``."""
        for key, name in table.get(self.words[index].low, ()):
            last = index + len(key) - 1
            if last >= len(self.words):
                continue
            lows = tuple(self.words[i].low for i in range(index, last + 1))
            if lows == key and all(self.joined(i, i + 1) for i in range(index, last)):
                return _Span(index, last, name, known=True)
        return None

    def after_preposition(self, index: int) -> bool:
        """A place word ("bij", "op de", "ter hoogte van", "in front of the") comes right before."""
        i = index - 1
        if i >= 0 and self.words[i].low in _ARTICLES and self.joined(i, index):
            i -= 1
        for size in (1, 2, 3):
            first = i - size + 1
            if first < 0:
                break
            lows = tuple(self.words[k].low for k in range(first, i + 1))
            if lows in _PREPOSITIONS:
                return True
        return False

    def raw_text(self, span: _Span) -> str:
        text = self.scan.raw[self.words[span.first].start : self.words[span.last].end]
        return text[0].upper() + text[1:] if text.islower() else text


def _street_word(low: str) -> bool:
    """A compound ending in a street suffix with at least three letters before it ("Reeweg")."""
    if len(low) < 6:
        return False
    base = low.rsplit("-", 1)[0] if "-" in low and low.rsplit("-", 1)[-1] in _COMPASS else low
    if not any(base[-size:] in _SUFFIX_SET for size in _SUFFIX_LENGTHS if len(base) - size >= 3):
        return False
    return not (base in _NOT_STREETS or "'" in base[1:] or base.endswith(_NOT_STREET_ENDINGS))


def _extend_left(places: _Places, index: int) -> int:
    """Join capitalised words and particles before the street word ("Johan de Wittstraat")."""
    best = cursor = index
    for _ in range(3):
        before = cursor - 1
        if before < 0 or not places.joined(before, cursor):
            break
        low = places.words[before].low
        if low in _STARTERS or places.skipped(before):
            break
        if places.capital(before) and low not in _PARTICLES:
            best = cursor = before
        elif low in _PARTICLES:
            cursor = before
        else:
            break
    return best


def _extend_right(places: _Places, index: int) -> int:
    """After a leading street word: particles and capitalised words ("Laan der Verenigde Naties")."""
    last = index
    cursor = index
    for _ in range(5):
        nxt = cursor + 1
        if nxt >= len(places.words) or not places.joined(cursor, nxt):
            break
        low = places.words[nxt].low
        if low in _PARTICLES:
            cursor = nxt
        elif places.capital(nxt) and low not in _STARTERS:
            last = cursor = nxt
        else:
            break
    return last


def _street_span(places: _Places, index: int, number_follows: bool) -> _Span | None:
    """A street name containing word ``index`` as its first (known names) or street word."""
    if known := places.phrase_at(index, _STREETS):
        single_common = known.first == known.last and known.name.lower() in _SUFFIX_SET
        if not single_common or places.capital(index) or number_follows:
            return known  # "Singel 200", "singel 200"; but "grijze vest" is clothing
    word = places.words[index]
    if _street_word(word.low):
        first = _extend_left(places, index)
        return _Span(first, index, places.raw_text(_Span(first, index, "")))
    if word.low in _ENGLISH_TYPES and places.capital(index) and index > 0:
        before = index - 1
        if (
            places.capital(before)
            and places.joined(before, index)
            and places.words[before].low not in _STARTERS
        ):
            return _Span(before, index, places.raw_text(_Span(before, index, "")))
    if word.low in _SUFFIX_SET and places.capital(index):
        last = _extend_right(places, index)
        if last > index or number_follows:
            return _Span(index, last, places.raw_text(_Span(index, last, "")))
    return None


def _with_compass(places: _Places, span: _Span) -> _Span:
    nxt = span.last + 1
    if span.name.split()[-1].lower() in _COMPASS or nxt >= len(places.words):
        return span
    if places.words[nxt].low in _COMPASS and places.joined(span.last, nxt):
        compass = places.words[nxt].low.capitalize()
        return _Span(span.first, nxt, f"{span.name} {compass}", span.known)
    return span


def _number_after(places: _Places, span: _Span) -> tuple[str | None, int]:
    end = places.words[span.last].end
    match = places.scan.match(_NUMBER, end, 40, raw=True)
    if not match:
        return None, end
    house = match.group(1) + (match.group(2) or "").upper()
    if match.group(3):
        house += f"-{match.group(3)}"
    return house, match.end()


def _cross_street(places: _Places, span: _Span, end: int) -> _Span | None:
    """The second street of a crossing: "Vrieseweg/Dubbeldamseweg", "hoek X en Y", "X hoek Y"."""
    match = places.scan.match(_CROSS, end, 8)
    if not match:
        return None
    following = (i for i in (span.last + 1, span.last + 2) if i < len(places.words))
    nxt = next((i for i in following if places.words[i].start == match.end()), None)
    if nxt is None:
        return None
    separator = match.group().strip()
    if separator in ("en", "x", "and") and not _crossing_word_before(places, span.first):
        return None
    other = _street_span(places, nxt, number_follows=False)
    if other is None or other.first != nxt:
        return None
    return _with_compass(places, other)


def _accept(places: _Places, span: _Span, house: str | None) -> bool:
    if span.known and span.first != span.last:
        return True
    return house is not None or places.capital(span.first) or places.after_preposition(span.first)


def _street(places: _Places) -> Place | None:
    index = 0
    while index < len(places.words):
        word = places.words[index]
        if places.skipped(index):
            index += 1
            continue
        number_follows = word.low in _SUFFIX_SET and bool(places.scan.match(_NUMBER, word.end, 40, raw=True))
        span = _street_span(places, index, number_follows)
        if span is None:
            index += 1
            continue
        span = _with_compass(places, span)
        house, end = _number_after(places, span)
        if not _accept(places, span, house):
            index = span.last + 1
            continue
        return _place(places, span, house, _cross_street(places, span, end) if house is None else None)
    return None


def _crossing_word_before(places: _Places, first: int) -> bool:
    before = first - 1
    return before >= 0 and places.words[before].low in _CROSSING_WORDS and places.joined(before, first)


def _place(places: _Places, span: _Span, house: str | None, cross: _Span | None) -> Place:
    start = places.words[span.first].start
    if cross is not None:
        text = f"hoek {span.name}/{cross.name}"
        return Place(text, span.name, None, start, cross_street=cross.name)
    text = f"{span.name} {house}" if house else span.name
    return Place(text, span.name, house, start)


def _named(places: _Places, table: dict[str, list[tuple[tuple[str, ...], str]]]) -> _Span | None:
    """The first landmark or area name that follows a place word ("bij de", "in") or is capitalised."""
    for index in range(len(places.words)):
        if places.skipped(index) or places.words[index].low not in table:
            continue
        span = places.phrase_at(index, table)
        if span and (places.after_preposition(index) or (places.capital(index) and index > 0)):
            return span
    return None


def _town(places: _Places) -> _Span | None:
    """ "in Woerden", "te Zwijndrecht", "in De Laar": capitalised words right after "in"/"te"."""
    for index in range(1, len(places.words)):
        before = places.words[index - 1].low
        if before not in _TOWN_PREPOSITIONS or places.skipped(index) or not places.joined(index - 1, index):
            continue
        low = places.words[index].low
        if not places.capital(index) or low in _NOT_TOWNS or low in _STARTERS or len(low) < 3:
            continue
        last = index
        if index + 1 < len(places.words) and places.capital(index + 1) and places.joined(index, index + 1):
            last = index + 1 if places.words[index + 1].low not in _STARTERS else index
        return _Span(index, last, places.raw_text(_Span(index, last, "")))
    return None


def find_street(
    low: str, raw: str, skip: tuple[tuple[int, int], ...] = (), budget: Budget | None = None
) -> Place | None:
    """The first street outside the ``skip`` spans (e.g. the destination in a direction phrase)."""
    return _street(_Places(Scan.of(low, raw, budget), skip))


def find_place(
    low: str, raw: str, skip: tuple[tuple[int, int], ...] = (), budget: Budget | None = None
) -> Place | None:
    """A street (with a landmark beside it if one is named), else a landmark, a wijk, or
    "hier in de wijk" when the message says so."""
    scan = Scan.of(low, raw, budget)
    places = _Places(scan, skip)
    street = _street(places)
    landmark = _named(places, _LANDMARKS)
    if street is not None:
        if landmark is None:
            return street
        label = f"{street.text} ({landmark.name})"
        return Place(
            label, street.street, street.house_number, street.start, street.cross_street, landmark.name
        )
    if landmark is not None:
        return Place(landmark.name, start=places.words[landmark.first].start, landmark=landmark.name)
    if area := _named(places, _AREAS) or _town(places):
        return Place(area.name, start=places.words[area.first].start, area=area.name)
    if spot := _named(places, _SPOTS):
        return Place(spot.name, start=places.words[spot.first].start, spot=spot.name)
    if wijk := scan.search(_WIJK):
        return Place(GENERIC, start=wijk.start())
    return None
