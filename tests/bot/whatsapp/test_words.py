"""Plain words as commands, the way people type on WhatsApp."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.whatsapp.words import DEFAULT_COMMAND_WORDS, command_words, parse_command


def test_words_any_case_with_args() -> None:
    assert parse_command("Melding fiets gestolen bij station", DEFAULT_COMMAND_WORDS) == (
        "melding",
        "fiets gestolen bij station",
    )
    assert parse_command("aanmelden KRISPIJN", DEFAULT_COMMAND_WORDS) == ("aanmelden", "KRISPIJN")
    assert parse_command("STOP", DEFAULT_COMMAND_WORDS) == ("stop", "")
    assert parse_command("  stop!  ", DEFAULT_COMMAND_WORDS) == ("stop", "")
    assert parse_command("Hulp?", DEFAULT_COMMAND_WORDS) == ("hulp", "")


def test_slash_commands_still_work() -> None:
    assert parse_command("/regels", DEFAULT_COMMAND_WORDS) == ("regels", "")
    assert parse_command("/MELDING inbraak", DEFAULT_COMMAND_WORDS) == ("melding", "inbraak")


def test_words_without_args_only_count_alone() -> None:
    # An answer in a dialog that starts with "help" is text, not a request for /hulp.
    assert parse_command("help er loopt iemand rond", DEFAULT_COMMAND_WORDS) == (None, "")
    assert parse_command("hoi daar", DEFAULT_COMMAND_WORDS) == (None, "")
    assert parse_command("", DEFAULT_COMMAND_WORDS) == (None, "")


def test_first_line_counts() -> None:
    assert parse_command("melding\nman bij auto", DEFAULT_COMMAND_WORDS) == ("melding", "man bij auto")


def test_configured_words_cannot_remove_stop() -> None:
    words = command_words({"Kaart": "/kaart", "stop": "iets"})
    assert parse_command("kaart", words) == ("kaart", "")
    assert parse_command("Stop", words) == ("stop", "")


@given(st.text(max_size=200))
def test_never_raises_and_commands_are_lowercase(text: str) -> None:
    command, args = parse_command(text, DEFAULT_COMMAND_WORDS)
    if command is None:
        assert args == ""
    else:
        assert command == command.lower()
        assert args == args.strip()
