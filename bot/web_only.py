"""``buurtbot run --webhook`` with no chat platform configured: only the web server (``/healthz``,
Open311 and the dashboard) and the scheduler, so a municipality can read the data of an installation
that chats elsewhere, or run a dashboard process beside the bot on the same database."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.app import App, build_app
from bot.lifecycle import serve_until_signal
from bot.web import build_web_app, start_web
from config.settings import Settings

log = logging.getLogger(__name__)


class WebOnlyRuntime:
    def __init__(self, app: App, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.web_runner: web.AppRunner | None = None

    async def start(self) -> None:
        self.web_runner = await start_web(
            build_web_app(self.app.services), self.settings.port, self.settings.host
        )
        log.info(
            "web server (healthz, open311, dashboard) listening on port %s; no chat platform",
            self.settings.port,
        )

    async def stop(self) -> None:
        if self.web_runner is not None:
            await self.web_runner.cleanup()


async def serve(settings: Settings) -> None:
    app = build_app(settings)
    await serve_until_signal(app, WebOnlyRuntime(app, settings))


def run_web_only(settings: Settings) -> int:
    asyncio.run(serve(settings))
    return 0
