"""``/dashboard/audit``: the audit log (chat refusals and every dashboard action), for beheerders."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.auth import Context, not_found, page
from storage.audit import recent_audit
from storage.outbox import aware

LIMIT = 200


@page
async def audit_log(context: Context) -> web.StreamResponse:
    if not context.viewer.is_beheerder:
        return not_found(context)
    async with context.services.db() as session:
        entries = await recent_audit(session, LIMIT)
    zone = context.services.settings.tz
    rows = [
        {
            "when": (aware(e.created_at) or e.created_at).astimezone(zone).strftime("%d-%m-%Y %H:%M"),
            "who": e.who,
            "where": f"{e.platform} · {e.place}",
            "what": e.action,
            "reason": e.reason,
        }
        for e in entries
    ]
    return context.render("audit.html", rows=rows)
