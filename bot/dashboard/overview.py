"""``/dashboard``: the overview per wijk, the digest's chart and the map of reports per 1,000 inhabitants."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web

from bot.dashboard.auth import Context, not_found, page
from bot.dashboard.svgmap import draw
from handlers.dashboard.overview import overview_rows, visible_wijken
from handlers.statistics.chart import render_chart
from handlers.statistics.digest import chart_data, weeks_of
from handlers.statistics.text import decimal
from storage.models import Area

# Per web app (so per database): the overview's window counts and the charts already drawn.
WINDOWS = web.AppKey("dashboard_windows", dict)
CHARTS = web.AppKey("dashboard_charts", dict)
CHARTS_KEPT = 256  # one PNG is ~30 KB: a few MB at most


def add_memos(app: web.Application) -> None:
    app[WINDOWS], app[CHARTS] = {}, {}


@page
async def overview(context: Context) -> web.StreamResponse:
    memo = context.request.app[WINDOWS]
    async with context.services.db() as session:
        rows = await overview_rows(session, context.services, context.viewer, memo)
    chosen = _chosen(context, [row.id for row in rows])
    drawn = draw([(row.id, row.name, row.geometry, row.per_1000) for row in rows])
    return context.render(
        "overview.html",
        rows=rows,
        map=drawn,
        chart_wijk=next((row for row in rows if row.id == chosen), None),
        decimal=decimal,
    )


def _chosen(context: Context, ids: list[int]) -> int | None:
    asked = context.request.query.get("wijk", "")
    if asked.isdigit() and int(asked) in ids:
        return int(asked)
    return ids[0] if ids else None


@page
async def chart(context: Context) -> web.StreamResponse:
    """The digest's chart of one wijk (reports per week by category), as a PNG."""
    raw = context.request.match_info.get("wijk", "")
    if not raw.isdigit():
        return not_found(context)
    services = context.services
    async with services.db() as session:
        area = await session.get(Area, int(raw))
        if area is None or area.kind != "wijk" or area not in await visible_wijken(session, context.viewer):
            return not_found(context)
        week = await weeks_of(session, area, services.clock.now())
        data = chart_data(services, area, week, context.locale)
    # Drawing takes matplotlib ~250 ms: a chart is drawn again only when its figures change.
    charts: dict[str, bytes] = context.request.app[CHARTS]
    key = repr(data)
    png = charts.get(key)
    if png is None:
        png = await asyncio.to_thread(_png, data)
        if len(charts) >= CHARTS_KEPT:
            charts.pop(next(iter(charts)))
        charts[key] = png
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=300"})


def _png(data: object) -> bytes:
    with tempfile.TemporaryDirectory(prefix="buurtbot-chart-") as folder:
        path = render_chart(data, Path(folder) / "chart.png")  # type: ignore[arg-type]
        return path.read_bytes()
