"""``/dashboard/export``: the exports of ``buurtbot export`` as downloads (CSV, JSON, GeoJSON).

The rows are the minimised, pseudonymised rows of storage/export.py (no text, suspect details,
streets, names or platform ids are even selected), so every role, the gemeente included, gets data
that is safe to hand on. Coordinators get their own wijken only; each download is audited.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.auth import Context, page
from bot.export_cli import FORMATS, write_cells, write_rows
from handlers.dashboard.overview import visible_wijken
from handlers.dashboard.viewer import Viewer
from storage.export import Aggregate, Filters, Pseudonymiser, day_range, export_rows, load_places
from storage.models import Area
from storage.statistics import Scope, report_scope

KINDS = ("rijen", "aggregaat")
MAX_DAYS = 3 * 366
CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}


@page
async def export_page(context: Context) -> web.StreamResponse:
    today = context.services.clock.now().astimezone(context.services.settings.tz).date()
    async with context.services.db() as session:
        wijken = await visible_wijken(session, context.viewer)
    return context.render(
        "export.html",
        wijken=wijken,
        kinds=KINDS,
        formats=FORMATS,
        van=(today - timedelta(days=30)).isoformat(),
        tot=today.isoformat(),
        min_cell=context.services.settings.export_min_cell,
    )


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@page
async def download(context: Context) -> web.StreamResponse:
    query = context.request.query
    kind, formaat = query.get("soort", "rijen"), query.get("formaat", "csv")
    first, last = _day(query.get("van", "")), _day(query.get("tot", ""))
    if kind not in KINDS or formaat not in FORMATS or first is None or last is None:
        return context.render("error.html", 400, message="dashboard.error.bad_request")
    if not timedelta(0) <= last - first <= timedelta(days=MAX_DAYS):
        return context.render("error.html", 400, message="dashboard.error.bad_request")
    zone = context.services.settings.tz
    start, end = day_range(datetime.combine(first, time(0), zone), datetime.combine(last, time(0), zone))
    out = io.StringIO()
    async with context.services.db() as session:
        areas = await _scope_ids(session, context.viewer, query.get("wijk", ""))
        if areas is not None and not areas:
            return context.render("error.html", 400, message="dashboard.error.bad_request")
        where = report_scope(Scope("export", tuple(areas) if areas is not None else None))
        places = await load_places(session)
        rows = export_rows(session, Filters(start=start, end=end, where=where), places, Pseudonymiser())
        if kind == "aggregaat":
            aggregate = Aggregate(places, zone, context.services.settings.export_min_cell)
            async for row in rows:
                aggregate.add(row)
            write_cells(aggregate.cells(), places, formaat, out)
        else:
            await write_rows(rows, formaat, out)
    await context.audit(
        f"export {kind} {formaat} {first}..{last} wijk={query.get('wijk', '') or 'alle'}"[:120]
    )
    extension = "json" if formaat == "json" else formaat
    name = f"buurtbot-{kind}-{first}-{last}.{extension}"
    body = out.getvalue().encode("utf-8")
    if formaat == "csv":
        body = b"\xef\xbb\xbf" + body  # spreadsheets then read the file as UTF-8
    return web.Response(
        body=body,
        content_type=CONTENT_TYPES[formaat],
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


async def _scope_ids(session: AsyncSession, viewer: Viewer, raw: str) -> list[int] | None:
    """Report area ids of the chosen wijk (with its buurten), within what the viewer sees; None: all."""
    if raw.isdigit():
        wijk = int(raw)
        if not viewer.sees_wijk(wijk):
            return []
        return sorted({wijk, *await session.scalars(select(Area.id).where(Area.parent_id == wijk))})
    if raw:
        return []
    return None if viewer.sees_all_wijken else sorted(viewer.visible)
