"""Descriptions of people and vehicles, as residents write them in a signalement.

Behaviour comes first (it is what makes a situation suspicious), then clothing, build, length and
age. Skin colour or origin words are kept apart as ``appearance`` so the anti-profiling rule can
refuse a description that names nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.reports.text import tidy

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

_MAKES = {
    "bmw": "BMW", "audi": "Audi", "volkswagen": "Volkswagen", "vw": "Volkswagen", "mercedes": "Mercedes",
    "mercedes-benz": "Mercedes", "opel": "Opel", "ford": "Ford", "renault": "Renault", "peugeot": "Peugeot",
    "citroen": "Citroën", "citroën": "Citroën", "toyota": "Toyota", "kia": "Kia", "hyundai": "Hyundai",
    "fiat": "Fiat", "seat": "Seat", "skoda": "Škoda", "škoda": "Škoda", "volvo": "Volvo", "nissan": "Nissan",
    "mazda": "Mazda", "tesla": "Tesla", "suzuki": "Suzuki", "dacia": "Dacia",
    "mini": "Mini", "honda": "Honda",
    "mitsubishi": "Mitsubishi", "porsche": "Porsche", "jeep": "Jeep", "land rover": "Land Rover",
    "range rover": "Land Rover", "yamaha": "Yamaha", "vespa": "Vespa", "piaggio": "Piaggio", "kymco": "Kymco",
    "golf": "Volkswagen", "polo": "Volkswagen", "caddy": "Volkswagen", "transporter": "Volkswagen",
    "transit": "Ford", "sprinter": "Mercedes", "vito": "Mercedes", "corsa": "Opel", "astra": "Opel",
    "kangoo": "Renault", "berlingo": "Citroën", "partner": "Peugeot", "yaris": "Toyota", "aygo": "Toyota",
}  # fmt: skip
_TYPES = {
    "bestelbus": "bestelbus", "bestelbusje": "bestelbus", "busje": "bestelbus", "bestelauto": "bestelbus",
    "bestelwagen": "bestelbus", "bus": "bus", "auto": "auto", "personenauto": "auto", "wagen": "auto",
    "scooter": "scooter", "brommer": "scooter", "snorfiets": "scooter", "motor": "motor",
    "motorfiets": "motor", "fiets": "fiets", "e-bike": "e-bike", "fatbike": "fatbike", "bakfiets": "bakfiets",
    "vrachtwagen": "vrachtwagen", "vrachtauto": "vrachtwagen", "taxi": "taxi", "suv": "suv",
    "stationwagen": "auto", "cabrio": "auto", "aanhanger": "aanhanger", "camper": "camper",
    "pick-up": "pick-up", "pickup": "pick-up",
}  # fmt: skip
_NAMES = sorted(list(_MAKES) + list(_TYPES), key=len, reverse=True)
_VEHICLE = re.compile(
    rf"(?<!\w)(?:({_COLOUR})\s+)?(" + "|".join(re.escape(name) for name in _NAMES) + r")(?!['’\w-])"
)


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
        }


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    colour: str | None = None
    type: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        return {"make": self.make, "colour": self.colour, "type": self.type}


def _all(pattern: re.Pattern[str], low: str, raw: str) -> tuple[str, ...]:
    seen: list[str] = []
    for match in pattern.finditer(low):
        phrase = tidy(raw[match.start() : match.end()])
        if phrase and phrase.lower() not in (s.lower() for s in seen):
            seen.append(phrase)
    return tuple(seen[:5])


def _first(pattern: re.Pattern[str], low: str, raw: str) -> str | None:
    match = pattern.search(low)
    return tidy(raw[match.start() : match.end()]) if match else None


def find_person(low: str, raw: str) -> Person | None:
    """A person description, or None when the text describes nobody."""
    who = _WHO.search(low)
    person = Person(
        who=who.group(1) if who else None,
        behaviour=_all(_BEHAVIOUR, low, raw),
        clothing=_all(_CLOTHING, low, raw),
        build=_first(_BUILD, low, raw),
        length=_first(_LENGTH, low, raw),
        age=_first(_AGE, low, raw),
        appearance=_all(_APPEARANCE, low, raw),
    )
    details = (person.clothing, person.build, person.length, person.age, person.appearance)
    if not any(details) and (not who or who.group(1) == "iemand"):
        return None  # "weet iemand …" or behaviour alone ("hangt rond") describes nobody
    return person


def find_vehicle(low: str) -> Vehicle | None:
    """Make, colour and type of the first vehicle mentioned (types in the plural are ignored)."""
    make = colour = kind = None
    for match in _VEHICLE.finditer(low):
        name = match.group(2)
        if name in _MAKES and make is None:
            make = _MAKES[name]
        elif name in _TYPES and kind is None:
            kind = _TYPES[name]
        if match.group(1) and colour is None:
            colour = match.group(1)
    if make is None and kind is None:
        return None
    return Vehicle(make=make, colour=colour, type=kind)
