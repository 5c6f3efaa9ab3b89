"""Decide whether a free-text group message is a report, might be one, or is chatter.

The alarm group must stay quiet: thanks, emoji, greetings and ordinary questions get no answer at
all, and anything short of a clear signalement is asked about ("Is dit een melding?") rather than
guessed. The decision is the trained model's (:mod:`handlers.understanding`), with its safety
override: danger words are never left unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.reports.parser import ParsedReport, parse
from handlers.reports.timeexpr import AMSTERDAM
from handlers.understanding.understand import Understanding, Verdict, understand

NOTHING = ParsedReport(None, None, None, None, None, None, None, None, 0.0)


@dataclass(frozen=True)
class Recognition:
    verdict: Verdict
    report: ParsedReport
    understood: Understanding | None = None

    @property
    def is_report(self) -> bool:
        return self.verdict is Verdict.REPORT


def is_chatter(text: str) -> bool:
    """Thanks, greetings, emoji-only and other words that never need an answer in an alarm group."""
    return understand(text).verdict is Verdict.CHATTER


def classify(
    text: str, now: datetime | None = None, tz: ZoneInfo = AMSTERDAM, understood: Understanding | None = None
) -> Recognition:
    """Report, unsure or chatter; ``now`` resolves relative times in the parsed report; ``understood``
    is the model's reading of ``text`` when the caller has it already."""
    understood = understood or understand(text)
    if understood.verdict is Verdict.CHATTER:
        return Recognition(Verdict.CHATTER, NOTHING, understood)  # most group messages: no parsing
    return Recognition(understood.verdict, parse(text, now or datetime.now(UTC), tz, understood), understood)


__all__ = ["NOTHING", "Recognition", "Verdict", "classify", "is_chatter"]
