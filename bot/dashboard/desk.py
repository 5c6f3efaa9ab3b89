"""The coordinator's desk pages, registered with one line in ``routes.py``: Waarschuwen, Campagnes, Wijken."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard import campaigns, warn, wijken


def add_routes(app: web.Application) -> None:
    warn.add_routes(app)
    campaigns.add_routes(app)
    wijken.add_routes(app)
