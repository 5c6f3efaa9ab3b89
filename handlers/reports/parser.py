"""Turn a resident's Dutch free text into a structured report (platform-free, no I/O).

``parse(text, now)`` never raises on any input: each extractor looks for its own cue and leaves the
field empty when it finds none. What the text *is* (kind, category, situation, in_progress,
danger_now, language) comes from the trained model in :mod:`handlers.understanding`; the confidence
is the model's probability that the text is a report.

The detail extractors are rule-based and table-driven (``handlers/reports/tables/``). Each message
gets a scanning :class:`~handlers.reports.text.Budget` proportional to its length: the extractors
charge every regex pass to it, so parsing is linear in the input whatever its shape, and an
extractor that would exceed it simply finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from handlers.reports.categories import Category
from handlers.reports.describe import Person, Vehicle, find_person, find_vehicle
from handlers.reports.location import Place, find_place
from handlers.reports.plates import find_partial_plate, find_plates
from handlers.reports.text import Budget, BudgetExhausted, Scan, Text, tidy
from handlers.reports.timeexpr import AMSTERDAM, When, find_time
from handlers.understanding.taxonomy import urgent
from handlers.understanding.understand import Understanding, understand

_T = TypeVar("_T")

JSON_KEYS = (
    "category", "location", "time", "person", "vehicle", "licence_plate", "direction", "called_112",
    "confidence", "kind", "situation", "in_progress", "danger_now", "lang", "plate_partial",
)  # fmt: skip

_STOP = (
    r"(?:en|met|om|112|politie|terwijl|maar|toen|is|was|heeft|hebben|die|waar|want|daarna|vanaf|sinds"
    r"|and|with|at|police|called|who|while)"
)
_TARGET = rf"((?:(?!{_STOP}(?!\w))[^\s,.;:!?()]{{1,40}})(?: (?!{_STOP}(?!\w))[^\s,.;:!?()]{{1,40}}){{0,4}})"
_DIRECTION = re.compile(
    r"(?<!\w)(?<!onbekende )(?<!andere )(?<!dezelfde )(?<!welke )"
    r"(?:in de richting van|in (?:de )?richting|richting|naar de kant van"
    r"|(?:weg|ervandoor|vandoor|gevlucht|rende|renden|rent|vluchtte|vluchtten|reed|reden|fietste|fietsten"
    r"|scheurde|scheurden|liep|liepen)(?: weg)? naar"
    r"|in the direction of|heading (?:towards|toward|to|for)|headed (?:towards|toward|to|for)|towards"
    r"|(?:ran|drove|cycled|walked|sped|went|fled|took) off (?:towards|toward|to|down)"
    r"|(?:ran|drove|fled|went) (?:towards|toward|to|down))"
    r" (?:the )?" + _TARGET
)
_ARTICLE = re.compile(r"^(?:de|het|'t)\s+", re.IGNORECASE)
_AUTHORITY = re.compile(
    r"(?<![\w-])(?:112|politie|0900-?8844|meldkamer|alarmnummer|wijkagent|brandweer|ambulance|999|911"
    r"|police|cops|fire brigade|emergency services)(?![\w-])"
)
_CALLED = re.compile(
    r"(?<!\w)(?:gebeld|ingelicht|gewaarschuwd|gealarmeerd|ingeschakeld|op de hoogte|onderweg|ter plaatse"
    r"|gearriveerd|gemeld|aanwezig|is er al|zijn er al|gebeld ✅|called|rang|phoned|contacted|informed"
    r"|on (?:their|the|its) way|on scene|are here|have been called|has been called)"
)
_NEGATION = re.compile(r"(?<!\w)(?:niet|geen|niemand|nog niet|not|nobody|no one|haven't|hasn't|didn't)(?!\w)")
# "nog niet gebeld", "niet gebeld" without naming whom: the answer to "is 112 gebeld?".
_NOT_CALLED = re.compile(r"(?<!\w)(?:nog )?niet (?:ge)?beld(?!\w)|(?<!\w)not (?:yet )?called(?!\w)")
_CLAUSE_END = re.compile(r"[.;!?\n]")
_VIOLENCE = re.compile(
    r"(?<!\w)(?:geweld|mishandel\w*|overval\w*|beroving|beroofd|steekpartij|gestoken|vechtpartij|vechten"
    r"|mes|messen|wapen|vuurwapen|pistool|schoten|schieten|bedreig\w*|slaan|sloeg|geslagen)(?!\w)"
)


@dataclass(frozen=True)
class ParsedReport:
    """What the parser found; every field but ``confidence`` may be empty."""

    category: Category | None
    location: Place | None
    time: When | None
    person: Person | None
    vehicle: Vehicle | None
    licence_plate: str | None
    direction: str | None
    called_112: bool | None
    confidence: float
    violence: bool = False
    plates: tuple[str, ...] = ()
    plate_partial: str | None = None  # "12-…" or "…-RT" when only part of a plate was seen
    understood: Understanding | None = None  # the model's reading of the whole text

    @property
    def people_count(self) -> int | None:
        return self.person.count if self.person else None

    @property
    def objects(self) -> tuple[str, ...]:
        return self.person.objects if self.person else ()

    @property
    def house_number(self) -> str | None:
        return self.location.house_number if self.location else None

    @property
    def in_progress(self) -> bool | None:
        return self.understood.in_progress if self.understood else None

    @property
    def danger_now(self) -> bool:
        return self.understood.danger_now if self.understood else False

    def to_json_dict(self) -> dict[str, object]:
        """Exactly the documented keys, None where a part is absent."""
        return {
            "category": self.category.value if self.category else None,
            "location": self.location.to_json_dict() if self.location else None,
            "time": self.time.to_json_dict() if self.time else None,
            "person": self.person.to_json_dict() if self.person else None,
            "vehicle": self.vehicle.to_json_dict() if self.vehicle else None,
            "licence_plate": self.licence_plate,
            "direction": self.direction,
            "called_112": self.called_112,
            "confidence": self.confidence,
            "kind": self.understood.kind.value if self.understood else None,
            "situation": self.understood.situation if self.understood else None,
            "in_progress": self.in_progress,
            "danger_now": self.danger_now,
            "lang": self.understood.lang if self.understood else None,
            "plate_partial": self.plate_partial,
        }

    def urgent(self, now: datetime) -> bool:
        """Someone may be in danger now: inbraak or geweld going on, brand/ongeval, danger words,
        violence, or a suspect on the spot."""
        if self.violence or urgent(self.category, self.in_progress, self.danger_now):
            return True
        recent = self.time is None or self.time.at >= now - timedelta(minutes=60)
        return self.category is Category.VERDACHTE_SITUATIE and recent


def find_direction(
    low: str, raw: str, budget: Budget | None = None
) -> tuple[str | None, tuple[int, int] | None]:
    """Where someone went ("richting station", "heading towards the park") and that phrase's span."""
    match = Scan.of(low, raw, budget).search(_DIRECTION)
    if not match:
        return None, None
    target = _ARTICLE.sub("", tidy(raw[match.start(1) : match.end(1)]))
    return (target or None), (match.start(), match.end())


def find_called_112(low: str, budget: Budget | None = None) -> bool | None:
    """True for "112 is gebeld" / "politie is onderweg", False for "112 niet gebeld" or "nog niet
    gebeld", else None."""
    scan = Scan.of(low, low, budget)
    answer: bool | None = None
    for seen, match in enumerate(scan.finditer(_AUTHORITY)):
        if seen >= 20:
            break
        start = max(0, match.start() - 30)
        before = _CLAUSE_END.split(low[start : match.start()])[-1]
        after = _CLAUSE_END.split(low[match.end() : match.end() + 30])[0]
        clause_end = match.end() + len(after)
        if clause_end < len(low) and low[clause_end] == "?":
            continue  # "heeft iemand 112 gebeld?" asks, it does not tell
        if not _CALLED.search(after) and not _CALLED.search(before[-12:]):
            continue
        if _NEGATION.search(before[-22:]) or _NEGATION.search(after[:20]):
            answer = False if answer is None else answer
            continue
        return True
    if answer is None and scan.search(_NOT_CALLED):
        return False
    return answer


def parse(
    text: str,
    now: datetime,
    tz: ZoneInfo = AMSTERDAM,
    understood: Understanding | None = None,
    budget: Budget | None = None,
) -> ParsedReport:
    """Extract every part of a signalement from ``text``; ``now`` resolves relative times.

    What the text is comes from the model (``understood``, computed when not given); ``budget``
    (default: 400 characters scanned per character of text) bounds the extractors' work.
    """
    norm = Text.of(text)
    low, raw = norm.low, norm.raw
    understood = understood or understand(text)
    budget = budget if budget is not None else Budget(limit=400 * len(raw) + 20_000)
    no_direction: tuple[str | None, tuple[int, int] | None] = (None, None)
    direction, direction_span = _bounded(lambda: find_direction(low, raw, budget), no_direction)
    no_plates: tuple[str, ...] = ()
    plates = _bounded(lambda: tuple(plate.text for plate in find_plates(raw, budget)), no_plates)
    skip = (direction_span,) if direction_span else ()
    return ParsedReport(
        category=understood.category,
        location=_bounded(lambda: find_place(low, raw, skip, budget), None),
        time=_bounded(lambda: find_time(low, raw, now, tz, budget), None),
        person=_bounded(lambda: find_person(low, raw, budget), None),
        vehicle=_bounded(lambda: find_vehicle(low, budget, raw), None),
        licence_plate=plates[0] if plates else None,
        direction=direction,
        called_112=_bounded(lambda: find_called_112(low, budget), None),
        confidence=round(understood.report_probability, 2),
        violence=bool(_VIOLENCE.search(low)),
        plates=plates,
        plate_partial=None if plates else _bounded(lambda: find_partial_plate(raw, budget), None),
        understood=understood,
    )


def _bounded(extract: Callable[[], _T], empty: _T) -> _T:
    """Run one extractor; past the message's scanning budget it finds nothing rather than stall."""
    try:
        return extract()
    except BudgetExhausted:
        return empty
