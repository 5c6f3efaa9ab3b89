"""WANNEER of /ronde nieuw: days, relative days, dates, limits and recurrence on the wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from handlers.patrols.show import first_name
from handlers.patrols.when import Plan, WhenError, occurrences, parse_when
from storage.models import Person
from tests.handlers.patrols.builders import AMSTERDAM

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # Tuesday 12:00 in Dordrecht


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("di,do 20:00-22:00", Plan("FREQ=WEEKLY;BYDAY=TU,TH", date(2026, 12, 1), time(20, 0), 120)),
        ("di en do 20.00 - 22.00", Plan("FREQ=WEEKLY;BYDAY=TU,TH", date(2026, 12, 1), time(20, 0), 120)),
        ("elke zaterdag 23:00-01:00", Plan("FREQ=WEEKLY;BYDAY=SA", date(2026, 12, 1), time(23, 0), 120)),
        ("ma-vr 19:00-20:30", Plan("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 12, 1), time(19, 0), 90)),
        ("vandaag 20:00-22:00", Plan("FREQ=DAILY;COUNT=1", date(2026, 12, 1), time(20, 0), 120)),
        (
            "morgen 19:30-21:00 min 3 max 6",
            Plan("FREQ=DAILY;COUNT=1", date(2026, 12, 2), time(19, 30), 90, 3, 6),
        ),
        ("24-12 20:00-22:00", Plan("FREQ=DAILY;COUNT=1", date(2026, 12, 24), time(20, 0), 120)),
        ("2-1 20:00-22:00", Plan("FREQ=DAILY;COUNT=1", date(2027, 1, 2), time(20, 0), 120)),
    ],
)
def test_when_is_read(text: str, plan: Plan) -> None:
    assert parse_when(text, NOW, AMSTERDAM) == plan


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("di,do", "patrols.when.no_time"),
        ("20:00-22:00", "patrols.when.no_day"),
        ("dinsdagavond 20:00-22:00", "patrols.when.no_day"),
        ("vandaag 09:00-10:00", "patrols.when.in_past"),
        ("morgen 20:00-22:00 min 1", "patrols.when.never_alone"),
        ("morgen 20:00-22:00 min 4 max 3", "patrols.when.bad_limits"),
        ("morgen 20:00-20:05", "patrols.when.bad_length"),
        ("31-2 20:00-22:00", "patrols.when.no_day"),
        ("morgen 25:00-26:00", "patrols.when.no_time"),
    ],
)
def test_bad_when_names_its_answer(text: str, key: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, AMSTERDAM)
    assert caught.value.key == key


def test_a_time_in_the_spring_forward_gap_lands_an_hour_later() -> None:
    """02:30 does not exist on Sunday 28 March 2027: the round starts at 03:30 summer time."""
    after, before = datetime(2027, 3, 26, tzinfo=UTC), datetime(2027, 3, 30, tzinfo=UTC)
    starts = list(occurrences("FREQ=DAILY", date(2027, 3, 26), time(2, 30), AMSTERDAM, after, before))
    assert [s.astimezone(UTC).strftime("%d %H:%M") for s in starts] == [
        "26 01:30",
        "27 01:30",
        "28 01:30",
        "29 00:30",
    ]


def test_walkers_are_shown_by_first_name_only() -> None:
    assert first_name(Person(display_name="Karin de Vries")) == "Karin"
    assert first_name(Person(display_name="  ")) == "?"
