"""``buurtbot run`` with WhatsApp only (no Telegram token): the shared web app plus the outbox sender.

With Telegram configured too, :mod:`bot.adapters.telegram.run` serves both on the same web server and
the paced
sender. Alone, WhatsApp keeps the simple drain: its transport already enforces Meta's throughput and
messaging limits (answering "retry later" per message), and one process sends for one number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from aiohttp import web

from bot.adapters.whatsapp.setup import WhatsApp, build_whatsapp
from bot.app import App, build_app
from bot.delivery import OutboxDrain
from bot.lifecycle import serve_until_signal
from bot.web import build_web_app, start_web
from config.settings import Settings
from handlers.types import Platform

log = logging.getLogger(__name__)


class WhatsAppRuntime:
    """The web server with ``/webhook/whatsapp`` and ``/healthz``, and a loop draining the outbox."""

    def __init__(self, app: App, settings: Settings, http: aiohttp.ClientSession) -> None:
        self.app = app
        self.settings = settings
        self.whatsapp: WhatsApp = build_whatsapp(app, settings, http)
        self.drain: OutboxDrain = app.drain({Platform.WHATSAPP: self.whatsapp.transport})
        self.web_runner: web.AppRunner | None = None
        self._sender: asyncio.Task[None] | None = None
        self._resume: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self, port: int | None = None, host: str | None = None) -> None:
        self._sender = asyncio.create_task(self._send_loop(), name="outbox-sender")
        # Messages stored but not handled before a restart, then every few seconds (bot/inbox.py).
        self._resume = asyncio.create_task(self.app.inbox.run(self._stopping), name="inbox-resume")
        web_app = build_web_app(self.app.services, (self.whatsapp.add_routes,))
        bind = self.settings.host if host is None else host
        self.web_runner = await start_web(web_app, self.settings.port if port is None else port, bind)
        log.info("whatsapp webhook listening on port %s", self.settings.port if port is None else port)

    async def _send_loop(self) -> None:
        outbox = self.app.services.outbox
        while not self._stopping.is_set():
            try:
                attempted = await self.drain.drain()
            except Exception:
                log.exception("outbox sender failed; retrying")
                attempted = 0
            if attempted == 0:
                await outbox.wait(1.0)

    async def stop(self) -> None:
        if self.web_runner is not None:
            await self.web_runner.cleanup()  # runs on_shutdown: accepted messages reach the outbox
        self._stopping.set()
        if self._resume is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._resume, 5)
        if self._sender is not None:
            self.app.services.outbox.wake()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._sender, 5)


async def serve(settings: Settings) -> None:
    app = build_app(settings)
    async with aiohttp.ClientSession() as http:
        await serve_until_signal(app, WhatsAppRuntime(app, settings, http))


def run_whatsapp(settings: Settings) -> int:
    asyncio.run(serve(settings))
    return 0
