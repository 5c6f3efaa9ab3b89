"""The overview page's data: per visible wijk the open reports, recent counts against the 8 weeks
before, reports per 1,000 inhabitants (for the map) and the wijk's outline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.dashboard.viewer import Viewer
from handlers.services import Services
from storage.dashboard_figures import WijkCounts, WindowMemo, wijk_counts
from storage.models import Area


@dataclass(frozen=True)
class WijkRow:
    id: int
    name: str
    counts: WijkCounts
    inhabitants: int | None
    geometry: dict[str, Any] | None

    @property
    def week_before(self) -> float:
        """Reports in an average week of the 8 weeks before the last 7 days."""
        return self.counts.before_7 / 8

    @property
    def month_before(self) -> float:
        """The 8 weeks before the last 30 days, scaled to 30 days."""
        return self.counts.before_30 * 30 / 56

    @property
    def per_1000(self) -> float | None:
        """Reports of the last 30 days per 1,000 inhabitants."""
        if not self.inhabitants:
            return None
        return self.counts.last_30 * 1000 / self.inhabitants


async def visible_wijken(session: AsyncSession, viewer: Viewer) -> list[Area]:
    query = select(Area).where(Area.kind == "wijk").order_by(Area.name)
    if not viewer.sees_all_wijken:
        query = query.where(Area.id.in_(list(viewer.coordinated)))
    return list(await session.scalars(query))


async def overview_rows(
    session: AsyncSession, services: Services, viewer: Viewer, memo: WindowMemo | None = None
) -> list[WijkRow]:
    counts = await wijk_counts(session, services.clock.now(), memo)
    return [
        WijkRow(area.id, area.name, counts.get(area.id, WijkCounts()), area.inhabitants, area.geometry)
        for area in await visible_wijken(session, viewer)
    ]
