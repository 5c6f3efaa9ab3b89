"""``om HH:MM`` and ``op DD-MM[-JJJJ] [om HH:MM]`` at the end of an alert: when to send it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# At the end of the text: "op 24-12", "op 24-12-2026 om 18:00", "om 9.30".
_WHEN = re.compile(
    r"(?:^|\s)(?:op\s+(?P<day>\d{1,2})[-/](?P<month>\d{1,2})(?:[-/](?P<year>\d{2,4}))?)?"
    r"\s*(?:om\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?\s*$",
    re.IGNORECASE,
)
DEFAULT_TIME = time(9, 0)  # a date without a time: the morning, when people read messages


class ScheduleError(ValueError):
    """The time could not be understood or lies in the past; ``key`` names the catalog answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Scheduled:
    rest: str  # the text without the time words
    at: datetime | None  # UTC; None means "now"


def parse_schedule(text: str, now: datetime, zone: ZoneInfo) -> Scheduled:
    """Split a trailing time off ``text``; a time earlier today means tomorrow."""
    match = _WHEN.search(text)
    if match is None or not (match["day"] or match["hour"]):
        return Scheduled(text.strip(), None)
    local_now = now.astimezone(zone)
    try:
        moment = _moment(match, local_now)
    except ValueError:
        raise ScheduleError("schedule.bad_time") from None
    if match["day"] is None and moment <= local_now:
        moment += timedelta(days=1)
    if moment <= local_now:
        raise ScheduleError("schedule.in_past")
    if moment - local_now > timedelta(days=366):
        raise ScheduleError("schedule.too_far")
    return Scheduled(text[: match.start()].strip(), moment.astimezone(now.tzinfo))


def _moment(match: re.Match[str], local_now: datetime) -> datetime:
    when = DEFAULT_TIME
    if match["hour"] is not None:
        when = time(int(match["hour"]), int(match["minute"]))
    day = local_now.date()
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
