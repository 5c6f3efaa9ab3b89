"""Linking uses places, not luck: the rules as a table, and through the console on the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from handlers.reports.describe import Vehicle
from handlers.reports.linking import OpenIncident, Sighting, is_follow_up, joins, place_keys, places_agree
from storage.reports import Report
from tests.harness import ConsoleHarness

DONE_WHEN = "twee jongens met een koevoet voelen aan de deurklinken bij Dubbeldamseweg Zuid 45, 112 is gebeld"

DUBBELDAM_45 = Sighting(places=place_keys("Dubbeldamseweg Zuid"), house=45)
REEWEG = Sighting(places=place_keys("Reeweg"))
NOWHERE = Sighting()
HERE = Sighting(latitude=51.8000, longitude=4.6700)


@pytest.mark.parametrize(
    ("new", "incident", "linked"),
    [
        (Sighting(places=place_keys("Dubbeldamseweg Zuid"), house=49), [DUBBELDAM_45], True),
        (Sighting(places=place_keys("dubbeldamseweg zuid")), [DUBBELDAM_45], True),  # no number: same street
        (Sighting(places=place_keys("Dubbeldamseweg Zuid"), house=120), [DUBBELDAM_45], False),
        (Sighting(places=place_keys("Dubbeldamseweg Noord"), house=45), [DUBBELDAM_45], False),
        (Sighting(places=place_keys("Reeweg")), [DUBBELDAM_45], False),
        (Sighting(places=place_keys("hoek Vrieseweg/Dubbeldamseweg Zuid")), [DUBBELDAM_45], True),
        (
            Sighting(places=place_keys("Albert Heijn")),
            [Sighting(places=place_keys("Reeweg (Albert Heijn)"))],
            True,
        ),
        # A report without a place does not absorb reports from other streets …
        (REEWEG, [NOWHERE], False),
        # … and joins an incident only as a second witness who adds details.
        (Sighting(details=True), [DUBBELDAM_45], True),
        (NOWHERE, [DUBBELDAM_45], False),
        # Shared locations within the distance.
        (Sighting(latitude=51.8010, longitude=4.6700), [HERE], True),  # ~110 m
        (Sighting(latitude=51.8100, longitude=4.6700), [HERE], False),  # ~1.1 km
        (HERE, [REEWEG], False),  # a location and a street cannot be compared: kept apart
        # A different plate or vehicle keeps reports apart, even on one street.
        (
            Sighting(places=REEWEG.places, plate="GX-12-BZ"),
            [Sighting(places=REEWEG.places, plate="12-BDF-3")],
            False,
        ),
        (
            Sighting(places=REEWEG.places, plate="GX-12-BZ"),
            [Sighting(places=REEWEG.places, plate="GX-12-BZ")],
            True,
        ),
        (
            Sighting(places=REEWEG.places, plate_partial="12-…"),
            [Sighting(places=REEWEG.places, plate="GX-12-BZ")],
            False,
        ),
        (
            Sighting(places=REEWEG.places, vehicle=Vehicle(type="scooter")),
            [Sighting(places=REEWEG.places, vehicle=Vehicle(type="bestelbus"))],
            False,
        ),
        (
            Sighting(places=REEWEG.places, vehicle=Vehicle(type="bus")),
            [Sighting(places=REEWEG.places, vehicle=Vehicle(type="bestelbus"))],
            True,
        ),
        (Sighting(details=True, plate="GX-12-BZ"), [Sighting(places=REEWEG.places, plate="12-BDF-3")], False),
    ],
)
def test_linking_rules(new: Sighting, incident: list[Sighting], linked: bool) -> None:
    assert joins(new, incident, max_distance_m=300) is linked


def test_place_keys_read_crossings_and_landmarks() -> None:
    assert place_keys("hoek Vrieseweg/Dubbeldamseweg") == {"vrieseweg", "dubbeldamseweg"}
    assert place_keys("Bosboom Toussaintstraat (Albert Heijn)") == {"bosboom toussaintstraat", "albert heijn"}
    assert place_keys("Reeweg-Oost") == place_keys("reeweg oost")
    assert place_keys("hier in de wijk") == frozenset()
    assert places_agree(Sighting(places=place_keys("Reeweg-Oost"), house=3), Sighting(places={"reeweg oost"}))


@pytest.mark.parametrize(
    ("text", "follows"),
    [
        ("zag ze ook, 112 gebeld, rode pet", True),
        ("ze renden richting het station", True),
        ("nu bij de Dubbeldamseweg Zuid 50, twee jongens", True),
        ("twee jongens bij de Reeweg 8", False),  # another street: a new incident
        ("heeft iemand 112 gebeld?", False),  # a question
        ("bedankt!", False),
        ("zie M-0001, ze zijn weg", True),  # refers to the card
    ],
)
def test_is_follow_up(text: str, follows: bool) -> None:
    incident = OpenIncident("M-0001", (DUBBELDAM_45,))
    assert is_follow_up(text, incident) is follows


async def _krispijn(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn")


async def _links(app: App) -> list[tuple[str | None, int | None]]:
    async with app.services.db() as session:
        rows = await session.scalars(select(Report).order_by(Report.id))
        return [(r.short_id, r.incident_id) for r in rows]


async def test_done_when_card_and_the_second_witness(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    card = await console.text(DONE_WHEN)
    assert "[Krispijn] buurtbot: 🚨 Melding M-0001 ·" in card
    assert "Plek: Dubbeldamseweg Zuid 45" in card
    assert "Aantal personen: 2" in card
    assert "twee jongens" in card
    assert "Bij zich: koevoet" in card
    assert "112 is gebeld" in card
    await console.say(":als Karin")
    update = await console.text("zag ze ook, 112 gebeld, rode pet")
    assert "Is dit een melding?" not in update
    assert "[Krispijn] buurtbot (bijgewerkt): 🚨 Melding M-0001" in update
    assert "🔗 2 meldingen over hetzelfde voorval" in update
    assert await _links(app) == [("M-0001", None), ("M-0002", 1)]
    assert await console.say("bedankt!") == []


async def test_details_without_an_open_incident_stay_quiet(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    assert await console.say("rode pet, 112 gebeld") == []
    assert await _links(app) == []


async def test_a_report_without_a_place_does_not_absorb_other_streets(
    console: ConsoleHarness, app: App
) -> None:
    await _krispijn(console)
    await console.say(":als Piet", "/melding Verdachte man met zwarte jas loert in tuinen")
    await console.say(":als Karin")
    other = await console.text("/melding Verdachte man loert in tuinen aan de Krommedijk 3")
    assert "Melding M-0002 ·" in other and "(bijgewerkt)" not in other
    assert await _links(app) == [("M-0001", None), ("M-0002", None)]


async def test_house_numbers_far_apart_are_two_incidents(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet", "/melding Verdachte man loert in tuinen aan de Dubbeldamseweg 12")
    await console.say(":als Karin", "/melding Verdachte man loert in tuinen aan de Dubbeldamseweg 180")
    near = await console.text("/melding Verdachte man loert in tuinen aan de Dubbeldamseweg 16")
    assert "(bijgewerkt): 🚨 Melding M-0001" in near
    assert await _links(app) == [("M-0001", None), ("M-0002", None), ("M-0003", 1)]


async def test_another_plate_or_vehicle_keeps_reports_apart(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet", "/melding Verdachte witte bestelbus kenteken GX-12-BZ bij de Reeweg 4")
    await console.say(":als Karin", "/melding Verdachte witte bestelbus kenteken 12-BDF-3 bij de Reeweg 4")
    await console.say("/melding Verdachte scooter rijdt rondjes bij de Reeweg 4")
    same = await console.text("/melding Verdachte bestelbus GX-12-BZ staat nog bij de Reeweg 6")
    assert "(bijgewerkt): 🚨 Melding M-0001" in same
    assert await _links(app) == [("M-0001", None), ("M-0002", None), ("M-0003", None), ("M-0004", 1)]


async def test_a_report_that_names_the_card_joins_it(console: ConsoleHarness, app: App) -> None:
    await _krispijn(console)
    await console.say(":als Piet", "/melding Verdachte man loert in tuinen aan de Dubbeldamseweg 12")
    await console.say(":als Karin")
    joined = await console.text("/melding Over M-0001: de man loopt nu bij de Krommedijk 40")
    assert "(bijgewerkt): 🚨 Melding M-0001" in joined
    assert await _links(app) == [("M-0001", None), ("M-0002", 1)]


async def test_the_card_shows_a_partial_plate_and_a_later_full_plate_must_fit_it(
    console: ConsoleHarness, app: App
) -> None:
    await _krispijn(console)
    await console.say(":als Piet")
    card = await console.text("/melding Verdachte witte bestelbus bij de Reeweg 4, kenteken begon met 12-")
    assert "Kenteken (deel): 12-…" in card
    assert "Voertuig: witte, bestelbus" in card
    await console.say(":als Karin")
    other = await console.text("/melding Verdachte witte bestelbus GX-12-BZ bij de Reeweg 4")
    assert "Melding M-0002 ·" in other and "(bijgewerkt)" not in other  # GX-… does not start with 12
    fits = await console.text("/melding Verdachte witte bestelbus 12-BDF-3 bij de Reeweg 4")
    assert "(bijgewerkt): 🚨 Melding M-0001" in fits
    assert await _links(app) == [("M-0001", None), ("M-0002", None), ("M-0003", 1)]
