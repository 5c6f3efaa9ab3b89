"""Table tests: the Dutch forms residents really write, and what the parser makes of them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.reports.parser import JSON_KEYS, parse
from handlers.reports.plates import normalise_plate
from handlers.understanding.understand import REPORT_THRESHOLD, UNSURE_THRESHOLD

# Sunday 22 November 2026, 22:30 in Dordrecht.
NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)


def _local(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, 11, day, hour, minute).isoformat() + "+01:00"


# (text, expected parts); only the parts named are checked, "-" means "must be absent".
ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld",
        {
            "category": "verdachte_situatie",
            "street": "Dubbeldamseweg",
            "house": "120",
            "clothing": ["donkere jas"],
            "direction": "station",
            "called": True,
            "plate": "-",
        },
    ),
    (
        "Er wordt nu ingebroken op de Krispijnseweg 45! 112 gebeld",
        {
            "category": "inbraak",
            "in_progress": True,
            "street": "Krispijnseweg",
            "house": "45",
            "called": True,
            "at": _local(22, 22, 30),
        },
    ),
    ("inbraak bezig bij nr 12 in de wijk!!", {"category": "inbraak", "in_progress": True}),
    (
        "Ze zijn aan het inbreken bij de buren op de Vrieseweg 3a",
        {"category": "inbraak", "in_progress": True, "house": "3A"},
    ),
    (
        "Vannacht is er bij ons ingebroken, Johan de Wittstraat 12. Raam geforceerd.",
        {
            "category": "inbraak",
            "in_progress": False,
            "street": "Johan de Wittstraat",
            "house": "12",
            "phrase": "Vannacht",
            "at": _local(22, 3),
        },
    ),
    (
        "Gisteravond ingebroken in de schuur aan de Bosboom Toussaintstraat 8",
        {
            "category": "inbraak",
            "in_progress": False,
            "street": "Bosboom Toussaintstraat",
            "at": _local(21, 21),
        },
    ),
    (
        "Witte bestelbus met kenteken VTH12K rijdt al een half uur rondjes door de wijk",
        {
            "category": "verdachte_situatie",
            "plate": "VTH-12-K",
            "vehicle": {"colour": "witte", "type": "bestelbus"},
        },
    ),
    (
        "Twee jongens van ongeveer 16 jaar proberen deurklinken van auto's op het Bosboom Toussaintplein, "
        "politie is onderweg",
        {
            "category": "verdachte_situatie",
            "street": "Bosboom Toussaintplein",
            "age": "ongeveer 16 jaar",
            "called": True,
            "vehicle": "-",
        },
    ),
    (
        "Mijn fiets is gestolen vanmiddag bij de Reeweg",
        {"category": "diefstal", "street": "Reeweg", "phrase": "vanmiddag", "at": _local(22, 14)},
    ),
    (
        "Brand in de container aan de Merwekade, brandweer gebeld",
        {"category": "brand_of_ongeval", "street": "Merwekade", "called": True},
    ),
    (
        "Oudere vrouw vermist, loopt met rollator, grijze jas. Laatst gezien om 14.30 bij het Weizigtpark",
        {
            "category": "vermissing",
            "street": "Weizigtpark",
            "at": _local(22, 14, 30),
            "clothing": ["grijze jas"],
            "age": "Oudere",
        },
    ),
    (
        "Babbeltruc: man aan de deur zogenaamd van de energie, vraagt om pinpas. 112 niet gebeld",
        {"category": "babbeltruc", "called": False},
    ),
    ("Ik kreeg een hoi mam bericht van een nieuw nummer", {"category": "online_fraude", "called": None}),
    ("Let op: nep-sms van de bank met een link, niet klikken", {"category": "online_fraude"}),
    (
        "Zwarte BMW, kenteken 12-ABC-3, reed weg in de richting van Zwijndrecht",
        {"plate": "12-ABC-3", "direction": "Zwijndrecht", "vehicle": {"make": "BMW", "colour": "zwarte"}},
    ),
    (
        "grijze golf 1-KBB-12 scheurde weg richting de Laan der Verenigde Naties",
        {
            "plate": "1-KBB-12",
            "vehicle": {"make": "Volkswagen", "colour": "grijze"},
            "direction": "Laan der Verenigde Naties",
        },
    ),
    ("Kenteken gx 12 bz? nee: GX 12 BZ", {"plate": "GX-12-BZ"}),
    (
        "scooter zonder kenteken, twee man erop, rende weg naar het park",
        {"vehicle": {"type": "scooter"}, "direction": "park", "plate": "-"},
    ),
    (
        "Auto ingeslagen aan de Singel 200, ruit kapot",
        {"category": "vernieling", "street": "Singel", "house": "200"},
    ),
    ("Bushokje vernield vannacht op de Krommedijk", {"category": "vernieling", "street": "Krommedijk"}),
    ("Veel overlast van hangjongeren met harde muziek bij het winkelcentrum", {"category": "overlast"}),
    (
        "Man met capuchon op loert in tuinen aan de Dubbeldamseweg, 10 minuten geleden",
        {
            "category": "verdachte_situatie",
            "clothing": ["capuchon"],
            "phrase": "10 minuten geleden",
            "at": _local(22, 22, 20),
        },
    ),
    (
        "Net een verdachte auto gezien hier in de wijk",
        {
            "category": "verdachte_situatie",
            "location": "hier in de wijk",
            "phrase": "Net",
            "vehicle": {"type": "auto"},
        },
    ),
    (
        "verdachte situatie hier in de buurt",
        {"category": "verdachte_situatie", "location": "hier in de wijk"},
    ),
    (
        "Om 22.15 zag ik een slanke man van ca. 1.80 m met een zwarte rugzak die aan deuren voelde",
        {
            "category": "verdachte_situatie",
            "at": _local(22, 22, 15),
            "build": "slanke",
            "length": "ca. 1.80 m",
            "clothing": ["zwarte rugzak"],
        },
    ),
    (
        "Lange man, jaar of 30, blauwe spijkerbroek, witte sneakers, keek in auto's",
        {
            "category": "verdachte_situatie",
            "length": "Lange",
            "age": "jaar of 30",
            "clothing": ["blauwe spijkerbroek", "witte sneakers"],
        },
    ),
    (
        "Een kwartier geleden rende een jongen in trainingspak weg richting Krispijn",
        {
            "phrase": "Een kwartier geleden",
            "at": _local(22, 22, 15),
            "direction": "Krispijn",
            "clothing": ["trainingspak"],
        },
    ),
    (
        "Gisteren om 14:30 is mijn tas gestolen op de markt",
        {"category": "diefstal", "at": _local(21, 14, 30)},
    ),
    (
        "Aanrijding op de kruising, iemand gewond, ambulance is gebeld",
        {"category": "brand_of_ongeval", "called": True},
    ),
    ("Politie is ingelicht over de man met bivakmuts bij de Reeweg 4", {"called": True, "house": "4"}),
    ("De politie is nog niet gebeld!", {"called": False}),
    ("Moet iemand 112 bellen?", {"called": None}),
    ("Heeft iemand 112 gebeld?", {"called": None}),
    ("Ik heb net 112 gebeld, ze komen eraan", {"called": True}),
    ("0900-8844 is gebeld voor de overlast", {"called": True, "category": "overlast"}),
    ("dementerende meneer kwijt, loopt richting de Merwe", {"category": "vermissing", "direction": "Merwe"}),
    ("Onze zoon is kwijt sinds vanavond", {"category": "vermissing", "phrase": "vanavond"}),
    ("bedankt!", {"category": None, "location": None, "person": None, "kind": "chatter"}),
    ("goedemorgen allemaal", {"category": None, "time": None, "kind": "chatter"}),
    ("weet iemand of de stroom uitvalt?", {"category": None, "person": None}),
    ("politie is onderweg", {"street": "-", "called": True}),
    ("rende weg", {"street": "-", "direction": None}),
    ("3 mannen bij de speeltuin", {"time": None, "who": "mannen"}),
    ("Donkere man loopt door de straat", {"appearance_only": True}),
    ("Getinte jongen met rode jas probeert fietsen open te maken", {"appearance_only": False}),
    ("kenteken 99-XX-99 en 9-XXX-99", {"plate": "99-XX-99", "plates": ["99-XX-99", "9-XXX-99"]}),
    ("M-0042 is afgesloten", {"plate": "-"}),
    ("Rond 3 uur vanmiddag stond er een busje", {"at": _local(22, 15)}),
    ("Gisteravond om 10 uur hoorden we glasgerinkel", {"at": _local(21, 22)}),
]


def _check(report: Any, key: str, want: Any) -> None:
    person, vehicle, place = report.person, report.vehicle, report.location
    got: Any
    if key in ("category",):
        got = report.category.value if report.category else None
    elif key == "street":
        got = place.street if place else None
    elif key == "house":
        got = place.house_number if place else None
    elif key == "location":
        got = place.text if place else None
    elif key == "phrase":
        got = report.time.phrase if report.time else None
    elif key == "at":
        got = report.time.at.isoformat() if report.time else None
    elif key in ("clothing", "build", "length", "age", "who"):
        got = getattr(person, key) if person else None
        got = list(got) if isinstance(got, tuple) else got
    elif key == "appearance_only":
        got = bool(person and person.appearance_only)
    elif key == "vehicle":
        got = vehicle.to_json_dict() if vehicle else None
        if isinstance(want, dict):
            got = {name: got[name] for name in want} if got else None
    elif key == "plate":
        got = report.licence_plate
    elif key == "plates":
        got = list(report.plates)
    elif key == "called":
        got = report.called_112
    elif key == "kind":
        got = report.understood.kind.value if report.understood else None
    else:
        got = getattr(report, key)
    if want == "-":
        assert got is None, f"{key}: expected nothing, got {got!r}"
    else:
        assert got == want, f"{key}: expected {want!r}, got {got!r}"


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[row[0][:40] for row in ROWS])
def test_real_resident_texts(text: str, expected: dict[str, Any]) -> None:
    report = parse(text, NOW)
    for key, want in expected.items():
        _check(report, key, want)


def test_json_has_exactly_the_documented_keys_with_nulls() -> None:
    data = parse("bedankt!", NOW).to_json_dict()
    assert tuple(data) == JSON_KEYS
    assert [key for key, value in data.items() if value is not None] == [
        "confidence",
        "kind",
        "danger_now",
        "lang",
    ]
    assert (data["kind"], data["danger_now"], data["lang"]) == ("chatter", False, "nl")
    assert isinstance(data["confidence"], float) and data["confidence"] < UNSURE_THRESHOLD


def test_json_of_the_saar_example() -> None:
    data = parse(
        "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld", NOW
    )
    out = data.to_json_dict()
    assert out["category"] == "verdachte_situatie"
    assert (out["kind"], out["situation"], out["lang"]) == ("report", None, "nl")
    assert out["location"] == {
        "text": "Dubbeldamseweg 120",
        "street": "Dubbeldamseweg",
        "house_number": "120",
    }
    assert out["direction"] == "station"
    assert out["called_112"] is True
    assert isinstance(out["confidence"], float) and REPORT_THRESHOLD <= out["confidence"] <= 1.0


@pytest.mark.parametrize(
    ("written", "dashed"),
    [
        ("AB-12-34", "AB-12-34"),
        ("12-34-BD", "12-34-BD"),
        ("12-BD-34", "12-BD-34"),
        ("BD-12-FG", "BD-12-FG"),
        ("BD-FG-12", "BD-FG-12"),
        ("12-BD-FG", "12-BD-FG"),
        ("12-BDF-3", "12-BDF-3"),
        ("1-BDF-23", "1-BDF-23"),
        ("BD-123-F", "BD-123-F"),
        ("B-123-DF", "B-123-DF"),
        ("BDF-12-G", "BDF-12-G"),
        ("B-12-DFG", "B-12-DFG"),
        ("1-BD-234", "1-BD-234"),
        ("123-BD-4", "123-BD-4"),
        ("xx999x", "XX-999-X"),
        ("9xxx99", "9-XXX-99"),
        ("xxx 99 x", None),
        ("XXX 99 X", "XXX-99-X"),
        ("gx.12.bz", "GX-12-BZ"),
        ("12-34-56", None),
        ("AB-1234", None),
        ("ABC-123", None),
    ],
)
def test_plates_in_every_sidecode(written: str, dashed: str | None) -> None:
    assert normalise_plate(written) == dashed
