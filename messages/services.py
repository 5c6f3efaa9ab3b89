"""The help-services directory (``messages/services.toml``) as validated data.

A municipality can override or extend the shipped directory with its own file in the same format
(setting ``SERVICES_FILE``): fields given there replace the shipped ones per service, new ids add
services, ``enabled = false`` hides one. Both files are validated at start-up; an error names the
file and the field, so a typo in a phone number never reaches a resident silently.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SERVICES_FILE = Path(__file__).resolve().parent / "services.toml"

# Digits, spaces and dashes only (e.g. "0800-7000", "14 078", "112"): a number a resident can dial.
_PHONE = re.compile(r"^[0-9][0-9 \-]{1,18}[0-9]$")


class ServicesError(ValueError):
    """A services file is missing, malformed or invalid; the message names the file and field."""


class Region(StrEnum):
    NATIONAL = "national"
    ZHZ = "zuid-holland-zuid"
    DORDRECHT = "dordrecht"


class LocalText(BaseModel):
    """A short text in both locales (Dutch B1 first)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.nl


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]{2,40}$")
    name: str = Field(min_length=2, max_length=80)
    purpose: LocalText
    phone: str | None = None
    phone_alt: str | None = None
    website: str | None = Field(default=None, pattern=r"^https://[^\s]+$")
    hours: LocalText | None = None
    anonymous: bool | None = None  # None: not known, so not shown
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    region: Region
    verified: bool
    enabled: bool = True

    @field_validator("phone", "phone_alt")
    @classmethod
    def _dialable(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError(f"{value!r} is not a phone number (digits, spaces and dashes)")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> Service:
        if self.phone is None and self.website is None and self.id not in _APP_ONLY:
            raise ValueError("needs a phone or a website")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min is higher than age_max")
        return self

    def fits_age(self, age: int) -> bool:
        low = self.age_min if self.age_min is not None else 0
        high = self.age_max if self.age_max is not None else 200
        return low <= age <= high


# Services reached only through an app (no confirmed phone number or website in the catalogue).
_APP_ONLY = frozenset({"stop_intimidatie", "burgernet"})


class Directory(BaseModel):
    """All enabled services by id."""

    model_config = ConfigDict(frozen=True)
    services: Mapping[str, Service]

    def get(self, service_id: str) -> Service | None:
        return self.services.get(service_id)

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.services


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServicesError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ServicesError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ServicesError(f"{path}: not valid TOML: {exc}") from None


def _tables(path: Path, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    unknown = set(data) - {"services"}
    if unknown:
        raise ServicesError(f"{path}: unknown top-level key(s) {sorted(unknown)}; use [services.<id>]")
    services = data.get("services", {})
    if not isinstance(services, Mapping):
        raise ServicesError(f"{path}: 'services' must be a table of [services.<id>]")
    out: dict[str, dict[str, Any]] = {}
    for service_id, table in services.items():
        if not isinstance(table, Mapping):
            raise ServicesError(f"{path}: services.{service_id} must be a table")
        out[service_id] = dict(table)
    return out


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Field-wise override; nested text tables (purpose, hours) merge per locale."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _validate(service_id: str, table: Mapping[str, Any], origin: str) -> Service:
    try:
        return Service.model_validate({**table, "id": service_id})
    except ValidationError as exc:
        problems = "; ".join(
            f"services.{service_id}.{'.'.join(str(p) for p in err['loc']) or '(service)'}: "
            f"{str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ServicesError(f"{origin}: {problems}") from None


def load_directory(override: Path | None = None, shipped: Path = SERVICES_FILE) -> Directory:
    """Read the shipped directory, apply the municipality's file on top, validate everything."""
    tables = _tables(shipped, _read(shipped))
    origins = dict.fromkeys(tables, str(shipped))
    if override is not None:
        for service_id, table in _tables(override, _read(override)).items():
            tables[service_id] = _merge(tables.get(service_id, {}), table)
            origins[service_id] = (
                str(override) if service_id not in origins else f"{override} (over {shipped})"
            )
    services = {sid: _validate(sid, table, origins[sid]) for sid, table in tables.items()}
    return Directory(services={sid: s for sid, s in services.items() if s.enabled})
