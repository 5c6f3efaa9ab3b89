"""/hulp and the referral recogniser, driven through the console as a resident would."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App, build_app
from tests.harness import ConsoleHarness

# Menu button → what the answer must contain (numbers from nl-catalogue.md §1).
MENU = [
    (1, "Ik wil anoniem iets melden", ["Meld Misdaad Anoniem", "0800-7000"]),
    (2, "Ik maak me zorgen over iemand thuis", ["112", "Veilig Thuis", "0800-2000"]),
    (3, "Ik word gediscrimineerd of zag het", ["Discriminatie.nl / RADAR", "https://www.discriminatie.nl"]),
    (4, "Ik ben (bijna) opgelicht", ["bank", "Fraudehelpdesk", "088-7867372", "0900-8844"]),
    (5, "Iemand gedraagt zich verward", ["112", "Meldpunt Zorgwekkend Gedrag", "0800-1205"]),
    (6, "Er is iets kapot op straat", ["Fixi", "https://www.fixi.nl", "14 078"]),
    (7, "Ik word op straat lastiggevallen", ["112", "Stop Intimidatie"]),
    (8, "Ik wil met iemand praten", ["Kindertelefoon", "0800-0432", "Alles oké?", "0800-0450"]),
    (9, "Ik denk aan zelfdoding", ["113", "0800-0113"]),
    (10, "Seksueel geweld", ["112", "Centrum Seksueel Geweld", "0800-0188"]),
]

SENTENCE = "mijn buurvrouw wordt volgens mij door haar man geslagen"


async def test_hulp_lists_the_situations_and_each_leads_to_the_right_numbers(console: ConsoleHarness) -> None:
    menu = await console.text("/hulp")
    assert menu.startswith("[privé Beheerder] buurtbot: Waar kan ik je mee helpen?")
    for number, label, _ in MENU:
        assert f"[{number}] {label}" in menu
    for number, label, expected in MENU:
        answer = await console.text(str(number))
        assert answer.startswith("[privé Beheerder] buurtbot:"), label
        for fact in expected:
            assert fact in answer, (label, fact)


async def test_danger_situations_put_112_first(console: ConsoleHarness) -> None:
    await console.say("/hulp")
    answer = await console.say("2")
    assert answer[0] == "[privé Beheerder] buurtbot: Is er nu gevaar? Bel direct 112."
    assert answer.index(next(line for line in answer if "0800-2000" in line)) > 0


async def test_private_sentence_gets_veilig_thuis(console: ConsoleHarness) -> None:
    answer = await console.say(SENTENCE)
    text = "\n".join(answer)
    assert answer[0] == "[privé Beheerder] buurtbot: Is er nu gevaar? Bel direct 112."
    assert "Veilig Thuis" in text and "0800-2000" in text


async def test_acute_danger_leads_with_call_112_now(console: ConsoleHarness) -> None:
    answer = await console.say("help ik hoor nu de buurvrouw gillen, haar man slaat haar")
    assert answer[0].startswith("[privé Beheerder] buurtbot: Bel nu 112.")
    assert "0800-2000" in "\n".join(answer)


async def test_in_a_group_a_discreet_pointer_and_the_referral_in_private(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn")
    pointer = await console.say(SENTENCE)
    text = "\n".join(pointer)
    assert pointer[0] == "[Krispijn] buurtbot: Is er nu gevaar? Bel direct 112."
    assert "Tik op de knop" in text and "[1] Hulp in privéchat" in text
    for secret in ("buurvrouw", "geslagen", "man", "Veilig Thuis", "0800-2000", "huiselijk"):
        assert secret not in text.replace("Hulp in privéchat", ""), secret
    private = await console.say("1")
    assert private[0].startswith("[privé Beheerder] buurtbot:")
    assert "0800-2000" in "\n".join(private)
    assert not any(line.startswith("[Krispijn]") for line in private)


@pytest.mark.parametrize(
    "chatter",
    [
        "bedankt!",
        "wie heeft mijn fiets gezien",
        "de discriminatie-workshop van vanavond gaat niet door",
        "👍",
        "goedemorgen allemaal",
    ],
)
async def test_chatter_in_a_group_gets_nothing(console: ConsoleHarness, chatter: str) -> None:
    await console.say(":groep Krispijn")
    assert await console.say(chatter) == []


async def test_non_sensitive_referral_is_answered_in_the_group(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn")
    answer = await console.text("de lantaarnpaal bij de speeltuin is kapot")
    assert answer.startswith("[Krispijn] buurtbot: Iets kapot of vies op straat?")
    assert "https://www.fixi.nl" in answer


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/hulp anoniem", "0800-7000"),
        ("/hulp Discriminatie", "https://www.discriminatie.nl"),
        ("/hulp fraude", "088-7867372"),
        ("/hulp 113", "0800-0113"),
        ("/hulp fixi", "14 078"),
        ("/hulp mijn buurman is helemaal in de war", "0800-1205"),
        ("/hulp ik ben 15 en wil met iemand praten", "0800-0432"),
    ],
)
async def test_hulp_word_answers_directly(console: ConsoleHarness, command: str, expected: str) -> None:
    answer = await console.text(command)
    assert expected in answer
    assert "[1]" not in answer  # no menu: a direct answer


async def test_age_picks_the_talk_line(console: ConsoleHarness) -> None:
    young = await console.text("/hulp ik ben 15 en wil met iemand praten")
    assert "0800-0432" in young and "0800-0450" not in young
    adult = await console.text("/hulp ik ben 20 en wil met iemand praten")
    assert "0800-0450" in adult and "0800-0432" not in adult


async def test_unknown_word_shows_the_menu(console: ConsoleHarness) -> None:
    answer = await console.text("/hulp pannenkoek")
    assert answer.startswith("[privé Beheerder] buurtbot: Daar heb ik geen nummer voor.")
    assert "[1] Ik wil anoniem iets melden" in answer


async def test_unverified_number_says_check_it(console: ConsoleHarness) -> None:
    answer = await console.text("/hulp burgernet")
    assert "0800-0011" in answer
    assert "Controleer het nummer op de officiële website" in answer
    assert "Controleer" not in await console.text("/hulp anoniem")


async def test_english_locale(console: ConsoleHarness) -> None:
    await console.say("/taal en")
    answer = await console.text("/hulp anoniem")
    assert "You really stay anonymous" in answer and "Call: 0800-7000" in answer


async def test_stale_button_is_refused_kindly(console: ConsoleHarness, app: App) -> None:
    from handlers.referrals.handler import button
    from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender

    incoming = Incoming(
        platform=Platform.CONSOLE,
        chat_id="beheerder",
        chat_kind=ChatKind.PRIVATE,
        kind=EventKind.CALLBACK,
        received_at=app.services.clock.now(),
        sender=Sender("beheerder", "Beheerder"),
        callback_data="hulp:bestaatniet",
    )
    replies = await button(incoming, app.services)
    assert [part.key for reply in replies for part in reply.parts] == ["error.stale_button"]


async def test_municipality_override_file(app: App, tmp_path: Path) -> None:
    override = tmp_path / "dordrecht.toml"
    override.write_text(
        '[services.zorgwekkend_gedrag]\nphone = "078-7654321"\nverified = false\n', encoding="utf-8"
    )
    settings = app.services.settings.model_copy(update={"services_file": str(override)})
    local_app = build_app(settings, clock=app.services.clock)
    try:
        harness = ConsoleHarness(local_app)
        await harness.start()
        answer = await harness.text("/hulp verward")
    finally:
        await local_app.close()
    assert "078-7654321" in answer and "0800-1205" not in answer
    assert "Controleer het nummer" in answer
