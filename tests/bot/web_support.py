"""A web server with the real Telegram and WhatsApp webhook routes on loopback, for hostile-input tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram.webhook import telegram_webhook
from bot.adapters.whatsapp.parse import Parsed
from bot.adapters.whatsapp.webhook import WebhookConfig, add_whatsapp_routes
from bot.app import App
from bot.web import RouteAdder, bound_port, build_web_app, start_web
from bot.web_guard import WebLimits
from storage.inbox import NewInbound

SECRET = "hook-secret"
APP_SECRET = "meta-app-secret"


@dataclass
class Server:
    url: str
    runner: web.AppRunner
    updates: list[Update] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)

    @property
    def port(self) -> int:
        return bound_port(self.runner)


async def serve(app: App, limits: WebLimits, extra: Sequence[RouteAdder] = ()) -> Server:
    holder: dict[str, Server] = {}

    class RecordingInbox:
        """Stands in for the inbox: what the webhook would have stored, as PTB updates."""

        async def take(self, items: list[NewInbound], also: object = None) -> list[object]:
            for item in items:
                holder["server"].updates.append(Update.de_json(json.loads(item.payload), Bot("123:abc")))
            return []

    async def on_update(parsed: Parsed) -> None:
        holder["server"].parsed.append(parsed)

    def whatsapp(web_app: web.Application) -> None:
        add_whatsapp_routes(
            web_app, WebhookConfig(APP_SECRET, "verify"), on_update, lambda: datetime.now(UTC)
        )

    routes = (telegram_webhook(SECRET, RecordingInbox()), whatsapp, *extra)  # type: ignore[arg-type]
    runner = await start_web(build_web_app(app.services, routes, limits=limits), 0, "127.0.0.1")
    server = Server("", runner)
    server.url = f"http://127.0.0.1:{server.port}"
    holder["server"] = server
    return server


@pytest.fixture
async def servers(app: App) -> AsyncIterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        await server.runner.cleanup()
