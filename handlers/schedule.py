"""``plan 18:30``, ``plan morgen 08:00``, ``plan 24-12 [om 9:00]`` at the end of an alert: when to send it.

Only the explicit word ``plan`` schedules. A time in the text is text: "laatst gezien om 8:15" in a
missing-person alert once scheduled the alert for the next morning and cut the time from it.

Linear on any input: the text is cut into words once (``str.rsplit`` from the right, bounded), and
only the last few words, each of bounded length and joined by single spaces, ever meet a regex. A
pattern run over the whole text with ``\\s*`` next to optional groups backtracked cubically on long
runs of whitespace (1,600 spaces froze the bot for seconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The time words, on the last words only: "plan 18:30", "plan morgen om 8:00", "plan op 24-12-2026 9.30".
_WHEN = re.compile(
    r"plan(?: (?:(?P<tomorrow>morgen|tomorrow)|(?:op )?(?P<day>\d{1,2})[-/](?P<month>\d{1,2})"
    r"(?:[-/](?P<year>\d{2,4}))?))?"
    r"(?: (?:om )?(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?",
    re.IGNORECASE,
)
MAX_TAIL_WORDS = 5  # "plan op 24-12-2026 om 18:00"
MAX_WORD = 10  # "24-12-2026": a longer word is never a time word
DEFAULT_TIME = time(9, 0)  # a date without a time: the morning, when people read messages


class ScheduleError(ValueError):
    """The time could not be understood or lies in the past; ``key`` names the catalog answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ScanBudget:
    """Counts the characters handed to a regex; tests inject one to prove the work is bounded."""

    def __init__(self, limit: int) -> None:
        self.limit, self.spent = limit, 0

    def spend(self, chars: int) -> None:
        self.spent += chars
        if self.spent > self.limit:
            raise RuntimeError(f"scan budget of {self.limit} characters exceeded")


@dataclass(frozen=True)
class Scheduled:
    rest: str  # the text without the time words
    at: datetime | None  # UTC; None means "now"


def parse_schedule(text: str, now: datetime, zone: ZoneInfo, budget: ScanBudget | None = None) -> Scheduled:
    """Split a trailing time off ``text``; a time earlier today means tomorrow."""
    found = _find_tail(text, budget)
    if found is None:
        return Scheduled(text.strip(), None)
    rest, match = found
    local_now = now.astimezone(zone)
    try:
        moment = _moment(match, local_now)
    except ValueError:
        raise ScheduleError("schedule.bad_time") from None
    if match["day"] is None and match["tomorrow"] is None and moment <= local_now:
        moment += timedelta(days=1)
    if moment <= local_now:
        raise ScheduleError("schedule.in_past")
    if moment - local_now > timedelta(days=366):
        raise ScheduleError("schedule.too_far")
    return Scheduled(rest, moment.astimezone(now.tzinfo))


def _find_tail(text: str, budget: ScanBudget | None) -> tuple[str, re.Match[str]] | None:
    """The longest run of last words that is a time expression, and the text before it."""
    words = text.rsplit(None, MAX_TAIL_WORDS)  # at most MAX_TAIL_WORDS splits, from the right
    head = words[0] if len(words) > MAX_TAIL_WORDS else ""
    tail = words[-MAX_TAIL_WORDS:] if len(words) > MAX_TAIL_WORDS else words
    for size in range(len(tail), 0, -1):
        candidate = tail[len(tail) - size :]
        if any(len(word) > MAX_WORD for word in candidate):
            continue
        joined = " ".join(candidate)
        if budget is not None:
            budget.spend(len(joined))
        match = _WHEN.fullmatch(joined)
        if match is not None and (match["day"] or match["hour"] or match["tomorrow"]):
            rest = " ".join([head, *tail[: len(tail) - size]]) if head else " ".join(tail[: len(tail) - size])
            return rest.strip(), match
    return None


def _moment(match: re.Match[str], local_now: datetime) -> datetime:
    when = DEFAULT_TIME
    if match["hour"] is not None:
        when = time(int(match["hour"]), int(match["minute"]))
    day = local_now.date() + timedelta(days=1 if match["tomorrow"] else 0)
    if match["day"] is not None:
        year = int(match["year"]) if match["year"] else local_now.year
        year = year + 2000 if year < 100 else year
        day = date(year, int(match["month"]), int(match["day"]))
        if not match["year"] and datetime.combine(day, when, local_now.tzinfo) <= local_now:
            day = date(year + 1, day.month, day.day)  # "op 2-1" in December: next year
    return datetime.combine(day, when, local_now.tzinfo)


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    """``24-12-2026 18:00`` in the bot's time zone."""
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")
