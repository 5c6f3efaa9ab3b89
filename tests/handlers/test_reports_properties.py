"""Property tests: no input crashes the parser, and every plate is found however it is written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.reports.parser import JSON_KEYS, parse
from handlers.reports.plates import PLATE_LETTERS, SIDECODES
from handlers.reports.recognise import Verdict, classify

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)

# Pieces residents' messages are made of, including the awkward ones.
_PIECES = st.sampled_from(
    [
        "Verdachte man",
        "bij",
        "Dubbeldamseweg 120",
        "112 is gebeld",
        "niet",
        "richting",
        "station",
        "om 22.15",
        "gisteravond",
        "10 minuten geleden",
        "net",
        "<b>",
        "&amp;",
        "&",
        "</i>",
        "\u202eRTL\u202c",
        "שלום",
        "مرحبا بالجيران",
        "👍",
        "🚓🚨",
        "\u200b",
        "\x00",
        "\ud800",
        "ﬁ",
        "１２３",
        "—",
        "\n",
        "kenteken",
        "ab-12-cd",
        "Ⅻ",
        "İstanbul",
        "ß",
        "straat",
        "weg",
        "1.80 m",
        "jaar of 30",
        "🏳️‍🌈",
        "?",
        "!!!",
    ]
)
_MESSAGES = st.one_of(
    st.text(max_size=300),
    st.lists(_PIECES, max_size=40).map(" ".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("".join),
)
_NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC))


def _check_shape(text: str, now: datetime) -> None:
    report = parse(text, now)
    data = report.to_json_dict()
    assert tuple(data) == JSON_KEYS
    assert 0.0 <= report.confidence <= 1.0
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # printable and sendable as UTF-8
    if report.time is not None:
        assert report.time.at.tzinfo is not None
        assert report.time.at <= now + timedelta(hours=1)
    assert classify(text, now).verdict in set(Verdict)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_MESSAGES, _NOWS)
def test_no_input_crashes_the_parser(text: str, now: datetime) -> None:
    _check_shape(text, now)


def _at_least_4000(parts: list[str]) -> str:
    text = " ".join(parts) + " "
    return text * (4000 // len(text) + 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=60).map(_at_least_4000))
def test_long_messages_of_4000_and_more_characters(text: str) -> None:
    assert len(text) >= 4000
    _check_shape(text, NOW)


@st.composite
def _plates(draw: st.DrawFn) -> tuple[str, str]:
    """A plate in a random sidecode, written with random separators and case, and its dashed form."""
    sidecode = draw(st.sampled_from(SIDECODES))
    groups = [
        "".join(
            draw(st.sampled_from(PLATE_LETTERS)) if kind[0] == "X" else draw(st.sampled_from("0123456789"))
            for _ in kind
        )
        for kind in sidecode.split("-")
    ]
    sep = draw(st.sampled_from(["", "-", ".", " ", "–"]))
    written = sep.join(groups)
    if sep != " " and draw(st.booleans()):
        written = written.lower()
    return written, "-".join(groups)


_AROUND = st.lists(
    st.sampled_from(
        ["kenteken", "zwarte", "auto", "met", "🚗", "مرحبا", "רכב", "<b>", "&", "reed", "weg,", "("]
    ),
    max_size=6,
).map(" ".join)


@settings(max_examples=400)
@given(_plates(), _AROUND, _AROUND)
def test_any_plate_is_found_and_dashed(plate: tuple[str, str], before: str, after: str) -> None:
    written, dashed = plate
    report = parse(f"{before} {written} {after}", NOW)
    assert dashed in report.plates
    assert report.licence_plate is not None


def test_rtl_and_emoji_do_not_hide_a_report() -> None:
    text = "\u202bמשהו\u202c 🚨 Verdachte man bij Dubbeldamseweg 120 👀, 112 is gebeld 🙏"
    report = parse(text, NOW)
    assert report.category is not None and report.category.value == "verdachte_situatie"
    assert report.location is not None and report.location.text == "Dubbeldamseweg 120"
    assert report.called_112 is True
