"""A report in the making: what the dialog, the one-liner and the recogniser collect before filing.

Kept as plain JSON-able data so it can wait in ``DialogState.data`` between dialog steps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from handlers.reports.categories import Category, urgent
from handlers.reports.location import GENERIC
from handlers.reports.parser import ParsedReport
from handlers.reports.text import Text
from handlers.understanding.taxonomy import LEGACY

# Longest stretch of a resident's own words we keep (the card shows far less).
MAX_FREE_TEXT = 4096
MAX_FIELD = 200


@dataclass(frozen=True)
class Draft:
    category: str | None = None
    place: str | None = None  # what the card shows: "Dubbeldamseweg 120", "hier in de wijk"
    street: str | None = None
    house_number: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: str | None = None  # ISO, aware
    time_phrase: str | None = None
    person: dict[str, Any] | None = None
    vehicle: dict[str, Any] | None = None
    licence_plate: str | None = None
    direction: str | None = None
    called_112: bool | None = None
    in_progress: bool | None = None  # happening now: inbraak bezig, geweld nu
    danger_now: bool = False  # danger words or the model: "bel 112" first
    violence: bool = False
    free_text: str | None = None
    area_id: int | None = None

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        legacy = LEGACY.get(known.get("category") or "")
        if legacy is not None:  # a dialog saved before 0015_taxonomy
            known["category"], known["in_progress"] = legacy[0].value, legacy[1]
        return cls(**known)

    def with_(self, **changes: Any) -> Draft:
        return replace(self, **changes)

    @property
    def when(self) -> datetime | None:
        return datetime.fromisoformat(self.occurred_at) if self.occurred_at else None

    def urgent(self, now: datetime) -> bool:
        """Danger now: inbraak or geweld going on, brand/ongeval, danger words, violence, or a
        suspect seen within the hour."""
        if self.violence or urgent(self.category, self.in_progress, self.danger_now):
            return True
        when = self.when
        recent = when is None or when >= now - timedelta(hours=1)
        return self.category == Category.VERDACHTE_SITUATIE and recent

    @classmethod
    def from_parsed(cls, parsed: ParsedReport, text: str) -> Draft:
        place = parsed.location
        return cls(
            category=(parsed.category or Category.ANDERS).value,
            place=place.text[:MAX_FIELD] if place else None,
            street=place.street_label[:MAX_FIELD] if place and place.street_label else None,
            house_number=place.house_number[:20] if place and place.house_number else None,
            occurred_at=parsed.time.at.isoformat() if parsed.time else None,
            time_phrase=parsed.time.phrase[:100] if parsed.time else None,
            person=parsed.person.to_json_dict() if parsed.person else None,
            vehicle=_vehicle(parsed),
            licence_plate=parsed.licence_plate,
            direction=parsed.direction[:MAX_FIELD] if parsed.direction else None,
            called_112=parsed.called_112,
            in_progress=parsed.in_progress,
            danger_now=parsed.danger_now,
            violence=parsed.violence,
            free_text=Text.of(text).raw[:MAX_FREE_TEXT] or None,
        )

    def add_text(self, text: str) -> Draft:
        """Keep the resident's own words (for coordinators; purged with the suspect details)."""
        joined = "\n".join(part for part in (self.free_text, Text.of(text).raw) if part)
        return self.with_(free_text=joined[:MAX_FREE_TEXT] or None)


def _vehicle(parsed: ParsedReport) -> dict[str, Any] | None:
    """The vehicle's details, with the part of a plate a witness saw ("12-…") when that is all."""
    data = parsed.vehicle.to_json_dict() if parsed.vehicle else {}
    if parsed.plate_partial:
        data["plate_partial"] = parsed.plate_partial
    return data or None


def generic_place() -> str:
    return GENERIC
