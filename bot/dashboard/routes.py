"""Every dashboard URL in one table, added to the bot's web app by :func:`add_routes`.

A new page is one line here (and a menu entry in ``nav.py`` when it belongs in the menu).
"""

from __future__ import annotations

from aiohttp import web

from bot.dashboard import audit, auth, desk, export, overview, render, reports

ROUTES: list[tuple[str, str, auth.Handler]] = [
    ("GET", "/dashboard", overview.overview),
    ("GET", "/dashboard/grafiek/{wijk}.png", overview.chart),
    ("GET", "/dashboard/meldingen", reports.listing),
    ("GET", "/dashboard/meldingen/{short_id}", reports.detail),
    ("POST", r"/dashboard/meldingen/{short_id}/{verb:doorgeven|afsluiten}", reports.act),
    ("GET", "/dashboard/export", export.export_page),
    ("GET", "/dashboard/export/bestand", export.download),
    ("GET", "/dashboard/audit", audit.audit_log),
    ("GET", auth.LOGIN_PATH, auth.login_page),
    ("POST", auth.LOGIN_PATH, auth.login),
    ("POST", "/dashboard/uitloggen", auth.logout),
]


def add_routes(app: web.Application) -> None:
    """The dashboard's pages, its stylesheet and its templates on the bot's web app."""
    render.setup(app)
    overview.add_memos(app)
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    desk.add_routes(app)  # Waarschuwen, Campagnes, Wijken (bot/dashboard/desk.py)
    app.router.add_static("/dashboard/static", render.STATIC, append_version=False)
