"""``buurtbot run`` and ``buurtbot send``: every enabled adapter on one event loop and one web app.

:class:`Server` is the one runtime of a bot process: the adapters of ``bot.adapters.ADAPTERS`` that
the settings enable, one aiohttp application (their webhooks, ``/healthz``, Open311: ``bot/web.py``),
the one paced outbox sender (each platform paced by its adapter's budgets), the inbox worker, and
(through ``serve_until_signal``) the scheduler. With no adapter and ``--webhook`` it is the web
server alone. ``buurtbot send`` runs only the sender, for every platform it has settings for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters import enabled_adapters
from bot.adapters.base import Adapter, AdapterContext, StartError
from bot.app import App, build_app
from bot.delivery import Transport
from bot.inbox import worker_id
from bot.lifecycle import serve_until_signal
from bot.sender import PacedSender
from bot.web import build_web_app, start_web
from config.settings import Settings
from handlers.types import Msg
from messages.catalog import Catalog, strip_tags

log = logging.getLogger(__name__)


def mode_name(webhook: bool) -> str:
    return "buurtbot run --webhook" if webhook else "buurtbot run"


def missing_setting(adapters: Sequence[Adapter], webhook: bool) -> str | None:
    """The first environment variable an enabled adapter still needs in this mode, if any."""
    for adapter in adapters:
        if (missing := adapter.missing_setting(webhook)) is not None:
            return missing
    return None


class Server:
    """One process: ``open()`` readies the adapters and the sender, ``start()`` runs everything."""

    def __init__(
        self,
        app: App,
        settings: Settings,
        adapters: Sequence[Adapter],
        *,
        webhook: bool = False,
        port: int | None = None,
        host: str | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.adapters = list(adapters)
        self.webhook = webhook
        self.port = settings.port if port is None else port
        self.host = settings.host if host is None else host
        self.inbox = app.inbox
        self.inbox.worker = worker_id(settings)  # this process's port (and OUTBOX_WORKER_ID) name it
        self.web_runner: web.AppRunner | None = None
        self._sender: PacedSender | None = None
        self._http: aiohttp.ClientSession | None = None
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._opened: list[Adapter] = []

    @property
    def sender(self) -> PacedSender:
        assert self._sender is not None, "open() first"
        return self._sender

    async def open(self) -> dict[str, Transport]:
        """Every adapter ready to send; the one sender built over their transports and budgets."""
        self._http = aiohttp.ClientSession()
        context = AdapterContext(self.app, self._http, self.webhook, self._stopping)
        transports: dict[str, Transport] = {}
        for adapter in self.adapters:
            self._opened.append(adapter)
            transports[adapter.platform] = await adapter.open(context)
        budgets = {adapter.platform: adapter.budgets() for adapter in self.adapters}
        self._sender = self.app.sender(transports, budgets=budgets)
        return transports

    async def start(self) -> None:
        await self.open()
        self._spawn(self._send_loop(), "outbox-sender")
        # Unfinished updates from before a restart first, then every few seconds (failed, or leased
        # by a process that died).
        self._spawn(self.inbox.run(self._stopping), "inbox-resume")
        web_app = build_web_app(self.app.services)
        for adapter in self.adapters:
            adapter.add_routes(web_app)
        # Always served, long polling too: the dashboard's login links, /healthz and Open311 live here.
        self.web_runner = await start_web(web_app, self.port, self.host)
        log.info("web server (dashboard, healthz, open311) listening on port %s", self.port)
        for adapter in self.adapters:
            await adapter.start()
        if not self.adapters:
            log.info("no chat platform set up: web server (dashboard, healthz, open311) and scheduler only")

    def _spawn(self, job: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(job, name=name))

    async def _send_loop(self) -> None:
        """The one send loop until stop; a crash of the loop itself is logged and it starts again."""
        while not self._stopping.is_set():
            try:
                await self.sender.run(self._stopping)
            except Exception:
                log.exception("outbox sender failed; restarting it")
                await self.app.services.outbox.wait(1.0)

    async def stop(self) -> None:
        """Receiving ends first, handling of what was accepted next, sending last; then adapters close."""
        self._stopping.set()
        if self.web_runner is not None:
            await self.web_runner.cleanup()  # runs on_shutdown: accepted messages reach the outbox
        with contextlib.suppress(TimeoutError):
            # Stored updates still being handled; whatever is cut off resumes at the next start.
            await asyncio.wait_for(self.inbox.idle(), 10)
        self.app.services.outbox.wake()
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), 5)
            for task in self._tasks:
                task.cancel()
        for adapter in reversed(self._opened):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.platform)
        if self._http is not None:
            await self._http.close()


async def serve(settings: Settings, webhook: bool = False) -> None:
    """Every enabled adapter, the web app, the sender, the inbox worker and the scheduler, until a signal."""
    app = build_app(settings)
    await serve_until_signal(app, Server(app, settings, enabled_adapters(settings), webhook=webhook))


def run(settings: Settings, webhook: bool = False) -> int:
    """Serve until a signal; a platform refusing to start is one friendly line, exit 2."""
    try:
        asyncio.run(serve(settings, webhook))
    except StartError as refused:
        return _fail(settings, refused.message)
    return 0


async def send_forever(settings: Settings) -> None:
    """``buurtbot send``: one more sender worker (PostgreSQL) for every platform set up; no receiving."""
    adapters = enabled_adapters(settings)
    if not adapters:
        raise SystemExit("no chat platform is set up for the sender (TELEGRAM_BOT_TOKEN, WHATSAPP_*)")
    app = build_app(settings)
    server = Server(app, settings, adapters)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await server.open()
        await server.sender.run(stop)
    finally:
        await server.stop()
        await app.close()


def run_sender(settings: Settings) -> int:
    try:
        asyncio.run(send_forever(settings))
    except StartError as refused:
        return _fail(settings, refused.message)
    return 0


def _fail(settings: Settings, message: Msg) -> int:
    catalog = Catalog.load(default_locale=settings.default_locale)
    print(strip_tags(catalog.render(message)), file=sys.stderr)
    return 2
