"""Descriptions of people and vehicles, as residents write them in a signalement.

Behaviour comes first (it is what makes a situation suspicious), then clothing, build, length and
age, how many people ("twee jongens", "een stel", "groepje jongeren") and what they carried
("met een koevoet"). Skin colour or origin words are kept apart as ``appearance`` so the
anti-profiling rule can refuse a description that names nothing else. Counts, objects and vehicles
come from the tables in ``tables/people.toml`` and ``tables/vehicles.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.reports.tables import phrases, table, words
from handlers.reports.text import Budget, Scan, Word, tidy, word_tuple

_COLOUR = (
    r"(?:donker|licht|fel|mat|helder)?-?(?:zwart|wit|grijs|grij|blauw|rood|rod|groen|geel|gel|bruin|beige"
    r"|oranje|roze|paars|zilver|goud|kaki|camouflage|antraciet|navy|legergroen)(?:e|en|te|ze|de|kleurige?)?"
)
_SHADE = r"(?:donkere?|lichte?|felle?|lange|korte|dikke|grote|kleine|leren|gewatteerde|nette)"
_CLOTHING_NOUN = (
    r"(?:jas|jasje|jack|jackje|trui|hoodie|capuchon|pet|petje|muts|mutsje|bivakmuts|broek|jeans|spijkerbroek"
    r"|trainingspak|trainingsbroek|joggingbroek|schoenen|sneakers|gympen|laarzen|hesje|vest|bodywarmer"
    r"|t-?shirt|shirt|overhemd|rugzak|tas|sjaal|handschoenen|zonnebril|bril|jurk|rok|parka|regenjas|windjack"
    r"|colbert|mondkapje|helm)"
)
_CLOTHING = re.compile(
    rf"(?<!\w)(?:(?:{_COLOUR}|{_SHADE})\s+){{0,2}}{_CLOTHING_NOUN}(?!\w)|(?:helemaal\s+)?in het {_COLOUR}"
    r"(?:\s+gekleed)?(?!\w)"
)
_WHO = re.compile(
    r"(?<!\w)(man|mannen|vrouw|vrouwen|jongen|jongens|meisje|meisjes|jongeren|persoon|personen|kerel|knul"
    r"|tiener|tieners|iemand|figuur|types|gasten|dader|daders|inbreker|inbrekers)(?!\w)"
)
_BEHAVIOUR = re.compile(
    r"(?<!\w)(?:loert|loerde|loeren|gluurt|gluurde|gluren|rommelt|rommelde|rommelen|sluipt|sloop|sluipen"
    r"|voelt|voelde|voelen|probeert|probeerde|proberen|kijkt|keek|kijken|rent|rende|renden|rennen"
    r"|vluchtte|vluchtten|loopt|liep|liepen|lopen|hangt|hing|hangen|fotografeert|fotografeerde|belt|belde"
    r"|klimt|klom|klimmen|schreeuwt|schreeuwde|dreigt|dreigde|bedreigt|bedreigde|duwt|duwde|sloeg|slaat"
    r"|trekt|trok|zoekt|zocht|stapt|stapte|staat|stond|rijdt|reed|fietst|fietste|scheurt|scheurde)"
    r"(?:\s+(?!(?:en|maar|terwijl|richting|naar|om|112|politie|toen|met)\b)[^\s,.;:!?]+){0,3}"
)
_BUILD = re.compile(
    r"(?<!\w)(slank|slanke|dun|dunne|tenger|tengere|mager|magere|stevig|stevige|fors|forse|dik|dikke|gezet"
    r"|gezette|gespierd|gespierde|breed|brede|atletisch|atletische|(?:normaal|klein|groot|stevig|tenger)"
    r"\s+postuur)(?!\w)"
)
_LENGTH = re.compile(
    r"(?<![\w.,])(?:(?:ongeveer|ca\.?|rond|zo'?n)\s+)?(1[.,]\d{1,2}\s*(?:m|meter)?|1\d{2}\s*(?:cm|centimeter))"
    r"(?:\s+lang)?(?![\w.,])|(?<!\w)(lange|kleine|lang|klein)(?=\s+(?:man|vrouw|jongen|kerel|persoon))"
)
# Walking past or standing somewhere is not behaviour that makes anyone a suspect.
_NEUTRAL_VERBS = frozenset({
    "loopt", "liep", "liepen", "lopen", "staat", "stond", "fietst", "fietste", "rijdt", "reed", "stapt",
    "stapte", "hangt", "hing", "hangen", "zoekt", "zocht",
})  # fmt: skip
_PERSON_NOUN = r"(?:man|vrouw|jongen|jongens|meisje|kerel|persoon|mannen|vrouwen|personen|jongeren)"
_AGE = re.compile(
    r"(?<!\w)(?:(?:ongeveer|ca\.?|rond(?: de)?|zo'?n|begin|eind|midden)\s+)?\d{1,2}\s*(?:jaar|jr)"
    r"(?:\s+oud)?(?!\w)"
    r"|(?<!\w)(?:jaar of|rond de)\s+\d{1,2}(?!\w)|(?<!\w)[1-9]0-?(?:ers?|jarige?)(?!\w)"
    r"|(?<!\w)(?:twintiger|dertiger|veertiger|vijftiger|zestiger|zeventiger|tiener|puber|bejaarde)s?(?!\w)"
    rf"|(?<!\w)(?:jonge|jongere|oudere|oude)(?=\s+{_PERSON_NOUN}(?!\w))"
)
_APPEARANCE = re.compile(
    r"(?<!\w)(?:(?:licht|donker)\s*)?getinte?(?!\w)|(?<!\w)(?:donkere?|zwarte?|blanke?|witte?|bruine?|gekleurde?)"
    r"\s+(?:man|mannen|vrouw|vrouwen|jongen|jongens|meisje|persoon|personen|kerel|gast|type|huidskleur)(?!\w)"
    r"|(?<!\w)(?:buitenlands\w*|allochto\w*|marokka\w*|turkse?|turken|turk|antilliaan\w*|surinam\w*|polen|poolse?"
    r"|roemeen\w*|roemen\w*|oost-?europe\w*|afrika\w*|aziat\w*|arabier\w*|arabisch\w*|zigeuner\w*"
    r"|noord-?afrika\w*|huidskleur)(?!\w)"
)

_PEOPLE = table("people")
_COUNTS: dict[str, int] = {str(k): int(v) for k, v in _PEOPLE["counts"].items()}
_GROUPS: dict[str, int] = {str(k): int(v) for k, v in _PEOPLE["groups"].items()}
_SINGULAR = words("people", "nouns", "singular")
_PLURAL = words("people", "nouns", "plural")
_COUNTED_SINGULAR = words("people", "nouns", "counted_singular")
_OBJECTS = {**phrases("people", "objects", "nl"), **phrases("people", "objects", "en")}
_OBJECT_FIRST = frozenset(key[0] for key in _OBJECTS)
_GROUP_LINK = frozenset({"jongens", "van", "of", "met"})

_VEHICLES = table("vehicles")
_MAKES = {word_tuple(str(k)): str(v) for k, v in _VEHICLES["makes"].items()}
_TYPES = {str(k): str(v) for k, v in _VEHICLES["types"].items()}
_ENGINE_BEFORE = words("vehicles", "engine", "before")
_ENGINE_AFTER = words("vehicles", "engine", "after")
_ENGINE_ARTICLES = words("vehicles", "engine", "articles")
_VEHICLE_BEFORE_ARTICLE = words("vehicles", "engine", "vehicle_before_article")
_VEHICLE_COLOURS = words("vehicles", "colours", "words")


@dataclass(frozen=True)
class Person:
    """What a resident said about a person; empty fields are None or ()."""

    who: str | None = None
    behaviour: tuple[str, ...] = ()
    clothing: tuple[str, ...] = ()
    build: str | None = None
    length: str | None = None
    age: str | None = None
    appearance: tuple[str, ...] = ()
    count: int | None = None  # how many people; None when the text does not say
    group: str | None = None  # the words that said it: "twee jongens", "een stel", "groepje jongeren"
    objects: tuple[str, ...] = ()  # tools and things carried: "koevoet", "zaklamp"

    @property
    def telling_behaviour(self) -> tuple[str, ...]:
        """Behaviour beyond walking or standing: what makes a situation suspicious."""
        return tuple(b for b in self.behaviour if b.split()[0].lower() not in _NEUTRAL_VERBS)

    @property
    def appearance_only(self) -> bool:
        """Skin colour or origin without telling behaviour or clothing: refused (anti-profiling)."""
        return bool(self.appearance) and not self.telling_behaviour and not self.clothing

    def to_json_dict(self) -> dict[str, object]:
        return {
            "who": self.who,
            "behaviour": list(self.behaviour),
            "clothing": list(self.clothing),
            "build": self.build,
            "length": self.length,
            "age": self.age,
            "appearance": list(self.appearance),
            "count": self.count,
            "group": self.group,
            "objects": list(self.objects),
        }


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    colour: str | None = None
    type: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        return {"make": self.make, "colour": self.colour, "type": self.type}

    def conflicts(self, other: Vehicle) -> bool:
        """Two descriptions that cannot be one vehicle (a scooter is no bestelbus, a BMW no Opel)."""
        return _differ(_type_family(self.type), _type_family(other.type)) or _differ(self.make, other.make)


def _differ(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() != b.casefold()


def _type_family(kind: str | None) -> str | None:
    # A "busje" is also called "bus"; an e-bike, fatbike or bakfiets is still a bicycle to a witness.
    families = {"bus": "bestelbus", "e-bike": "fiets", "fatbike": "fiets", "bakfiets": "fiets", "suv": "auto"}
    return families.get(kind, kind) if kind else None


def _all(pattern: re.Pattern[str], scan: Scan) -> tuple[str, ...]:
    seen: list[str] = []
    for match in scan.finditer(pattern):
        phrase = tidy(scan.raw[match.start() : match.end()])
        if phrase and phrase.lower() not in (s.lower() for s in seen):
            seen.append(phrase)
        if len(seen) >= 5:
            break
    return tuple(seen)


def _first(pattern: re.Pattern[str], scan: Scan) -> str | None:
    match = scan.search(pattern)
    return tidy(scan.raw[match.start() : match.end()]) if match else None


def _joined(scan: Scan, ws: list[Word], left: int) -> bool:
    return scan.gap(ws[left], ws[left + 1]) == " "


def _count_at(scan: Scan, ws: list[Word], index: int) -> tuple[int | None, int] | None:
    """("twee" jongens) → (2, index of the noun); ("een stel" jongens) → (2, …); else None."""
    word = ws[index].low
    nxt = index + 1
    if nxt < len(ws) and _joined(scan, ws, index):
        noun = ws[nxt].low
        single = noun in _SINGULAR and (_COUNTS.get(word) == 1 or noun in _COUNTED_SINGULAR)
        if word in _COUNTS and (noun in _PLURAL or single):
            return _COUNTS[word], nxt
        if word in _GROUPS:
            last = _noun_after_group(scan, ws, nxt)
            if last < nxt and word not in _BARE_GROUPS:
                return None  # "een paar", "in de groep": no people named
            return _GROUPS[word] or None, last
    return None


_BARE_GROUPS = frozenset({"groepje", "bende"})  # "een groepje bij de speeltuin" means people


def _noun_after_group(scan: Scan, ws: list[Word], index: int) -> int:
    """ "stel jongens", "groepje van vijf jongeren", "group of lads": the noun, or the group word."""
    for i in range(index, min(index + 3, len(ws))):
        if ws[i].low in _PLURAL:
            return i
        if ws[i].low not in _GROUP_LINK and ws[i].low not in _COUNTS:
            break
    return index - 1


_DIGIT_BEFORE = re.compile(r"(?<![\d.,:-])(\d{1,2}) $")


def find_count(scan: Scan) -> tuple[int | None, str | None]:
    """How many people the message names, and the words that said so (first mention wins)."""
    ws = scan.words()
    for index, word in enumerate(ws):
        if word.low in _PLURAL or word.low in _COUNTED_SINGULAR:
            before = scan.search(_DIGIT_BEFORE, word.start - 3, word.start)
            if before and before.end() == word.start:
                number = int(before.group(1))
                if 0 < number < 100 and (number > 1 or word.low not in _PLURAL):
                    return number, tidy(scan.raw[before.start() : word.end])
        if word.low in _COUNTS or word.low in _GROUPS:
            found = _count_at(scan, ws, index)
            if found is not None:
                count, last = found
                start = ws[index - 1].start if index and ws[index - 1].low in ("een", "a") else word.start
                if word.low in _GROUPS and (index == 0 or ws[index - 1].low not in ("een", "a", "het")):
                    start = word.start
                return count, tidy(scan.raw[start : ws[max(last, index)].end])
    return None, None


def find_objects(scan: Scan) -> tuple[str, ...]:
    """Tools and things carried, as named ("koevoet", "zaklamp"); at most five."""
    ws = scan.words()
    found: list[str] = []
    for index, word in enumerate(ws):
        if word.low not in _OBJECT_FIRST:
            continue
        for key, name in _OBJECTS.items():
            last = index + len(key) - 1
            if key[0] != word.low or last >= len(ws):
                continue
            if tuple(w.low for w in ws[index : last + 1]) == key and name.lower() not in found:
                found.append(name.lower())
                break
        if len(found) >= 5:
            break
    return tuple(found)


def find_person(low: str, raw: str, budget: Budget | None = None) -> Person | None:
    """A person description, or None when the text describes nobody."""
    scan = Scan.of(low, raw, budget)
    who = scan.search(_WHO)
    count, group = find_count(scan)
    person = Person(
        who=who.group(1) if who else (group.split()[-1].lower() if group else None),
        behaviour=_all(_BEHAVIOUR, scan),
        clothing=_all(_CLOTHING, scan),
        build=_first(_BUILD, scan),
        length=_first(_LENGTH, scan),
        age=_first(_AGE, scan),
        appearance=_all(_APPEARANCE, scan),
        count=count,
        group=group,
        objects=find_objects(scan),
    )
    details = (person.clothing, person.build, person.length, person.age, person.appearance, person.objects)
    if not any(details) and count is None and (not who or who.group(1) == "iemand"):
        return None  # "weet iemand …" or behaviour alone ("hangt rond") describes nobody
    return person


def _is_engine(ws: list[Word], index: int) -> bool:
    """ "draaiende motor", "met de motor aan", "de motor liep": the engine, not a motorbike."""
    before = ws[index - 1].low if index > 0 else ""
    before2 = ws[index - 2].low if index > 1 else ""
    after = ws[index + 1].low if index + 1 < len(ws) else ""
    if before in _ENGINE_BEFORE:
        return True
    if before in _ENGINE_ARTICLES and before2 not in _VEHICLE_BEFORE_ARTICLE:
        return True
    return after in _ENGINE_AFTER and before not in ("een", "a") and before not in _MAKE_FIRST


_MAKE_FIRST = frozenset(key[0] for key in _MAKES)


def _make_at(ws: list[Word], index: int) -> tuple[str, int] | None:
    for size in (2, 1):
        key = tuple(w.low for w in ws[index : index + size])
        if len(key) == size and key in _MAKES:
            return _MAKES[key], index + size - 1
    return None


def _colour_before(ws: list[Word], index: int) -> str | None:
    """ "zwarte BMW", "witte vw golf", "white car": a colour word one or two words before."""
    for before in (index - 1, index - 2):
        if before >= 0 and ws[before].low in _VEHICLE_COLOURS:
            return ws[before].low
    return None


def find_vehicle(low: str, budget: Budget | None = None, raw: str | None = None) -> Vehicle | None:
    """Make, colour and type of the first vehicle mentioned (types in the plural are ignored)."""
    scan = Scan.of(low, raw if raw is not None else low, budget)
    ws = scan.words()
    make = colour = kind = None
    for index, word in enumerate(ws):
        if make is None and word.low in _MAKE_FIRST and (found := _make_at(ws, index)):
            make = found[0]
        elif kind is None and word.low in _TYPES:
            if word.low == "motor" and _is_engine(ws, index):
                continue
            if scan.raw[word.end : word.end + 1] in ("'", "’"):
                continue  # "auto's": cars in general, not the one that was seen
            kind = _TYPES[word.low]
        else:
            continue
        colour = colour or _colour_before(ws, index)
        if make is not None and kind is not None:
            break
    if make is None and kind is None:
        return None
    return Vehicle(make=make, colour=colour, type=kind)
