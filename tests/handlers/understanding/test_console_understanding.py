"""Through the console as a resident would type: help reaches the right service (112 first where
there is danger), an unclear private message never dead-ends, English is understood, and a group
stays quiet on chatter."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleHarness

PRIVATE = "[privé Beheerder] buurtbot:"


async def test_neighbour_being_hit_gets_veilig_thuis_with_112_first(console: ConsoleHarness) -> None:
    answer = await console.say("mijn buurvrouw wordt geslagen")
    assert answer[0].startswith(PRIVATE) and "112" in answer[0]
    text = "\n".join(answer)
    assert "Veilig Thuis" in text and "0800-2000" in text
    assert text.index("112") < text.index("Veilig Thuis")


async def test_headscarf_abuse_gets_discrimination_help(console: ConsoleHarness) -> None:
    text = await console.text("ik werd in de supermarkt uitgescholden om mijn hoofddoek")
    assert "Discriminatie.nl / RADAR" in text and "https://www.discriminatie.nl" in text


async def test_anonymous_tip_about_cannabis_gets_meld_misdaad_anoniem(console: ConsoleHarness) -> None:
    text = await console.text("ik weet waar een hennepkwekerij zit maar wil anoniem blijven")
    assert "Meld Misdaad Anoniem" in text and "0800-7000" in text


async def test_english_plea_for_help_is_understood(console: ConsoleHarness) -> None:
    text = await console.text("my neighbour is being beaten by her husband, i can hear her scream")
    assert "Veilig Thuis" in text


@pytest.mark.parametrize(
    "unclear",
    [
        "hmm er is iets raars aan de hand",
        "hmm wat nu",
    ],
)
async def test_unclear_private_message_offers_112_melding_and_hulp(
    console: ConsoleHarness, unclear: str
) -> None:
    answer = await console.say(unclear)
    assert answer[0].startswith(PRIVATE)
    text = "\n".join(answer)
    assert "112" in answer[0]
    assert "/melding" in text
    assert "[1] Ik wil anoniem iets melden" in text and "[2] Ik maak me zorgen over iemand thuis" in text


async def test_report_like_private_message_is_pointed_to_melding(console: ConsoleHarness) -> None:
    text = await console.text("er loopt een man met een koevoet door de tuinen")
    assert "112" in text and "/melding" in text


async def test_thanks_in_private_gets_a_short_pointer(console: ConsoleHarness) -> None:
    answer = await console.say("bedankt!")
    assert len(answer) == 1 and "112" in answer[0] and "/hulp" in answer[0]


async def test_danger_in_a_private_message_puts_call_112_now_first(console: ConsoleHarness) -> None:
    answer = await console.say("HELP!!")
    assert answer[0].startswith(f"{PRIVATE} Bel nu 112.")


@pytest.mark.parametrize("chatter", ["bedankt allemaal 👍", "thanks!", "goedemorgen buren", "haha idd"])
async def test_chatter_in_a_group_stays_silent(console: ConsoleHarness, chatter: str) -> None:
    await console.say(":groep Krispijn")
    assert await console.say(chatter) == []


async def test_a_scam_loss_told_as_a_report_still_offers_the_fraud_help(console: ConsoleHarness) -> None:
    """Borderline between report and help: no dead end, the menu holds "opgelicht"."""
    text = await console.text("hoi mam berichtje gekregen en geld overgemaakt, het was nep")
    assert "Fraudehelpdesk" in text or "[4] Ik ben (bijna) opgelicht" in text


async def test_the_koevoet_signalement_becomes_a_card_in_a_linked_group(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    card = await console.text(
        "twee jongens met een koevoet voelen aan de deurklinken bij Dubbeldamseweg Zuid 45, 112 is gebeld"
    )
    assert "Melding M-0001 · Verdachte situatie" in card
    assert "112 is gebeld" in card
    assert "Is dit een melding?" not in card


async def test_a_missing_child_in_a_group_is_never_met_with_silence(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    answer = await console.text("Onze zoon is kwijt sinds vanavond")
    assert "Is dit een melding?" in answer


async def test_a_lost_cat_stays_chatter(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    assert await console.say("wie mist deze kat? zit al de hele dag bij ons in de tuin") == []
