"""Decide whether a free-text group message is a report, might be one, or is chatter.

The alarm group must stay quiet: thanks, emoji, greetings and ordinary questions get no answer at
all, and anything short of a clear signalement is asked about ("Is dit een melding?") rather than
guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from handlers.reports.parser import ParsedReport, parse
from handlers.reports.text import Text
from handlers.reports.timeexpr import AMSTERDAM

REPORT_THRESHOLD = 0.55
UNSURE_THRESHOLD = 0.3

_CHATTER = re.compile(
    r"^(?:(?:heel |super |hartelijk )?(?:bedankt|dank ?je(?:wel)?|dank u(?:wel)?|thanks?|thx|tnx|merci|top"
    r"|fijn|mooi(?: zo)?|prima|ok[eé]?|oké|okay|ja|nee|klopt|helder|duidelijk|goed zo|haha\w*|lol|hoi|hallo"
    r"|goedemorgen|goedemiddag|goedenavond|goede(?:n)? ?(?:morgen|middag|avond|nacht)|welterusten|doei"
    r"|fijne (?:dag|avond|nacht|feestdagen)|gelukkig nieuwjaar|prettige feestdagen|gezellig|respect"
    r"|goed gedaan|top gedaan|netjes|dankjulliewel)"
    r"(?:\s+(?:allemaal|iedereen|buren|buurt|voor het melden|voor de info|voor de melding|hoor|he|hè|zeg"
    r"|jullie|u|allen))*[\s!.?,]*)$"
)
_QUESTION_OPENERS = re.compile(
    r"^(?:weet iemand|heeft iemand|kan iemand|wie weet|wie heeft|is er iemand die|iemand een idee"
    r"|hebben jullie|weten jullie|waarom|wanneer|hoe laat|waar kan)"
)


NOTHING = ParsedReport(None, None, None, None, None, None, None, None, 0.0)


class Verdict(StrEnum):
    REPORT = "report"
    UNSURE = "unsure"
    CHATTER = "chatter"


@dataclass(frozen=True)
class Recognition:
    verdict: Verdict
    report: ParsedReport

    @property
    def is_report(self) -> bool:
        return self.verdict is Verdict.REPORT


def _no_words(text: str) -> bool:
    """Only emoji, punctuation, symbols or spaces ("👍", "!!", "🙏🏻")."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)


def is_chatter(text: str) -> bool:
    """Thanks, greetings, emoji-only and other words that never need an answer in an alarm group."""
    low = Text.of(text).low
    return not low or _no_words(low) or bool(_CHATTER.match(low))


def classify(text: str, now: datetime | None = None, tz: ZoneInfo = AMSTERDAM) -> Recognition:
    """Report, unsure or chatter; ``now`` resolves relative times in the parsed report."""
    if is_chatter(text):
        return Recognition(Verdict.CHATTER, NOTHING)  # most group messages: no need to parse
    report = parse(text, now or datetime.now(UTC), tz)
    low = Text.of(text).low
    question = low.rstrip().endswith("?") or bool(_QUESTION_OPENERS.match(low))
    if report.category is None and (question or report.confidence < UNSURE_THRESHOLD):
        return Recognition(Verdict.CHATTER, report)
    if question or report.category is None or report.confidence < REPORT_THRESHOLD:
        verdict = Verdict.UNSURE if report.confidence >= UNSURE_THRESHOLD or report.strong_cue else None
        return Recognition(verdict or Verdict.CHATTER, report)
    return Recognition(Verdict.REPORT, report)
