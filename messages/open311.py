"""The Open311 service list (``messages/open311.toml``) as validated data: service → report categories.

Validated once at start-up; a broken file names itself and the field, and an empty mapping is
allowed (then the API serves no requests at all).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

OPEN311_FILE = Path(__file__).resolve().parent / "open311.toml"


class Open311Error(ValueError):
    """The service file is missing or invalid; the message names the file and the field."""


class Service(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service_code: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,60}$")
    service_name: str = Field(min_length=1, max_length=200)
    description: str = ""
    group: str = ""
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = Field(min_length=1)


class ServiceList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    agency_responsible: str = ""
    service: tuple[Service, ...] = ()

    def by_code(self, code: str) -> Service | None:
        return next((s for s in self.service if s.service_code == code), None)

    def for_category(self, category: str) -> Service | None:
        return next((s for s in self.service if category in s.categories), None)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(c for s in self.service for c in s.categories)


def load_services(path: Path | None = None) -> ServiceList:
    path = path or OPEN311_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return ServiceList.model_validate(data)
    except OSError as exc:
        raise Open311Error(f"{path}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise Open311Error(f"{path}: not TOML ({exc})") from exc
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise Open311Error(f"{path}: {where}: {error['msg']}") from exc
