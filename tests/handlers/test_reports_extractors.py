"""Table tests of the real forms each extractor reads: places, people, vehicles, times, direction,
"112 gebeld" — Dutch as typed in chats (lower case, no punctuation) and a few English forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.reports.parser import parse

# Sunday 22 November 2026, 22:30 in Dordrecht.
NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)


def _local(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, 11, day, hour, minute).isoformat() + "+01:00"


PLACES: list[tuple[str, dict[str, Any] | None]] = [
    (
        "twee jongens met een koevoet voelen aan de deurklinken bij Dubbeldamseweg Zuid 45, 112 is gebeld",
        {"text": "Dubbeldamseweg Zuid 45", "street": "Dubbeldamseweg Zuid", "house_number": "45"},
    ),
    ("dubbeldamseweg zuid 45 iemand in de tuin", {"text": "Dubbeldamseweg Zuid 45"}),
    ("inbraak Van Oldenbarneveltplein 3a", {"street": "Van Oldenbarneveltplein", "house_number": "3A"}),
    (
        "verdachte auto hoek Vrieseweg/Dubbeldamseweg",
        {"text": "hoek Vrieseweg/Dubbeldamseweg", "street": "Vrieseweg", "cross_street": "Dubbeldamseweg"},
    ),
    ("kruising vrieseweg en dubbeldamseweg", {"text": "hoek Vrieseweg/Dubbeldamseweg"}),
    (
        "fiets gestolen bij de Albert Heijn op de Bosboom Toussaintstraat",
        {"street": "Bosboom Toussaintstraat", "landmark": "Albert Heijn", "house_number": None},
    ),
    ("Laan der Verenigde Naties 12 ruit ingegooid", {"text": "Laan der Verenigde Naties 12"}),
    ("laan der verenigde naties 12 ruit ingegooid", {"text": "Laan der Verenigde Naties 12"}),
    ("man loert bij johan de wittstraat 8", {"text": "Johan de Wittstraat 8"}),
    ("Reeweg-Oost 12 brandje", {"street": "Reeweg-Oost", "house_number": "12"}),
    ("auto open gebroken op de Spuiboulevard", {"street": "Spuiboulevard"}),
    ("op de Merwekade 3-5 staat een busje", {"street": "Merwekade", "house_number": "3-5"}),
    ("overlast in Sterrenburg", {"text": "Sterrenburg", "area": "Sterrenburg", "street": None}),
    ("bij de speeltuin hangen jongeren", {"landmark": "speeltuin", "street": None}),
    ("hier in de wijk", {"text": "hier in de wijk", "street": None}),
    ("a man on Chatsworth Way at 11pm", {"text": "Chatsworth Way"}),
    ("someone in my garden", {"spot": "garden", "street": None}),
    # Not places.
    ("man met grijze vest", None),
    ("ze zijn onderweg", None),
    ("op het fietspad", None),
    ("ik zag het op straat", None),
    ("rende weg richting Krispijn", None),  # the destination is the direction, not where it happened
    ("Reeweg 3 mannen", {"text": "Reeweg", "house_number": None}),
]


@pytest.mark.parametrize(("text", "want"), PLACES, ids=[row[0][:40] for row in PLACES])
def test_places(text: str, want: dict[str, Any] | None) -> None:
    place = parse(text, NOW).location
    if want is None:
        assert place is None, place
        return
    assert place is not None
    got = place.to_json_dict()
    assert {key: got.get(key) for key in want} == want


PEOPLE: list[tuple[str, dict[str, Any]]] = [
    (
        "twee jongens met een koevoet voelen aan de deurklinken",
        {
            "count": 2,
            "group": "twee jongens",
            "objects": ["koevoet"],
            "behaviour": ["voelen aan de deurklinken"],
        },
    ),
    ("2 mannen met een zaklamp in de tuin", {"count": 2, "objects": ["zaklamp"]}),
    ("een stel jongens bij de garageboxen", {"count": 2, "group": "een stel jongens"}),
    ("drie gasten met capuchon", {"count": 3, "clothing": ["capuchon"]}),
    ("groepje jongeren hangt rond", {"count": None, "group": "groepje jongeren"}),
    ("scooter met twee man erop", {"count": 2}),
    ("een man met een rugzak en een schroevendraaier", {"count": 1, "objects": ["schroevendraaier"]}),
    ("man met breekijzer en ladder bij de achterdeur", {"objects": ["breekijzer", "ladder"]}),
    ("two guys with a crowbar", {"count": 2, "objects": ["crowbar"]}),
    ("3 mannen bij de speeltuin", {"count": 3, "who": "mannen"}),
]


@pytest.mark.parametrize(("text", "want"), PEOPLE, ids=[row[0][:40] for row in PEOPLE])
def test_people(text: str, want: dict[str, Any]) -> None:
    person = parse(text, NOW).person
    assert person is not None
    got = person.to_json_dict()
    assert {key: got[key] for key in want} == want


VEHICLES: list[tuple[str, dict[str, Any] | None]] = [
    ("busje met draaiende motor voor de deur", {"type": "bestelbus"}),
    ("auto stond met de motor aan bij de school", {"type": "auto"}),
    ("de motor liep nog", None),
    ("man op een zwarte motor", {"type": "motor", "colour": "zwarte"}),
    ("reed weg op de motor", {"type": "motor"}),
    ("een motor was gestolen", {"type": "motor"}),
    ("zwarte vw golf", {"make": "Volkswagen", "colour": "zwarte"}),
    ("grijze Opel Corsa", {"make": "Opel", "colour": "grijze"}),
    ("witte Toyota Yaris", {"make": "Toyota"}),
    ("rode Peugeot bestelbus", {"make": "Peugeot", "type": "bestelbus"}),
    ("donkere Mercedes Sprinter", {"make": "Mercedes"}),
    ("jongen op een e-bike", {"type": "e-bike"}),
    ("brommer zonder kenteken", {"type": "scooter"}),
    ("white car with two men", {"type": "auto"}),
    ("inbraak in auto's aan de Reeweg", None),  # cars in general, not one that was seen
]


@pytest.mark.parametrize(("text", "want"), VEHICLES, ids=[row[0][:40] for row in VEHICLES])
def test_vehicles(text: str, want: dict[str, Any] | None) -> None:
    vehicle = parse(text, NOW).vehicle
    if want is None:
        assert vehicle is None, vehicle
        return
    assert vehicle is not None
    got = vehicle.to_json_dict()
    assert {key: got[key] for key in want} == want


TIMES: list[tuple[str, str, str]] = [
    ("om 23:15 zag ik iemand", "om 23:15", _local(21, 23, 15)),
    ("kwart over tien bij de deur", "kwart over tien", _local(22, 22, 15)),
    ("gisteravond rond half 12 glasgerinkel", "gisteravond rond half 12", _local(21, 23, 30)),
    ("vannacht om half 3 ingebroken", "vannacht om half 3", _local(22, 2, 30)),
    ("tien voor half tien liep hij hier", "tien voor half tien", _local(22, 21, 20)),
    ("net een man gezien", "net", _local(22, 22, 30)),
    ("zojuist ingebroken", "zojuist", _local(22, 22, 30)),
    ("vannacht auto opengebroken", "vannacht", _local(22, 3)),
    ("10 minutes ago a man", "10 minutes ago", _local(22, 22, 20)),
    ("last night someone tried the door", "last night", _local(22, 3)),
]


@pytest.mark.parametrize(("text", "phrase", "at"), TIMES, ids=[row[0][:40] for row in TIMES])
def test_times(text: str, phrase: str, at: str) -> None:
    when = parse(text, NOW).time
    assert when is not None
    assert (when.phrase, when.at.isoformat()) == (phrase, at)


def test_number_words_are_no_time() -> None:
    assert parse("twee jongens bij de deur", NOW).time is None
    assert parse("drie voor de deur", NOW).time is None


DIRECTIONS: list[tuple[str, str | None]] = [
    ("rende richting station", "station"),
    ("reed weg naar de N3", "N3"),
    ("fietste in de richting van de Merwekade", "Merwekade"),
    ("heading towards the park", "park"),
    ("drove off towards Zwijndrecht", "Zwijndrecht"),
    ("rende weg", None),
    ("in onbekende richting vertrokken", None),
]


@pytest.mark.parametrize(("text", "want"), DIRECTIONS)
def test_directions(text: str, want: str | None) -> None:
    assert parse(text, NOW).direction == want


CALLED: list[tuple[str, bool | None]] = [
    ("112 gebeld", True),
    ("112 is gebeld", True),
    ("politie is onderweg", True),
    ("niet gebeld", False),
    ("nog niet gebeld", False),
    ("112 nog niet gebeld", False),
    ("heeft iemand 112 gebeld?", None),
    ("called 112", True),
    ("police are on their way", True),
    ("I called 999", True),
    ("haven't called the police", False),
    ("man in de tuin", None),
]


@pytest.mark.parametrize(("text", "want"), CALLED)
def test_called_112(text: str, want: bool | None) -> None:
    assert parse(text, NOW).called_112 is want


def test_the_done_when_message_has_every_part() -> None:
    report = parse(
        "twee jongens met een koevoet voelen aan de deurklinken bij Dubbeldamseweg Zuid 45, 112 is gebeld",
        NOW,
    )
    assert report.location is not None and report.location.text == "Dubbeldamseweg Zuid 45"
    assert (report.people_count, report.objects, report.house_number) == (2, ("koevoet",), "45")
    assert report.called_112 is True
    assert report.vehicle is None


def test_parse_json_keeps_its_keys_and_adds_details() -> None:
    data = parse("kenteken begon met 12-, twee mannen met een zaklamp", NOW).to_json_dict()
    assert data["plate_partial"] == "12-…"
    assert data["licence_plate"] is None
    person = data["person"]
    assert isinstance(person, dict) and person["count"] == 2 and person["objects"] == ["zaklamp"]


def test_every_known_street_is_found_in_lower_case_with_a_number() -> None:
    from handlers.reports.tables import table

    missed = []
    for street in table("places")["streets"]:
        if any(ch.isdigit() for ch in street):
            continue
        place = parse(f"inbraak {street.lower()} 7", NOW).location
        if place is None or place.street is None or place.street.lower() != street.lower():
            missed.append((street, place.street if place else None))
    assert missed == []


def test_tables_hold_no_word_twice() -> None:
    from handlers.reports.tables import table

    places = table("places")
    for name in ("suffixes", "streets", "landmarks", "spots", "areas", "not_streets"):
        values = [str(v).lower() for v in places[name]]
        assert sorted(v for v in set(values) if values.count(v) > 1) == [], name
    assert not {s.lower() for s in places["landmarks"]} & {s.lower() for s in places["spots"]}
