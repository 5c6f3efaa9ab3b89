"""The places a handler consults: areas with their geometry, loaded once and kept until changed.

Geometry changes only by an import, a merge or a rename, which call :meth:`PlaceBook.forget`; a
``buurtbot areas import`` in another process is seen after a restart (documented in the README).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.places.index import PlaceArea, PlaceIndex
from handlers.places.names import fold
from storage.models import Area


def read_streets(text: str) -> dict[str, str]:
    """A municipality's street list: CSV "straat,buurtcode" (',' or ';', header optional)."""
    delimiter = ";" if text.count(";") > text.count(",") else ","
    streets: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(row) >= 2 and row[1].strip().upper().startswith("BU"):
            streets[fold(row[0])] = row[1].strip().upper()
    return streets


@dataclass
class PlaceBook:
    # Folded street name → CBS buurt code (STREETS_FILE); empty when the municipality has none.
    streets: dict[str, str] = field(default_factory=dict)
    _index: PlaceIndex | None = field(default=None, init=False)

    def buurt_of_street(self, street: str) -> str | None:
        return self.streets.get(fold(street))

    async def index(self, session: AsyncSession) -> PlaceIndex:
        if self._index is None:
            rows = await session.execute(
                select(Area.id, Area.name, Area.kind, Area.code, Area.parent_id, Area.geometry)
            )
            self._index = PlaceIndex.build(PlaceArea(*row) for row in rows)
        return self._index

    def forget(self) -> None:
        self._index = None
