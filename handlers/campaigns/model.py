"""Awareness campaigns as data: one TOML file per campaign in ``messages/campaigns/``.

A file says what a campaign posts (texts it rotates through, in Dutch and English), when (a cron
expression read in the deployment's ``TIMEZONE``, an optional date window that may wrap the year end,
quiet hours) and to whom (all groups, or groups of some areas). Files are validated at start-up;
an error names the file and the field.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CAMPAIGNS_DIR = Path(__file__).resolve().parents[2] / "messages" / "campaigns"


class CampaignError(ValueError):
    """A campaign file is missing, malformed or invalid; the message names the file and field."""


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: str = Field(min_length=1, max_length=1500)
    en: str = Field(min_length=1, max_length=1500)

    def get(self, locale: str | None) -> str:
        return self.en if locale == "en" else self.nl


def _month_day(value: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in value.split("-"))
        date(2025, month, day)  # a non-leap year: 02-29 is refused, so every year has the day
    except ValueError:
        raise ValueError(f"{value!r} is not a day of the year as MM-DD (e.g. 10-15)") from None
    return month, day


class Window(BaseModel):
    """Days of the year the campaign runs, both ends included; start after end wraps the year end."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _valid_day(cls, value: str) -> str:
        _month_day(value)
        return value

    @property
    def first(self) -> tuple[int, int]:
        return _month_day(self.start)

    @property
    def last(self) -> tuple[int, int]:
        return _month_day(self.end)

    def contains(self, day: date) -> bool:
        today = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= today <= self.last
        return today >= self.first or today <= self.last


class QuietHours(BaseModel):
    """Local times when nothing is posted; start after end spans midnight; start == end: none."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class Audience(BaseModel):
    """Empty ``areas``: every linked group; otherwise only groups in these areas (area keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    areas: tuple[str, ...] = ()


class Campaign(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    title: Text
    schedule: str
    window: Window | None = None
    quiet_hours: QuietHours = QuietHours()
    audience: Audience = Audience()
    enabled_by_default: bool = True
    messages: tuple[Text, ...] = Field(min_length=1)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        fields = value.split()
        # APScheduler 3 counts weekdays from Monday = 0, classic cron from Sunday = 0: a digit in
        # the day-of-week field would silently post on the wrong day, so only names are accepted.
        if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
            raise ValueError("write the day of the week as a name (mon, tue, … sun), not a number")
        try:
            CronTrigger.from_crontab(value, timezone="UTC")  # syntax only: the zone comes at run time
        except ValueError as exc:
            raise ValueError(f"not a cron expression ({exc})") from None
        return value

    @model_validator(mode="after")
    def _ever_runs(self) -> Campaign:
        # Imported here: schedule.py builds on this model.
        from handlers.campaigns.schedule import never_runs

        if never_runs(self):
            raise ValueError("the schedule never fires inside the window and outside quiet hours")
        return self

    def text(self, index: int, locale: str | None) -> str:
        return self.messages[index % len(self.messages)].get(locale)


def _problems(exc: ValidationError) -> str:
    def where(err: Any) -> str:
        return ".".join(str(p) for p in err["loc"]) or "(campaign)"

    return "; ".join(f"{where(e)}: {str(e['msg']).removeprefix('Value error, ')}" for e in exc.errors())


def load_campaign(path: Path) -> Campaign:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CampaignError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{path}: not valid TOML: {exc}") from None
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        raise CampaignError(f"{path}: {_problems(exc)}") from None
    if campaign.id != path.stem:
        raise CampaignError(f"{path}: id: {campaign.id!r} must match the file name {path.stem!r}")
    return campaign


def load_campaigns(directory: Path = CAMPAIGNS_DIR) -> tuple[Campaign, ...]:
    """Every ``*.toml`` in the directory, sorted by id."""
    if not directory.is_dir():
        raise CampaignError(f"{directory}: campaign directory not found")
    return tuple(load_campaign(path) for path in sorted(directory.glob("*.toml")))
