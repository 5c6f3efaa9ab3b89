"""understand(): the safety table overrides the model, nothing crashes it, English is understood."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.understanding.safety import danger_words
from handlers.understanding.taxonomy import SITUATIONS, Category, Kind
from handlers.understanding.understand import Verdict, understand

# Danger forms must win whatever the classifier thinks of the rest of the sentence.
DANGER = [
    "de buurman slaat zijn vrouw",
    "ze wordt geslagen",
    "hij heeft een mes",
    "MES!!",
    "brand in de schuur",
    "er ligt iemand op de grond",
    "helpen!",
    "HELP",
    "help, snel",
    "hij steekt om zich heen",
    "die man heeft een pistool",
    "someone has a knife",
    "fire in the kitchen",
    "help!",
    "Hèlp!!!",
    "nu bezig: inbraak bij de buren",
]
NO_DANGER = [
    "bedankt!",
    "kan iemand me helpen met de verhuizing zaterdag",
    "de alarmbel slaat nergens op",
    "de brandweer kwam langs op school",
    "mijn messenger doet raar",
    "thanks for the help yesterday",
    "ik kijk nu even naar de voetbal",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_words_always_set_danger_now(text: str) -> None:
    understood = understand(text)
    assert understood.danger_words, text
    assert understood.danger_now
    assert understood.verdict is not Verdict.CHATTER or understood.kind is Kind.HELP


@pytest.mark.parametrize("text", NO_DANGER)
def test_ordinary_words_are_not_danger_words(text: str) -> None:
    assert danger_words(text) == ()


def test_now_counts_only_for_an_incident() -> None:
    assert danger_words("ik kijk nu tv", category="inbraak", incident=False) == ()
    assert "nu" in danger_words("ze breken nu in", category="inbraak", incident=True)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bedankt allemaal 👍", Kind.CHATTER),
        ("thanks everyone!", Kind.CHATTER),
        ("someone is breaking into the house next door right now", Kind.REPORT),
    ],
)
def test_kinds_in_dutch_and_english(text: str, kind: Kind) -> None:
    assert understand(text).kind is kind


def test_language_is_told() -> None:
    assert understand("er wordt ingebroken bij de buren").lang == "nl"
    assert understand("my neighbour's house is being burgled").lang == "en"


def test_json_has_the_documented_keys() -> None:
    data = understand("inbraak bezig bij de buren!").to_json_dict()
    assert set(data) == {"kind", "category", "situation", "in_progress", "danger_now", "lang", "confidence"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_no_input_crashes_understand(text: str) -> None:
    understood = understand(text)
    assert understood.kind in set(Kind)
    assert understood.category is None or understood.category in set(Category)
    assert understood.situation is None or understood.situation in SITUATIONS
    assert 0.0 <= understood.report_probability <= 1.0
    assert understood.verdict in set(Verdict)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["mes", "help", "!", "nu", "slaat", "niet", "🙏", "\u202e", "ß", "112"]), max_size=50
    )
)
def test_word_salad_never_crashes(words: list[str]) -> None:
    understood = understand(" ".join(words))
    assert understood.danger_now in (True, False)
