"""WANNEER of ``/ronde nieuw WIJK WANNEER``: ``di,do 20:00-22:00``, ``vandaag 20:00-22:00``,
``morgen 19:30-21:00``, ``24-12 20:00-22:00``, optionally ``min 3 max 6``.

Every plan becomes an iCalendar RRULE over *local* dates (a one-off is ``COUNT=1``), expanded by
python-dateutil on naive local times and only then put in ``TIMEZONE``: a round at 20:00 stays at
20:00 on the clock when daylight saving time starts or ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

DEFAULT_MIN, DEFAULT_MAX = 2, 4
LARGEST_TEAM = 20
SHORTEST, LONGEST = timedelta(minutes=15), timedelta(hours=8)

_DAYS = {
    "MO": ("ma", "maa", "maandag", "maandags", "mon", "monday"),
    "TU": ("di", "din", "dinsdag", "dinsdags", "tue", "tuesday"),
    "WE": ("wo", "woe", "woensdag", "woensdags", "wed", "wednesday"),
    "TH": ("do", "don", "donderdag", "donderdags", "thu", "thursday"),
    "FR": ("vr", "vri", "vrijdag", "vrijdags", "fri", "friday"),
    "SA": ("za", "zat", "zaterdag", "zaterdags", "sat", "saturday"),
    "SU": ("zo", "zon", "zondag", "zondags", "sun", "sunday"),
}
_DAY_OF = {word: code for code, words in _DAYS.items() for word in words}
_ORDER = list(_DAYS)
_FILLER = frozenset({"elke", "iedere", "op", "en", "every", "and", "on", "om", "van", "from"})
_RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}
_LIMIT = re.compile(r"\b(min(?:imaal|imum)?|max(?:imaal|imum)?)\s*[:=]?\s*(\d{1,3})\b")
_TIMES = re.compile(
    r"(?<![\d-])(\d{1,2})[:.](\d{2})\s*(?:-|–|tot|to|until)\s*(\d{1,2})(?:[:.](\d{2}))?(?:\s*uur)?"
)
_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})(?:[-/](\d{2,4}))?$")


class WhenError(ValueError):
    """WANNEER could not be understood; ``key`` names the catalog answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Plan:
    rule: str  # RRULE body, e.g. "FREQ=WEEKLY;BYDAY=TU,TH" or "FREQ=DAILY;COUNT=1"
    first_day: date  # local
    start: time  # local
    minutes: int
    min_walkers: int = DEFAULT_MIN
    max_walkers: int = DEFAULT_MAX

    @property
    def recurring(self) -> bool:
        return "COUNT=1" not in self.rule


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> Plan:
    """Read WANNEER; raises :class:`WhenError` with the key of a friendly answer."""
    low = text.strip().lower()
    limits, low = _limits(low)
    match = _TIMES.search(low)
    if match is None:
        raise WhenError("patrols.when.no_time")
    start, minutes = _span(match)
    days = low[: match.start()] + " " + low[match.end() :]
    today = now.astimezone(zone).date()
    rule, first_day = _days(days, today)
    plan = Plan(rule, first_day, start, minutes, *limits)
    if not plan.recurring and datetime.combine(first_day, start, zone) <= now:
        raise WhenError("patrols.when.in_past")
    return plan


def _limits(low: str) -> tuple[tuple[int, int], str]:
    found = {word[:3]: int(number) for word, number in _LIMIT.findall(low)}
    low = _LIMIT.sub(" ", low)
    least = found.get("min", DEFAULT_MIN)
    most = found.get("max", max(DEFAULT_MAX, least))
    if least < 2:
        raise WhenError("patrols.when.never_alone")
    if most < least or most > LARGEST_TEAM:
        raise WhenError("patrols.when.bad_limits")
    return (least, most), low


def _span(match: re.Match[str]) -> tuple[time, int]:
    try:
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4] or 0))
    except ValueError:
        raise WhenError("patrols.when.no_time") from None
    length = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if length <= timedelta(0):
        length += timedelta(days=1)  # 23:00-01:00 ends after midnight
    if not SHORTEST <= length <= LONGEST:
        raise WhenError("patrols.when.bad_length")
    return start, int(length.total_seconds() // 60)


def _days(words: str, today: date) -> tuple[str, date]:
    tokens = [t for t in re.split(r"[\s,;/&+]+", words) if t and t not in _FILLER]
    if not tokens:
        raise WhenError("patrols.when.no_day")
    if len(tokens) == 1 and tokens[0] in _RELATIVE:
        return "FREQ=DAILY;COUNT=1", today + timedelta(days=_RELATIVE[tokens[0]])
    if len(tokens) == 1 and (dated := _DATE.match(tokens[0])):
        return "FREQ=DAILY;COUNT=1", _date(dated, today)
    if tokens in (["dagelijks"], ["daily"], ["dag"], ["elke", "dag"]):
        return "FREQ=DAILY", today
    codes: list[str] = []
    for token in tokens:
        codes.extend(_weekday_codes(token))
    return "FREQ=WEEKLY;BYDAY=" + ",".join(sorted(set(codes), key=_ORDER.index)), today


def _weekday_codes(token: str) -> list[str]:
    first, dash, last = token.partition("-")
    if dash and first in _DAY_OF and last in _DAY_OF:  # "ma-vr"
        start, end = _ORDER.index(_DAY_OF[first]), _ORDER.index(_DAY_OF[last])
        return _ORDER[start : end + 1] if start <= end else [*_ORDER[start:], *_ORDER[: end + 1]]
    if token not in _DAY_OF:
        raise WhenError("patrols.when.no_day")
    return [_DAY_OF[token]]


def _date(match: re.Match[str], today: date) -> date:
    year = int(match[3]) if match[3] else today.year
    year = year + 2000 if year < 100 else year
    try:
        day = date(year, int(match[2]), int(match[1]))
    except ValueError:
        raise WhenError("patrols.when.no_day") from None
    if not match[3] and day < today:
        day = date(year + 1, day.month, day.day)  # "2-1" in December: next year
    return day


def occurrences(
    rule: str, first_day: date, start: time, zone: ZoneInfo, after: datetime, before: datetime
) -> Iterator[datetime]:
    """Start times (aware, in ``zone``) of the plan in ``[after, before)``.

    The rule runs on naive local times, so 20:00 is 20:00 on the wall clock in winter and in summer;
    a time that does not exist on the spring-forward night (02:30) lands an hour later, as clocks do.
    """
    dtstart = datetime.combine(first_day, start)
    local_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    local_before = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    for naive in rrulestr(f"RRULE:{rule}", dtstart=dtstart).between(local_after, local_before, inc=True):
        moment = naive.replace(tzinfo=zone)
        if after <= moment < before:
            yield moment
