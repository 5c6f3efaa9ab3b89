"""Recognising a referral moment in Dutch free text: variants that must hit, and chatter that must not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.referrals.recognise import recognise
from handlers.referrals.situations import BY_ID, by_word

HITS = [
    ("mijn buurvrouw wordt volgens mij door haar man geslagen", "thuis"),
    ("Mijn buurvrouw wordt volgens mij door haar man geslagen.", "thuis"),
    ("MIJN BUURVROUW WORDT VOLGENS MIJ DOOR HAAR MAN GESLAGEN", "thuis"),
    ("volgens mij slaat de buurman zijn vrouw", "thuis"),
    ("ik denk dat de buurjongen door zn vader geslagen wordt", "thuis"),
    ("ik hoor de bovenburen elke avond schreeuwen en klappen", "thuis"),
    ("Ik maak me zorgen, ik denk dat er huiselijk geweld is bij de buren", "thuis"),
    ("vermoeden van kindermishandeling in onze straat", "thuis"),
    ("de kinderen van hiernaast worden verwaarloosd, ze hebben honger", "thuis"),
    ("Ik werd vandaag gediscrimineerd bij de supermarkt", "discriminatie"),
    ("ze weigerden me bij de club vanwege mijn huidskleur", "discriminatie"),
    ("mijn zoon is racistisch uitgescholden op school", "discriminatie"),
    ("wat moet ik doen tegen discriminatie op mijn werk?", "discriminatie"),
    ("ik wil iets anoniem melden", "anoniem"),
    ("kan ik anoniem een tip geven over een hennepkwekerij", "anoniem"),
    ("ik weet wie de inbraak heeft gepleegd maar ik ben bang voor wraak", "anoniem"),
    ("ik ben opgelicht!!", "opgelicht"),
    ("Ik ben bijna opgelicht door een nep bankmedewerker", "opgelicht"),
    ("mijn moeder heeft haar pincode doorgegeven aan iemand aan de telefoon", "opgelicht"),
    ("ik heb zelfmoordgedachten", "zelfdoding"),
    ("ik wil niet meer leven", "zelfdoding"),
    ("mijn buurman zegt dat hij er een eind aan wil maken", "zelfdoding"),
    ("ik denk aan zelfmoord", "zelfdoding"),
    ("er loopt een verwarde man door de straat", "verward"),
    ("de buurvrouw is helemaal in de war en praat tegen zichzelf", "verward"),
    ("het huis van de buurman is helemaal vervuild, hij verwaarloost zichzelf", "verward"),
    ("de lantaarnpaal bij de speeltuin is kapot", "kapot"),
    ("straatlantaarn doet het niet meer sinds gisteren", "kapot"),
    ("er ligt een losse stoeptegel voor nummer 12", "kapot"),
    ("er is weer afval gedumpt bij de glasbak", "kapot"),
    ("ik werd vanavond nagesist en nageroepen bij het station", "lastig"),
    ("ik word op straat lastiggevallen door een groep jongens", "lastig"),
    ("ik wil met iemand praten", "praten"),
    ("ik voel me zo alleen", "praten"),
    ("ik ben aangerand", "seksueel"),
    ("mn man slaat me", "thuis"),
    ("kan iemand de kinderen van de buren helpen, ze zijn vaak alleen en hebben honger", "thuis"),
    ("Ze schelden me uit omdat ik een hoofddoek draag", "discriminatie"),
    ("Mijn buurjongen wordt gepest omdat hij homo is", "discriminatie"),
    ("Hij zei dat hij zich van kant wil maken", "zelfdoding"),
    ("Ik zie het leven niet meer zitten", "zelfdoding"),
    ("oma heeft haar pinpas meegegeven aan een koerier", "opgelicht"),
    ("let op: ik ben opgelicht via een nep tikkie", "opgelicht"),
    ("hoi mam bericht gehad, heb 500 euro overgemaakt, nu blijkt het nep", "opgelicht"),
    ("er ligt een bankstel op de stoep gedumpt", "kapot"),
    ("ik weet wie er drugs dealt bij de school maar ik wil niet dat ze weten dat ik het ben", "anoniem"),
]


@pytest.mark.parametrize(("text", "situation"), HITS)
def test_recognises_dutch_variants(text: str, situation: str) -> None:
    result = recognise(text)
    assert result is not None, text
    assert result.situation == situation


MISSES = [
    "de discriminatie-workshop van vanavond gaat niet door",
    "De lezing over huiselijk geweld is verplaatst naar donderdag",
    "bedankt!",
    "Bedankt allemaal 👍",
    "wie heeft mijn fiets gezien",
    "mijn zoon heeft vandaag het clubrecord geslagen",
    "mijn zoon heeft vandaag het record geslagen",
    "de alarmbel slaat nergens op",
    "goedemorgen buren",
    "er staat een witte bus al twee uur met draaiende motor in de straat",
    "ik ga dood van de hitte",
    "de folder over fraude bij ouderen ligt in het buurthuis",
    "wie wil er praten over de nieuwe speeltuin?",
    "",
    "   ",
    "112 is gebeld",
    "Pas op: nepagenten actief in de wijk!",
    "Waarschuwing: phishing sms namens de bank",
    "de kinderen hebben honger, wat eten we",
    "mijn man heeft de bank gebeld",
    "Verdachte man bij de garageboxen, 112 is gebeld",
    "Twee jongens slaan een ruit in bij de bushalte",
]


def test_a_knife_on_the_street_is_112_now() -> None:
    """Not a help request, but when the report side stays quiet the safe answer is 112."""
    found = recognise("Er is een man met een mes op straat")
    assert found is None or (found.situation == "nood" and found.danger)


@pytest.mark.parametrize("text", MISSES)
def test_chatter_and_event_talk_do_not_trigger(text: str) -> None:
    assert recognise(text) is None


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        ("mijn buurvrouw wordt volgens mij door haar man geslagen", False),
        ("help, ik hoor nu de buurvrouw gillen, haar man slaat haar", True),
        ("ik wil niet meer leven, ik sta op de brug", True),
        ("er staat een nep agent aan de deur bij mijn moeder", True),
        ("de verwarde man is agressief en heeft een mes", True),
    ],
)
def test_danger_is_noticed(text: str, danger: bool) -> None:
    result = recognise(text)
    assert result is not None
    assert result.danger is danger


def test_age_is_read_for_the_talk_line() -> None:
    result = recognise("ik ben 15 en ik voel me zo alleen")
    assert result is not None and result.situation == "praten" and result.age == 15


def test_every_recognised_situation_is_in_the_menu_data() -> None:
    for _, situation in HITS:
        assert situation in BY_ID


@pytest.mark.parametrize(
    ("word", "situation"),
    [
        ("anoniem", "anoniem"),
        ("discriminatie", "discriminatie"),
        ("fraude", "opgelicht"),
        ("Fixi", "kapot"),
        ("113", "zelfdoding"),
        ("verward", "verward"),
        ("thuis", "thuis"),
        ("oplicht", "opgelicht"),
    ],
)
def test_hulp_word(word: str, situation: str) -> None:
    found = by_word(word)
    assert found is not None and found.id == situation


def test_unknown_hulp_word() -> None:
    assert by_word("pannenkoek") is None
    assert by_word("") is None


@given(st.text(max_size=3000))
def test_no_input_crashes_the_recogniser(text: str) -> None:
    result = recognise(text)
    assert result is None or result.situation in BY_ID


@given(
    st.lists(
        st.sampled_from(
            [
                "ik",
                "mijn",
                "man",
                "geslagen",
                "workshop",
                "discriminatie",
                "nu",
                "anoniem",
                "melden",
                "kapot",
                "lantaarnpaal",
                "ben",
                "opgelicht",
                "zelfmoord",
                "!",
                ",",
                "é",
                "\n",
                "15",
                "jaar",
            ]
        ),
        max_size=40,
    )
)
def test_word_salad_never_crashes(words: list[str]) -> None:
    result = recognise(" ".join(words))
    assert result is None or result.situation in BY_ID
