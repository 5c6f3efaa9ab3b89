"""Turn a resident's Dutch free text into a structured report (platform-free, no I/O).

``parse(text, now)`` never raises on any input: each extractor looks for its own cue and leaves the
field empty when it finds none. What the text *is* (kind, category, situation, in_progress,
danger_now, language) comes from the trained model in :mod:`handlers.understanding`; the confidence
is the model's probability that the text is a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.reports.categories import Category
from handlers.reports.describe import Person, Vehicle, find_person, find_vehicle
from handlers.reports.location import Place, find_place
from handlers.reports.plates import find_plates
from handlers.reports.text import Text, tidy
from handlers.reports.timeexpr import AMSTERDAM, When, find_time
from handlers.understanding.taxonomy import urgent
from handlers.understanding.understand import Understanding, understand

JSON_KEYS = (
    "category", "location", "time", "person", "vehicle", "licence_plate", "direction", "called_112",
    "confidence", "kind", "situation", "in_progress", "danger_now", "lang",
)  # fmt: skip

_STOP = r"(?:en|met|om|112|politie|terwijl|maar|toen|is|was|heeft|hebben|die|waar|want|daarna|vanaf|sinds)"
_TARGET = rf"((?:(?!{_STOP}(?!\w))[^\s,.;:!?()]+)(?:\s+(?!{_STOP}(?!\w))[^\s,.;:!?()]+){{0,4}})"
_DIRECTION = re.compile(
    r"(?<!\w)(?:in\s+de\s+richting\s+van|in\s+(?:de\s+)?richting|richting|naar\s+de\s+kant\s+van"
    r"|(?:weg|ervandoor|vandoor|gevlucht|rende|renden|rent|vluchtte|vluchtten|reed|reden|fietste|fietsten"
    r"|scheurde|scheurden|liep|liepen)\s+naar)\s+" + _TARGET
)
_ARTICLE = re.compile(r"^(?:de|het|'t)\s+", re.IGNORECASE)
_AUTHORITY = re.compile(
    r"(?<![\w-])(?:112|politie|0900-?8844|meldkamer|alarmnummer|wijkagent|brandweer|ambulance)(?![\w-])"
)
_CALLED = re.compile(
    r"(?<!\w)(?:gebeld|ingelicht|gewaarschuwd|gealarmeerd|ingeschakeld|op de hoogte|onderweg|ter plaatse"
    r"|gearriveerd|gemeld|aanwezig|is er al|zijn er al|gebeld ✅)"
)
_NEGATION = re.compile(r"(?<!\w)(?:niet|geen|niemand|nog niet)(?!\w)")
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
    understood: Understanding | None = None  # the model's reading of the whole text

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
        }

    def urgent(self, now: datetime) -> bool:
        """Someone may be in danger now: inbraak or geweld going on, brand/ongeval, danger words,
        violence, or a suspect on the spot."""
        if self.violence or urgent(self.category, self.in_progress, self.danger_now):
            return True
        recent = self.time is None or self.time.at >= now - timedelta(minutes=60)
        return self.category is Category.VERDACHTE_SITUATIE and recent


def find_direction(low: str, raw: str) -> tuple[str | None, tuple[int, int] | None]:
    """Where someone went ("richting station") and the span of that phrase."""
    match = _DIRECTION.search(low)
    if not match:
        return None, None
    target = _ARTICLE.sub("", tidy(raw[match.start(1) : match.end(1)]))
    return (target or None), (match.start(), match.end())


def find_called_112(low: str) -> bool | None:
    """True for "112 is gebeld" / "politie is onderweg", False for "112 niet gebeld", else None."""
    answer: bool | None = None
    for match in _AUTHORITY.finditer(low):
        start = max(0, match.start() - 30)
        before = _CLAUSE_END.split(low[start : match.start()])[-1]
        after = _CLAUSE_END.split(low[match.end() : match.end() + 30])[0]
        clause_end = match.end() + len(after)
        if clause_end < len(low) and low[clause_end] == "?":
            continue  # "heeft iemand 112 gebeld?" asks, it does not tell
        if not _CALLED.search(after) and not _CALLED.search(before[-12:]):
            continue
        if _NEGATION.search(before[-15:]) or _NEGATION.search(after[:20]):
            answer = False if answer is None else answer
            continue
        return True
    return answer


def parse(
    text: str, now: datetime, tz: ZoneInfo = AMSTERDAM, understood: Understanding | None = None
) -> ParsedReport:
    """Extract every part of a signalement from ``text``; ``now`` resolves relative times."""
    norm = Text.of(text)
    low, raw = norm.low, norm.raw
    understood = understood or understand(text)
    direction, direction_span = find_direction(low, raw)
    plates = tuple(plate.text for plate in find_plates(raw))
    report = ParsedReport(
        category=understood.category,
        location=find_place(low, raw, (direction_span,) if direction_span else ()),
        time=find_time(low, raw, now, tz),
        person=find_person(low, raw),
        vehicle=find_vehicle(low),
        licence_plate=plates[0] if plates else None,
        direction=direction,
        called_112=find_called_112(low),
        confidence=round(understood.report_probability, 2),
        violence=bool(_VIOLENCE.search(low)),
        plates=plates,
        understood=understood,
    )
    return report
