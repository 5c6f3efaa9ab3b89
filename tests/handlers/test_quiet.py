"""Quiet groups in the console: /melding and /hulp from a group continue privately; refusals too."""

from __future__ import annotations

from tests.harness import ConsoleHarness


async def test_melding_started_in_a_group_continues_in_private(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    menu = await console.say("/hulp")
    assert menu[0].startswith("[privé Piet]")
    start = await console.say("/melding")
    assert start and all(line.startswith(("[privé Piet]", " ")) for line in start)
    assert "Nieuwe melding" in "\n".join(start)
    await console.say(":prive")
    assert "Waar is het?" in await console.text("1")  # the dialog lives in the private chat


async def test_refusal_in_a_group_goes_to_the_sender(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    for line in ("/alert inbraakgolf", "/onbekend", "/coordinator @piet Krispijn"):
        out = await console.say(line)
        assert out and out[0].startswith("[privé Piet]"), (line, out)
