"""Dutch time expressions ("om 22.15", "gisteravond", "10 minuten geleden", "net") → a moment.

Everything is resolved against an injected ``now`` in the deployment's time zone, so tests are exact
and a report written at 00:30 about "om 23.45" lands on the previous evening. Parts of the day are
represented by a typical hour and marked approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "twintig": 20, "dertig": 30, "veertig": 40, "paar": 3, "enkele": 3, "half": 0,
}  # fmt: skip

# (day offset, typical hour) per part-of-day word; the longest words come first in the pattern.
_DAY_PARTS = {
    "gisteravond": (-1, 21), "gisternacht": (0, 3), "gistermiddag": (-1, 14), "gisterochtend": (-1, 8),
    "gistermorgen": (-1, 8), "gisteren": (-1, 12), "vannacht": (0, 3), "vanochtend": (0, 8),
    "vanmorgen": (0, 8), "vanmiddag": (0, 14), "vanavond": (0, 20), "vandaag": (0, 12),
    "eergisteren": (-2, 12),
}  # fmt: skip

_NOW = r"(?:net|zojuist|zonet|daarnet|zo-?even|nu|op dit moment|momenteel|op het moment|nu bezig)"
_NOT_TIME_AFTER_NET = r"(?!\s+(?:als|zo|zoals|niet|genoeg|wat|goed|te|iets|op tijd)\b)"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(min(?:uut|uten|\.)?|kwartier|uur|uren|halfuur|seconden|sec)"

_AGO = re.compile(
    r"(?<!\w)(?:(?:een\s+)?(half\s+uur|halfuur|kwartier|anderhalf\s+uur)|" + _NUMBER + r"\s*" + _UNIT + r")"
    r"\s+(?:of\s+zo\s+)?geleden(?!\w)"
)
_CLOCK = re.compile(
    r"(?<![\w.:])(?:(?:om|rond|rondom|omstreeks|ca\.?|ongeveer|tegen|vanaf|sinds)\s+)?"
    r"([01]?\d|2[0-3])(?:[.:hu]([0-5]\d))?(?:\s*(?:uur|u)(?!\w))?(?![\w.:])"
    r"(?!\s*(?:jaar|cm|centimeter|meter|m|km|man|mannen|personen|jongens|minuten|min|keer|euro)(?!\w))"
)
_DAY_PART = re.compile(r"(?<!\w)(" + "|".join(sorted(_DAY_PARTS, key=len, reverse=True)) + r")(?!\w)")
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
    elif unit.startswith(("uur", "uren")):
        minutes = 60 * _amount(number)
    elif unit == "kwartier":
        minutes = 15 * _amount(number)
    elif unit.startswith("sec"):
        minutes = _amount(number) / 60
    else:
        minutes = _amount(number)
    phrase = raw[match.start() : match.end()]
    return When(phrase, now - timedelta(minutes=minutes), number in ("paar", "enkele"))


def _clock_match(low: str) -> re.Match[str] | None:
    # A bare number ("3 mannen") is no time: require "om"/"rond"…, minutes, or "uur".
    for match in _CLOCK.finditer(low):
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


def find_time(low: str, raw: str, now: datetime, tz: ZoneInfo = AMSTERDAM) -> When | None:
    """The first time expression in a message (``low`` is the lower-cased twin of ``raw``)."""
    local_now = now.astimezone(tz)
    if match := _AGO.search(low):
        return _ago(match, raw, local_now)
    part = _DAY_PART.search(low)
    clock = _clock_match(low)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        days = _DAY_PARTS[part.group(1)][0] if part else 0
        at = _at_local(local_now, days, hour, minute)
        if not part and not clock.group(2) and 0 < hour < 12:
            at = _latest_half_day(local_now, at)
        if hour <= 12 and part and part.group(1).endswith(("avond", "middag")) and hour + 12 < 24:
            at = at + timedelta(hours=12)  # "gisteravond om 10 uur" means 22:00
        if not part and at > local_now + timedelta(minutes=30):
            at -= timedelta(days=1)  # "om 23.45" written at 00:30 is last night
        phrases = sorted((m for m in (part, clock) if m), key=lambda m: m.start())
        phrase = " ".join(raw[m.start() : m.end()] for m in phrases)
        return When(phrase, at, approximate=not clock.group(2))
    if part:
        days, hour = _DAY_PARTS[part.group(1)]
        at = min(_at_local(local_now, days, hour, 0), local_now)
        return When(raw[part.start() : part.end()], at, approximate=True)
    if now_match := _RIGHT_NOW.search(low):
        return When(raw[now_match.start() : now_match.end()], local_now)
    return None
