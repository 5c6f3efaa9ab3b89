"""The alert time parser: right answers, and bounded work on hostile input (no timing, a budget)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.schedule import ScanBudget, Scheduled, ScheduleError, parse_schedule
from tests.harness import ConsoleHarness

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam
ZONE = ZoneInfo("Europe/Amsterdam")
SIZE = 4096
HOSTILE = {
    "spaces": "Let op" + " " * SIZE + "morgen",
    "newlines": "Let op" + "\n" * SIZE + "morgen",
    "tabs": "Let op" + "\t" * SIZE + "morgen",
    "mixed whitespace": "Let op" + " \n\t\r" * (SIZE // 4) + "om",
    "repeated om": "om " * (SIZE // 3),
    "repeated op": "op " * (SIZE // 3),
    "repeated plan": "plan " * (SIZE // 5),
    "repeated digits": "1" * SIZE,
    "digits and colons": "1:" * (SIZE // 2),
    "dates": "plan 1-1 " * (SIZE // 9),
    "words then a time": "tekst " * (SIZE // 6) + "plan 18:30",
    "spaces then a time": "Let op" + " " * SIZE + "plan 18:30",
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_hostile_input_costs_a_bounded_scan(shape: str) -> None:
    text = HOSTILE[shape]
    budget = ScanBudget(limit=200)  # characters handed to the regex, whatever the input length
    with contextlib.suppress(ScheduleError):  # "plan 1-1" is in the past: an answer, not a hang
        parse_schedule(text, NOW, ZONE, budget)
    assert budget.spent <= 200


def test_a_time_after_a_run_of_whitespace_is_still_found() -> None:
    scheduled = parse_schedule(HOSTILE["spaces then a time"], NOW, ZONE, ScanBudget(200))
    assert scheduled.rest == "Let op"
    assert scheduled.at == datetime(2026, 11, 22, 17, 30, tzinfo=UTC)


def test_time_forms() -> None:
    assert parse_schedule("hoi plan op 24-12 om 9.30", NOW, ZONE).at == datetime(
        2026, 12, 24, 8, 30, tzinfo=UTC
    )
    assert parse_schedule("hoi plan 24-12 9:30", NOW, ZONE).at == datetime(2026, 12, 24, 8, 30, tzinfo=UTC)
    assert parse_schedule("hoi plan 24-12", NOW, ZONE).rest == "hoi"
    assert parse_schedule("hoi plan 10:00", NOW, ZONE).at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert parse_schedule("hoi plan morgen", NOW, ZONE).at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert parse_schedule("hoi plan morgen om 7:15", NOW, ZONE).at == datetime(
        2026, 11, 23, 6, 15, tzinfo=UTC
    )
    assert parse_schedule("Let op   morgen", NOW, ZONE).at is None
    # A time in the text is text: only "plan" schedules.
    for text in ("laatst gezien om 8:15", "op 24-12 om 9:00", "om 18:30", "het plan"):
        assert parse_schedule(text, NOW, ZONE) == Scheduled(text, None)
    with pytest.raises(ScheduleError):
        parse_schedule("hoi plan 25:00", NOW, ZONE)


async def test_bericht_with_4096_characters_of_whitespace_gets_a_preview(console: ConsoleHarness) -> None:
    await console.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    for filler in (" ", "\n", "\t"):
        head = "/bericht Krispijn Let op"
        line = head + filler * (SIZE - len(head) - len("morgen")) + "morgen"
        assert len(line) == SIZE
        reply = await console.text(line)
        assert "Voorbeeld" in reply and "Let op morgen" in reply


async def test_bericht_keeps_emoji_after_the_area(console: ConsoleHarness) -> None:
    await console.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    reply = await console.text("/bericht Krispijn ⚠️ Inbraak")
    assert "Voorbeeld" in reply and "⚠️ Inbraak" in reply
    reply = await console.text("/bericht Krispijn 🚨")
    assert "Voorbeeld" in reply and "🚨" in reply.split("Voorbeeld", 1)[1]
