"""When two reports are one incident: their places agree and nothing about them disagrees.

Linking used to join any two compatible reports of an area unless both named different streets,
so a report without a place absorbed reports from anywhere. Now places decide: the same street
with house numbers close together, a crossing or landmark they share, or shared locations within
a configured distance. A report that names no place joins an open incident only as a "second
witness" — it adds details (112 gebeld, a red cap, the direction) that do not contradict the
incident's. A different plate or another kind of vehicle always keeps reports apart.

Pure functions over plain values (no database), so the rules are table-tested directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.reports.describe import Vehicle
from handlers.reports.location import GENERIC, SPOT_NAMES
from handlers.reports.parser import ParsedReport, parse
from handlers.reports.plates import partial_matches
from handlers.reports.timeexpr import AMSTERDAM

# House numbers further apart than this on one street are different addresses (a street's
# odd and even sides differ by 1; ten houses is a front garden walk, not another incident).
HOUSE_NUMBER_SPAN = 10
DEFAULT_DISTANCE_M = 300.0

_PAREN = re.compile(r"\(([^)]{1,80})\)")
_CROSSING = re.compile(r"^(?:hoek|kruising|corner)\s+")
_LEADING_NUMBER = re.compile(r"\d{1,5}")
_SHORT_ID = re.compile(r"(?<![\w-])M-\d{4,}(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Sighting:
    """What linking compares of one report: its place, plate and vehicle."""

    places: frozenset[str] = frozenset()
    house: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    plate: str | None = None
    plate_partial: str | None = None
    vehicle: Vehicle | None = None
    details: bool = False  # says something about a person, vehicle, direction or "112 gebeld"

    @property
    def has_place(self) -> bool:
        return bool(self.places) or self.latitude is not None


def place_keys(street: str | None) -> frozenset[str]:
    """Comparable names in a stored place: "hoek Vrieseweg/Dubbeldamseweg" → both streets,
    "Bosboom Toussaintstraat (Albert Heijn)" → the street and the shop; "hier in de wijk" → none."""
    if not street or street.casefold() == GENERIC:
        return frozenset()
    text = street.casefold()
    names = _PAREN.findall(text)
    text = _CROSSING.sub("", _PAREN.sub("", text))
    names.extend(text.split("/"))
    keys = (" ".join(name.replace("-", " ").split()) for name in names)
    return frozenset(key for key in keys if key and key not in SPOT_NAMES)  # every street has a "tuin"


def house_value(house_number: str | None) -> int | None:
    match = _LEADING_NUMBER.match(house_number or "")
    return int(match.group()) if match else None


def vehicle_of(data: Mapping[str, Any] | None) -> Vehicle | None:
    if not data:
        return None
    fields = {key: data.get(key) for key in ("make", "colour", "type")}
    if not any(fields.values()):
        return None
    return Vehicle(**{key: str(value) if value else None for key, value in fields.items()})


def sighting(
    street: str | None,
    house_number: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    plate: str | None = None,
    vehicle: Mapping[str, Any] | None = None,
    person: Mapping[str, Any] | None = None,
    direction: str | None = None,
    called_112: bool | None = None,
) -> Sighting:
    """A sighting from stored values (a report row and its suspect details)."""
    partial = str(vehicle["plate_partial"]) if vehicle and vehicle.get("plate_partial") else None
    found = vehicle_of(vehicle)
    details = bool(person or found or plate or partial or direction or called_112)
    return Sighting(
        places=place_keys(street),
        house=house_value(house_number),
        latitude=latitude,
        longitude=longitude,
        plate=plate,
        plate_partial=partial,
        vehicle=found,
        details=details,
    )


def sighting_of_parsed(parsed: ParsedReport) -> Sighting:
    """A sighting from a freshly parsed message."""
    place = parsed.location
    street = (place.street_label or place.text) if place else None
    return sighting(
        street,
        place.house_number if place else None,
        plate=parsed.licence_plate,
        vehicle={
            **(parsed.vehicle.to_json_dict() if parsed.vehicle else {}),
            "plate_partial": parsed.plate_partial,
        },
        person=parsed.person.to_json_dict() if parsed.person else None,
        direction=parsed.direction,
        called_112=parsed.called_112,
    )


def distance_m(a: Sighting, b: Sighting) -> float:
    """Metres between two shared locations (equirectangular: exact enough within a city)."""
    assert a.latitude is not None and a.longitude is not None
    assert b.latitude is not None and b.longitude is not None
    lat = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude) * math.cos(lat)
    dy = math.radians(b.latitude - a.latitude)
    return 6_371_000 * math.hypot(dx, dy)


def places_agree(a: Sighting, b: Sighting, max_distance_m: float = DEFAULT_DISTANCE_M) -> bool:
    """One street (or crossing, or landmark) with close house numbers, or locations close together."""
    if a.places & b.places:
        if a.house is not None and b.house is not None:
            return abs(a.house - b.house) <= HOUSE_NUMBER_SPAN
        return True
    located = None not in (a.latitude, a.longitude, b.latitude, b.longitude)
    return located and distance_m(a, b) <= max_distance_m


def conflict(a: Sighting, b: Sighting) -> bool:
    """Details that cannot describe one incident: two different plates, or different vehicles."""
    if a.plate and b.plate and a.plate != b.plate:
        return True
    for partial, plate in ((a.plate_partial, b.plate), (b.plate_partial, a.plate)):
        if partial and plate and not partial_matches(partial, plate):
            return True
    return a.vehicle is not None and b.vehicle is not None and a.vehicle.conflicts(b.vehicle)


def joins(
    new: Sighting,
    incident: Iterable[Sighting],
    *,
    max_distance_m: float = DEFAULT_DISTANCE_M,
    refers: bool = False,
) -> bool:
    """Whether a new report belongs to an incident (all its reports' sightings).

    ``refers``: the new report names the incident's card ("M-0007"), which links it regardless.
    """
    members = list(incident)
    if refers:
        return True
    if any(conflict(new, member) for member in members):
        return False
    placed = [member for member in members if member.has_place]
    if new.has_place:
        # A report without a place does not absorb reports from elsewhere: the places must agree.
        return any(places_agree(new, member, max_distance_m) for member in placed)
    return new.details  # a second witness adding details to an open incident


def refers_to(text: str | None, short_id: str | None) -> bool:
    """The message names this card's id ("zie M-0007", "m-0007 is weg")."""
    if not text or not short_id:
        return False
    return any(match.group().upper() == short_id.upper() for match in _SHORT_ID.finditer(text[:4096]))


def could_follow_up(parsed: ParsedReport) -> bool:
    """Cheap, no database: the message carries a detail a second witness adds."""
    person = parsed.person
    has_person = person is not None and bool(
        person.behaviour or person.clothing or person.objects or person.count or person.build
    )
    return bool(
        parsed.called_112
        or has_person
        or parsed.vehicle
        or parsed.licence_plate
        or parsed.plate_partial
        or parsed.direction
    )


@dataclass(frozen=True)
class OpenIncident:
    """An open incident as the recogniser sees it: its card id and its reports' sightings."""

    short_id: str | None
    sightings: tuple[Sighting, ...]


def follows_up(
    parsed: ParsedReport, text: str, incident: OpenIncident, max_distance_m: float = DEFAULT_DISTANCE_M
) -> bool:
    """A message that adds to this open incident rather than being a new one or chatter."""
    if refers_to(text, incident.short_id):
        return True
    if text.rstrip().endswith("?") or not could_follow_up(parsed):
        return False  # "heeft iemand 112 gebeld?" asks; "bedankt" adds nothing
    return joins(sighting_of_parsed(parsed), incident.sightings, max_distance_m=max_distance_m)


def is_follow_up(
    text: str,
    incident: OpenIncident,
    now: datetime | None = None,
    tz: ZoneInfo = AMSTERDAM,
    max_distance_m: float = DEFAULT_DISTANCE_M,
) -> bool:
    """For the recogniser: is ``text`` a second witness's message about ``incident``?

    "…112 gebeld, rode pet" right after a card about a man at the Dubbeldamseweg is; so is "hij
    rende richting het station"; "bedankt", a question, or a report from another street is not.
    """
    parsed = parse(text, now or datetime.now(tz), tz)
    return follows_up(parsed, text, incident, max_distance_m)
