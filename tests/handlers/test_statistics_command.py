"""/statistiek through the console: who may see what, fuzzy wijk names, never in a group."""

from __future__ import annotations

import pytest

from bot.app import App
from tests import statistics_data
from tests.harness import ConsoleHarness


@pytest.fixture
async def known(app: App) -> statistics_data.Known:
    return await statistics_data.build(app)


async def test_a_coordinator_sees_the_month_of_their_wijk(console: ConsoleHarness, known: object) -> None:
    await console.say(":als Ans coordinator Oud Krispijn")
    text = await console.text("/statistiek Oud Krispijn maand")
    assert "Oud Krispijn" in text and "afgelopen 30 dagen" in text
    assert "Meldingen: 4 (0,8 per 1.000 inwoners)" in text
    assert "112 gebeld: bij 2 van de 4 (50%)" in text
    assert "Nu nog open: 1." in text
    assert "Doorgegeven aan de politie: meestal na 60 min." in text
    assert "Afgesloten: meestal na 4 uur." in text
    assert "babbeltruc-nep-agent: 1 keer, 10 chats bereikt, 1 niet gelukt" in text
    # Without a name: their only wijk; a typo still finds it
    assert "Meldingen: 4" in await console.text("/statistiek")
    assert "Bedoel je Oud Krispijn?" in await console.text("/statistiek oud krispyn jaar")
    assert "Meldingen: 5" in await console.text("/statistiek oud-krispijn jaar")


async def test_a_coordinator_does_not_see_another_wijk(console: ConsoleHarness, known: object) -> None:
    await console.say(":als Ans coordinator Oud Krispijn")
    text = await console.text("/statistiek Sterrenburg")
    assert "Meldingen" not in text and "mag" in text
    assert "Meldingen" not in await console.text("/statistiek stad")


async def test_a_beheerder_sees_the_city(console: ConsoleHarness, known: object) -> None:
    text = await console.text("/statistiek week")
    assert "de hele stad" in text and "afgelopen 7 dagen" in text
    assert "Meldingen: 3" in text  # r1, r2 and r6


async def test_never_in_a_group(console: ConsoleHarness, known: object) -> None:
    await console.say(":groep Buurtgroep", ":als Kees")
    assert await console.say("/statistiek Oud Krispijn") == []  # a resident: quietly nothing
    await console.say(":als Ans coordinator Oud Krispijn", ":groep Buurtgroep")
    lines = await console.say("/statistiek Oud Krispijn")
    assert lines and not any(line.startswith("[Buurtgroep]") for line in lines)
    assert "Meldingen: 4" in "\n".join(lines)


async def test_residents_are_told_no_in_private(console: ConsoleHarness, known: object) -> None:
    await console.say(":als Kees")
    text = await console.text("/statistiek Oud Krispijn")
    assert "Meldingen" not in text and "coördinator" in text
