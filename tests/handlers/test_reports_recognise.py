"""The recogniser keeps the alarm group quiet: chatter never becomes a report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.reports.recognise import Verdict, classify

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)

CHATTER = [
    "bedankt!",
    "Bedankt voor het melden",
    "dank je wel allemaal 🙏",
    "👍",
    "👍🏻👍🏻",
    "🙏",
    "!!",
    "",
    "   ",
    "weet iemand of de stroom uitvalt?",
    "goedemorgen allemaal",
    "Goedenavond buren",
    "top",
    "oké",
    "haha",
    "Heeft iemand een ladder te leen?",
    "fijne avond iedereen",
    "welterusten",
    "Klopt",
    "mooi zo",
    "Wanneer is de volgende buurtvergadering?",
    "Weet iemand wanneer het oud papier wordt opgehaald?",
    "Lekker weer vandaag",
    "Wie heeft er zin in een borrel zaterdag?",
]

REPORTS = [
    "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld",
    "Er wordt nu ingebroken op de Krispijnseweg 45! 112 gebeld",
    "Vannacht is er bij ons ingebroken, Johan de Wittstraat 12. Raam geforceerd.",
    "Witte bestelbus met kenteken VTH12K rijdt al een half uur rondjes door de wijk",
    "Man met capuchon op loert in tuinen aan de Dubbeldamseweg, 10 minuten geleden",
    "Brand in de container aan de Merwekade, brandweer gebeld",
]

UNSURE = [
    "Heeft iemand ook een verdachte man gezien bij de Dubbeldamseweg?",
    "Zwarte BMW, kenteken 12-ABC-3, reed weg in de richting van Zwijndrecht",
    "Brand!",
]


def test_a_bare_topic_word_is_never_filed_as_a_report() -> None:
    """ "inbraak" alone says nothing happened: asked about or left alone, never a card."""
    assert classify("inbraak", NOW).verdict in (Verdict.UNSURE, Verdict.CHATTER)


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_is_never_a_report(text: str) -> None:
    assert classify(text, NOW).verdict is Verdict.CHATTER


@pytest.mark.parametrize("text", REPORTS)
def test_clear_signalements_are_reports(text: str) -> None:
    recognition = classify(text, NOW)
    assert recognition.verdict is Verdict.REPORT
    assert recognition.report.category is not None


@pytest.mark.parametrize("text", UNSURE)
def test_half_signalements_are_asked_about(text: str) -> None:
    assert classify(text, NOW).verdict is Verdict.UNSURE


def test_urgent_now_versus_yesterday() -> None:
    now_report = classify("Verdachte man loert bij de Reeweg 4", NOW).report
    old_report = classify("Gisteren verdachte man gezien die loerde bij de Reeweg 4", NOW).report
    assert now_report.urgent(NOW)
    assert not old_report.urgent(NOW)
    assert classify("Er wordt ingebroken aan de Reeweg 4", NOW).report.urgent(NOW)
