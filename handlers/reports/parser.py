"""Turn a resident's Dutch free text into a structured report (platform-free, no I/O).

``parse(text, now)`` never raises on any input: each extractor looks for its own cue and leaves the
field empty when it finds none. The confidence says how much of a SAAR signalement the text holds
(category, where, when, who, vehicle, direction, "112 gebeld"), so the recogniser can decide between
report, "is dit een melding?" and chatter.

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

from handlers.reports.categories import CUES, URGENT, Category
from handlers.reports.describe import Person, Vehicle, find_person, find_vehicle
from handlers.reports.location import Place, find_place
from handlers.reports.plates import find_partial_plate, find_plates
from handlers.reports.text import Budget, BudgetExhausted, Scan, Text, tidy
from handlers.reports.timeexpr import AMSTERDAM, When, find_time

_T = TypeVar("_T")

JSON_KEYS = (
    "category", "location", "time", "person", "vehicle", "licence_plate", "direction", "called_112",
    "confidence", "plate_partial",
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

# How much each part adds to the confidence that this is a report (sums past 1 are clipped).
_WEIGHTS = {
    "strong": 0.45, "weak": 0.25, "street": 0.15, "generic": 0.08, "time": 0.1, "person": 0.12,
    "vehicle": 0.1, "plate": 0.12, "direction": 0.1, "called": 0.15,
}  # fmt: skip


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
    strong_cue: bool = False
    violence: bool = False
    plates: tuple[str, ...] = ()
    plate_partial: str | None = None  # "12-…" or "…-RT" when only part of a plate was seen

    @property
    def people_count(self) -> int | None:
        return self.person.count if self.person else None

    @property
    def objects(self) -> tuple[str, ...]:
        return self.person.objects if self.person else ()

    @property
    def house_number(self) -> str | None:
        return self.location.house_number if self.location else None

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
            "plate_partial": self.plate_partial,
        }

    def urgent(self, now: datetime) -> bool:
        """Someone may be in danger now: inbraak bezig, brand/ongeval, geweld, or a suspect on the spot."""
        if self.category in URGENT or self.violence:
            return True
        recent = self.time is None or self.time.at >= now - timedelta(minutes=60)
        return self.category is Category.VERDACHT and recent


def find_category(low: str) -> tuple[Category | None, bool]:
    """The best-scoring category and whether a strong cue was among its evidence."""
    scores: dict[Category, int] = {}
    strong: set[Category] = set()
    for cue in CUES:
        if cue.pattern.search(low):
            scores[cue.category] = scores.get(cue.category, 0) + (2 if cue.strong else 1)
            if cue.strong:
                strong.add(cue.category)
    if not scores:
        return None, False
    best = max(scores.values())
    winner = next(cue.category for cue in CUES if scores.get(cue.category) == best)
    return winner, winner in strong


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


def _confidence(report: ParsedReport) -> float:
    parts: list[str] = []
    if report.category is not None:
        parts.append("strong" if report.strong_cue else "weak")
    if report.location is not None:
        parts.append("generic" if report.location.generic else "street")
    flags = {
        "time": report.time, "person": report.person, "vehicle": report.vehicle,
        "plate": report.licence_plate, "direction": report.direction, "called": report.called_112,
    }  # fmt: skip
    parts.extend(name for name, value in flags.items() if value)
    return round(min(1.0, sum(_WEIGHTS[name] for name in parts)), 2)


def parse(text: str, now: datetime, tz: ZoneInfo = AMSTERDAM, budget: Budget | None = None) -> ParsedReport:
    """Extract every part of a signalement from ``text``; ``now`` resolves relative times.

    ``budget`` (default: 400 characters scanned per character of text) bounds the work.
    """
    norm = Text.of(text)
    low, raw = norm.low, norm.raw
    budget = budget if budget is not None else Budget(limit=400 * len(raw) + 20_000)
    category, strong = find_category(low)
    no_direction: tuple[str | None, tuple[int, int] | None] = (None, None)
    direction, direction_span = _bounded(lambda: find_direction(low, raw, budget), no_direction)
    no_plates: tuple[str, ...] = ()
    plates = _bounded(lambda: tuple(plate.text for plate in find_plates(raw, budget)), no_plates)
    skip = (direction_span,) if direction_span else ()
    report = ParsedReport(
        category=category,
        location=_bounded(lambda: find_place(low, raw, skip, budget), None),
        time=_bounded(lambda: find_time(low, raw, now, tz, budget), None),
        person=_bounded(lambda: find_person(low, raw, budget), None),
        vehicle=_bounded(lambda: find_vehicle(low, budget, raw), None),
        licence_plate=plates[0] if plates else None,
        direction=direction,
        called_112=_bounded(lambda: find_called_112(low, budget), None),
        confidence=0.0,
        strong_cue=strong,
        violence=bool(_VIOLENCE.search(low)),
        plates=plates,
        plate_partial=None if plates else _bounded(lambda: find_partial_plate(raw, budget), None),
    )
    return _with_confidence(report)


def _bounded(extract: Callable[[], _T], empty: _T) -> _T:
    """Run one extractor; past the message's scanning budget it finds nothing rather than stall."""
    try:
        return extract()
    except BudgetExhausted:
        return empty


def _with_confidence(report: ParsedReport) -> ParsedReport:
    from dataclasses import replace

    return replace(report, confidence=_confidence(report))
