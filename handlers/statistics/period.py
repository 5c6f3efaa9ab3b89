"""Which time range a statistic covers: the last week, month or year, ending now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Period(StrEnum):
    WEEK = "week"
    MAAND = "maand"
    JAAR = "jaar"

    @property
    def days(self) -> int:
        return {Period.WEEK: 7, Period.MAAND: 30, Period.JAAR: 365}[self]


# Words people type for a period, Dutch and English.
_WORDS: dict[str, Period] = {
    "week": Period.WEEK,
    "maand": Period.MAAND,
    "month": Period.MAAND,
    "jaar": Period.JAAR,
    "year": Period.JAAR,
}
DEFAULT = Period.MAAND


@dataclass(frozen=True)
class Request:
    """``/statistiek Oud Krispijn jaar`` → name "Oud Krispijn", period jaar."""

    name: str
    period: Period


def parse_request(args: str) -> Request:
    """The last word is the period when it names one; the rest is the place (names have spaces)."""
    words = args.split()
    if words and words[-1].casefold() in _WORDS:
        return Request(" ".join(words[:-1]), _WORDS[words[-1].casefold()])
    return Request(" ".join(words), DEFAULT)


def range_ending(now: datetime, period: Period) -> tuple[datetime, datetime]:
    return now - timedelta(days=period.days), now
