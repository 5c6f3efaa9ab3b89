"""``/dashboard/meldingen``: the list, one incident's page, and its actions (doorgeven, afsluiten)."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.auth import Context, action, not_found, page
from handlers.dashboard.reports import (
    PERIODS,
    ListFilters,
    close_with,
    forward,
    list_reports,
    report_detail,
    visible_root,
)
from storage.reports import Outcome, ReportStatus


@page
async def listing(context: Context) -> web.StreamResponse:
    filters = ListFilters.from_query(dict(context.request.query))
    async with context.services.db() as session:
        found = await list_reports(session, context.services, context.viewer, filters)
    if found is None:
        return not_found(context)
    return context.render(
        "reports.html",
        listing=found,
        filters=filters,
        periods=list(PERIODS),
        statuses=[s.value for s in ReportStatus],
        zone=context.services.settings.tz,
    )


@page
async def detail(context: Context) -> web.StreamResponse:
    short_id = context.request.match_info.get("short_id", "")
    async with context.services.db() as session:
        root = await visible_root(session, context.viewer, short_id)
        if root is None:
            return not_found(context)
        if root.short_id != short_id.upper():
            raise web.HTTPSeeOther(f"/dashboard/meldingen/{root.short_id}")  # a witness: its incident
        shown = await report_detail(session, context.services, root)
    await context.audit(f"bekeken {root.short_id}")  # who read a report's personal details, and when
    return context.render(
        "report.html",
        detail=shown,
        zone=context.services.settings.tz,
        done=context.request.query.get("klaar"),
    )


@action
async def act(context: Context) -> web.StreamResponse:
    """POST /dashboard/meldingen/{short_id}/{doorgeven|afsluiten}."""
    short_id = context.request.match_info.get("short_id", "")
    verb = context.request.match_info.get("verb", "")
    form = await context.request.post()
    services = context.services
    async with services.db() as session:
        root = await visible_root(session, context.viewer, short_id)
        if root is None:
            return not_found(context)
        if verb == "doorgeven":
            changed = await forward(session, services, root)
            what = f"doorgeven {root.short_id}"
        else:
            raw = form.get("afloop")
            if not isinstance(raw, str) or raw not in {o.value for o in Outcome}:
                return context.render("error.html", 400, message="dashboard.error.bad_request")
            changed = await close_with(session, services, root, Outcome(raw))
            what = f"afsluiten {root.short_id} {raw}"
        await session.commit()
    if changed:
        services.outbox.wake()
    await context.audit(what, "dashboard.audit.done" if changed else "dashboard.audit.unchanged")
    raise web.HTTPSeeOther(f"/dashboard/meldingen/{root.short_id}?klaar={verb if changed else 'niets'}")
