"""Dutch time expressions ("om 22.15", "gisteravond", "10 minuten geleden", "net") → a moment.

Everything is resolved against an injected ``now`` in the deployment's time zone, so tests are exact
and a report written at 00:30 about "om 23.45" lands on the previous evening. Parts of the day are
represented by a typical hour and marked approximate. Spoken clock times count too ("kwart over
elf", "rond half 12", "tien voor half twee"), and a few English forms ("at 11pm", "last night",
"10 minutes ago", "just now").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.reports.text import Budget, Scan

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "twintig": 20, "dertig": 30, "veertig": 40, "paar": 3, "enkele": 3, "half": 0,
}  # fmt: skip

_HOURS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
}  # fmt: skip
_MINUTE_WORDS = {"vijf": 5, "tien": 10, "kwart": 15, "twintig": 20}

# (day offset, typical hour) per part-of-day word; the longest words come first in the pattern.
_DAY_PARTS = {
    "gisteravond": (-1, 21), "gisternacht": (0, 3), "gistermiddag": (-1, 14), "gisterochtend": (-1, 8),
    "gistermorgen": (-1, 8), "gisteren": (-1, 12), "vannacht": (0, 3), "vanochtend": (0, 8),
    "vanmorgen": (0, 8), "vanmiddag": (0, 14), "vanavond": (0, 20), "vandaag": (0, 12),
    "eergisteren": (-2, 12), "last night": (0, 3), "this morning": (0, 8), "this afternoon": (0, 14),
    "this evening": (0, 20), "tonight": (0, 20), "yesterday": (-1, 12), "today": (0, 12),
    "'s nachts": (0, 3), "'s avonds": (0, 21), "'s middags": (0, 14), "'s ochtends": (0, 8),
    "'s morgens": (0, 8), "midden in de nacht": (0, 3), "afgelopen nacht": (0, 3), "vorige nacht": (0, 3),
    "in de nacht": (0, 3), "late at night": (0, 1), "in the night": (0, 3), "overnight": (0, 3),
    "afgelopen weekend": (-2, 12), "vorig weekend": (-2, 12), "afgelopen week": (-7, 12),
    "vorige week": (-7, 12), "last week": (-7, 12), "last weekend": (-2, 12),
    "onlangs": (-3, 12), "recently": (-3, 12), "eergisteravond": (-2, 21),
}  # fmt: skip
_WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_PART_HOURS = {
    "ochtend": 8, "morgen": 8, "middag": 14, "avond": 21, "nacht": 3, "morning": 8, "afternoon": 14,
    "evening": 21, "night": 3,
}  # fmt: skip
_WEEKDAY = re.compile(
    r"(?<!\w)(?:(?:afgelopen|vorige|op|on|last)\s+)?("
    + "|".join(_WEEKDAYS)
    + r")\s?("
    + "|".join(_PART_HOURS)
    + r")?(?!\w)"
)

_NOW = (
    r"(?:net|zojuist|zonet|daarnet|zo-?even|nu|op dit moment|momenteel|op het moment|nu bezig|just now"
    r"|right now|a moment ago)"
)
_NOT_TIME_AFTER_NET = r"(?!\s+(?:als|zo|zoals|niet|genoeg|wat|goed|te|iets|op tijd)\b)"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = (
    r"(min(?:uut|uten|utes?|\.)?|kwartier|uur|uren|halfuur|seconden|sec|hours?|hrs?|dag|dagen|days?"
    r"|weken|week|weeks)"
)

_AGO = re.compile(
    r"(?<!\w)(?:(?:een\s+)?(half\s+uur|halfuur|kwartier|anderhalf\s+uur)|" + _NUMBER + r"\s*" + _UNIT + r")"
    r"\s+(?:of\s+zo\s+)?(?:geleden|ago)(?!\w)"
)
_HOUR = r"(1[0-2]|0?[1-9]|" + "|".join(sorted(_HOURS, key=len, reverse=True)) + ")"
# "kwart over elf", "tien voor half twaalf", "half 12", "rond vijf over drie".
_SPOKEN = re.compile(
    r"(?<!\w)(?:(?:om|rond|rondom|omstreeks|ongeveer|tegen|vanaf|sinds)\s+)?"
    r"(?:(vijf|tien|kwart|twintig|[1-9]|1[0-9]|2[0-9])\s+(over|voor)\s+)?(half\s+)?" + _HOUR + r"(?!\w)"
    r"(?:\s+uur)?(?!\s*(?:jaar|man|mannen|personen|jongens|minuten|keer|euro|auto|kinderen)(?!\w))"
)
_ENGLISH_CLOCK = re.compile(
    r"(?<![\w.:])(?:(?:at|around|about)\s+)?(1[0-2]|0?[1-9])(?:[.:]([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)"
)
_CLOCK = re.compile(
    r"(?<![\w.:])(?:(?:om|rond|rondom|omstreeks|ca\.?|ongeveer|tegen|vanaf|sinds)\s+)?"
    r"([01]?\d|2[0-3])(?:[.:hu]([0-5]\d))?(?:\s*(?:uur|u)(?!\w))?(?![\w.:])"
    r"(?!\s*(?:jaar|cm|centimeter|meter|m|km|man|mannen|personen|jongens|minuten|min|keer|euro)(?!\w))"
)
_DAY_PART = re.compile(
    r"(?<![\w'])("
    + "|".join(sorted(_DAY_PARTS, key=len, reverse=True)).replace(" ", r"\s+").replace("'", "['’‘]")
    + r")(?!\w)"
)
_RIGHT_NOW = re.compile(r"(?<!\w)" + _NOW + r"(?!\w)" + _NOT_TIME_AFTER_NET)


@dataclass(frozen=True)
class When:
    """A resolved time: the moment (aware), the words the resident used, and whether it is a guess."""

    phrase: str
    at: datetime
    approximate: bool = False

    def to_json_dict(self) -> dict[str, object]:
        return {"phrase": self.phrase, "at": self.at.isoformat(), "approximate": self.approximate}


def _amount(word: str) -> float:
    return float(word) if word.isdigit() else float(_NUMBER_WORDS.get(word, 1))


def _ago(match: re.Match[str], raw: str, now: datetime) -> When:
    fixed, number, unit = match.group(1), match.group(2), match.group(3)
    if fixed:
        minutes = {"kwartier": 15.0}.get(fixed, 90.0 if fixed.startswith("anderhalf") else 30.0)
    elif unit.startswith(("uur", "uren", "hour", "hr")):
        minutes = 60 * _amount(number)
    elif unit.startswith(("dag", "day")):
        minutes = 24 * 60 * _amount(number)
    elif unit.startswith("we"):
        minutes = 7 * 24 * 60 * _amount(number)
    elif unit == "kwartier":
        minutes = 15 * _amount(number)
    elif unit.startswith("sec"):
        minutes = _amount(number) / 60
    else:
        minutes = _amount(number)
    phrase = raw[match.start() : match.end()]
    return When(phrase, now - timedelta(minutes=minutes), number in ("paar", "enkele"))


def _clock_match(scan: Scan) -> re.Match[str] | None:
    # A bare number ("3 mannen") is no time: require "om"/"rond"…, minutes, or "uur".
    for match in scan.finditer(_CLOCK):
        text = match.group(0)
        has_word = not text[0].isdigit()
        if match.group(2) or has_word or text.rstrip().endswith(("uur", "u")):
            return match
    return None


def _at_local(local_now: datetime, days: int, hour: int, minute: int) -> datetime:
    day = (local_now + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_now.tzinfo)


def _latest_half_day(local_now: datetime, morning: datetime) -> datetime:
    # "om 9 uur" written at 22:30 means 21:00: take the latest of h and h+12 not in the future.
    evening = morning + timedelta(hours=12)
    return evening if evening <= local_now + timedelta(minutes=30) else morning


def _spoken_match(scan: Scan) -> tuple[re.Match[str], int, int] | None:
    """A spoken clock time and its (hour 0-23 or 1-12, minute); a bare "twee" is no time."""
    for match in scan.finditer(_SPOKEN):
        minutes_word, direction, half, hour_word = match.group(1, 2, 3, 4)
        prefixed = not match.group(0)[0].isdigit() and match.group(0).split()[0] in _PREFIXES
        if not (direction or half or (prefixed and match.group(0).rstrip().endswith("uur"))):
            continue
        hour = int(hour_word) if hour_word.isdigit() else _HOURS[hour_word]
        minute = 0
        if half:
            hour, minute = hour - 1, 30
        if direction:
            amount = int(minutes_word) if minutes_word.isdigit() else _MINUTE_WORDS[minutes_word]
            minute += amount if direction == "over" else -amount
        if minute < 0:
            hour, minute = hour - 1, minute + 60
        return match, hour % 12 or 12, minute % 60
    for match in scan.finditer(_ENGLISH_CLOCK):
        hour = int(match.group(1)) % 12 + (12 if match.group(3).startswith("p") else 0)
        return match, hour, int(match.group(2) or 0)
    return None


_PREFIXES = frozenset({"om", "rond", "rondom", "omstreeks", "ongeveer", "tegen", "vanaf", "sinds"})


def _resolve(
    local_now: datetime, part: re.Match[str] | None, hour: int, minute: int, exact_half_day: bool
) -> datetime:
    days = _DAY_PARTS[_part_key(part.group(1))][0] if part else 0
    at = _at_local(local_now, days, hour, minute)
    if not part and not exact_half_day and 0 < hour < 12:
        at = _latest_half_day(local_now, at)
    evening = ("avond", "middag", "evening", "afternoon", "tonight")
    if hour <= 12 and part and part.group(1).endswith(evening) and hour + 12 < 24:
        at = at + timedelta(hours=12)  # "gisteravond om 10 uur" means 22:00
    if not part and at > local_now + timedelta(minutes=30):
        at -= timedelta(days=1)  # "om 23.45" written at 00:30 is last night
    return at


def _part_key(words: str) -> str:
    return " ".join(words.replace("’", "'").replace("‘", "'").split())


def _on_weekday(match: re.Match[str], raw: str, local_now: datetime) -> When:
    """ "vrijdagavond", "afgelopen zondag", "on friday night": the latest such day, not in the future."""
    days = -((local_now.weekday() - _WEEKDAYS[match.group(1)]) % 7)
    part = match.group(2) or ""
    hour = 23 if part in ("nacht", "night") else _PART_HOURS.get(part, 12)  # that evening, late
    at = _at_local(local_now, days, hour, 0)
    if at > local_now:
        at -= timedelta(days=7)
    return When(raw[match.start() : match.end()], at, approximate=True)


def _phrase(raw: str, *matches: re.Match[str] | None) -> str:
    ordered = sorted((m for m in matches if m), key=lambda m: m.start())
    return " ".join(raw[m.start() : m.end()] for m in ordered)


def find_time(
    low: str, raw: str, now: datetime, tz: ZoneInfo = AMSTERDAM, budget: Budget | None = None
) -> When | None:
    """The first time expression in a message (``low`` is the lower-cased twin of ``raw``)."""
    scan = Scan.of(low, raw, budget)
    local_now = now.astimezone(tz)
    if match := scan.search(_AGO):
        return _ago(match, raw, local_now)
    part = scan.search(_DAY_PART)
    if spoken := _spoken_match(scan):
        match, hour, minute = spoken
        english = match.re is _ENGLISH_CLOCK
        at = _resolve(local_now, part, hour, minute, exact_half_day=english)
        vague = match.group(0).startswith(("rond", "ongeveer", "omstreeks", "tegen", "around", "about"))
        plain = not english and not (match.group(2) or match.group(3))
        return When(_phrase(raw, part, match), at, approximate=vague or plain)
    clock = _clock_match(scan)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        at = _resolve(local_now, part, hour, minute, exact_half_day=bool(clock.group(2)))
        return When(_phrase(raw, part, clock), at, approximate=not clock.group(2))
    if weekday := scan.search(_WEEKDAY):
        return _on_weekday(weekday, raw, local_now)
    if part:
        days, hour = _DAY_PARTS[_part_key(part.group(1))]
        at = min(_at_local(local_now, days, hour, 0), local_now)
        return When(raw[part.start() : part.end()], at, approximate=True)
    if now_match := scan.search(_RIGHT_NOW):
        return When(raw[now_match.start() : now_match.end()], local_now)
    return None
