"""The places a handler consults: areas with their geometry, loaded once and kept until changed.

Geometry changes only by an import, a merge or a rename, which call :meth:`PlaceBook.forget`; a
``buurtbot areas import`` in another process is seen after a restart (documented in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.places.index import PlaceArea, PlaceIndex
from storage.models import Area


@dataclass
class PlaceBook:
    _index: PlaceIndex | None = field(default=None, init=False)

    async def index(self, session: AsyncSession) -> PlaceIndex:
        if self._index is None:
            rows = await session.execute(
                select(Area.id, Area.name, Area.kind, Area.code, Area.parent_id, Area.geometry)
            )
            self._index = PlaceIndex.build(PlaceArea(*row) for row in rows)
        return self._index

    def forget(self) -> None:
        self._index = None
