"""``buurtbot run`` on Telegram: long polling or webhook, plus the outbox sender, on one event loop.

PTB is the transport only: updates arrive by our long polling (bot/adapters/telegram/polling.py) or our
webhook, are stored in the inbox first, and the inbox worker (bot/inbox.py) hands each stored row to
our adapter, which turns it into an ``Incoming`` for the neutral router; replies leave through the
outbox and :class:`TelegramTransport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.adapters.telegram.adapter import ALLOWED_UPDATES, TelegramAdapter
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.repair import LenientBot
from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.transport import TelegramTransport
from bot.adapters.telegram.webhook import parse_update, telegram_webhook
from bot.app import App, build_app
from bot.delivery import OutboxDrain, Transport
from bot.inbox import worker_id
from bot.lifecycle import serve_until_signal
from bot.web import RouteAdder, build_web_app, start_web
from config.settings import Settings
from handlers.types import Msg, Platform
from messages.catalog import Catalog, strip_tags
from storage.inbox import InboxRow

log = logging.getLogger(__name__)

PTBApp = Application[Any, Any, Any, Any, Any, Any]


class ConfigError(RuntimeError):
    """A setting needed for this mode is missing; ``variable`` names it."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable


def missing_setting(settings: Settings, webhook: bool) -> str | None:
    """The environment variable this mode needs but does not have, if any."""
    if settings.telegram_bot_token is None:
        return "TELEGRAM_BOT_TOKEN"
    if webhook and not settings.webhook_url:
        return "WEBHOOK_URL"
    if webhook and settings.telegram_webhook_secret is None:
        return "TELEGRAM_WEBHOOK_SECRET"
    return None


def mode_name(webhook: bool) -> str:
    return "buurtbot run --webhook" if webhook else "buurtbot run"


def build_ptb(settings: Settings, *, requests: tuple[AiohttpRequest, AiohttpRequest] | None = None) -> PTBApp:
    """PTB's bot (getMe, the Bot API calls), without its updater: our Poller and webhook fetch updates."""
    if settings.telegram_bot_token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN")
    request, updates_request = requests or AiohttpRequest.pair()
    bot = LenientBot(  # raw getUpdates for our poller: one unreadable update stalls nothing
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=request,
        get_updates_request=updates_request,
    )
    # Schedules are ours (APScheduler over our tables), not PTB's; updates come through the inbox.
    return ApplicationBuilder().bot(bot).job_queue(None).updater(None).build()


class TelegramRuntime:
    """Everything a Telegram bot process runs; ``start()``/``stop()`` so tests can drive it."""

    def __init__(
        self,
        app: App,
        settings: Settings,
        *,
        webhook: bool = False,
        extra_routes: tuple[RouteAdder, ...] = (),
        extra_transports: Mapping[str, Transport] | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.webhook = webhook
        self.requests = AiohttpRequest.pair()
        self.ptb = build_ptb(settings, requests=self.requests)
        self.adapter = TelegramAdapter(app, self.ptb.bot, app.services.clock)
        self.inbox = app.inbox
        self.inbox.worker = worker_id(settings)  # this process's port (and OUTBOX_WORKER_ID) name it
        self.inbox.add_handler(Platform.TELEGRAM, self.handle_row)
        assert isinstance(self.ptb.bot, LenientBot)
        self.poller = Poller(self.ptb.bot, self.inbox, ALLOWED_UPDATES)
        self.transport = TelegramTransport(self.ptb.bot, app.services.catalog)
        # Other platforms on the same process (WhatsApp) share the outbox sender and the web server.
        transports = {Platform.TELEGRAM: self.transport, **(extra_transports or {})}
        self.drain: OutboxDrain = app.drain(transports)
        # Paced within Telegram's budgets (OUTBOX_* settings); WhatsApp's transport paces itself.
        self.sender = app.sender(transports)
        self.extra_routes = extra_routes
        self.web_runner: web.AppRunner | None = None
        self._sender: asyncio.Task[None] | None = None
        self._background: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def handle_row(self, row: InboxRow) -> bool:
        """One stored update through the adapter; False when it holds nothing to route."""
        data = json.loads(row.payload)
        update = parse_update(data, self.ptb.bot) if isinstance(data, dict) else None
        if update is None:
            return False
        return await self.adapter.handle_update(update, row.id) is not None

    def _spawn(self, job: Any, name: str) -> None:
        self._background.append(asyncio.create_task(job, name=name))

    async def start(self) -> None:
        missing = missing_setting(self.settings, self.webhook)
        if missing is not None:
            raise ConfigError(missing)
        await self.ptb.initialize()  # getMe: the bot's id and @username
        me = self.ptb.bot
        self.app.services.bot_profile["telegram"] = {
            "username": me.username,
            "can_read_all_group_messages": bool(me.can_read_all_group_messages),
        }
        self._sender = asyncio.create_task(self._send_loop(), name="outbox-sender")
        # Unfinished updates from before a restart first, then every few seconds (failed, or leased
        # by a process that died).
        self._spawn(self.inbox.run(self._stopping), "inbox-resume")
        if self.webhook:
            await self._start_webhook()
        else:
            await self.ptb.bot.delete_webhook()  # getUpdates refuses to work while a webhook is set
            self._spawn(self.poller.run(self._stopping), "telegram-polling")
            if self.extra_routes:  # e.g. WhatsApp's webhook, which has no polling mode
                web_app = build_web_app(self.app.services, self.extra_routes)
                self.web_runner = await start_web(web_app, self.settings.port, self.settings.host)
        mode = "webhook" if self.webhook else "polling"
        log.info("telegram bot @%s running (%s)", self.ptb.bot.username, mode)

    async def _start_webhook(self) -> None:
        secret = self.settings.telegram_webhook_secret
        assert secret is not None and self.settings.webhook_url
        route = telegram_webhook(secret.get_secret_value(), self.inbox)
        web_app = build_web_app(self.app.services, (route, *self.extra_routes))
        self.web_runner = await start_web(web_app, self.settings.port, self.settings.host)
        await self.ptb.bot.set_webhook(
            self.settings.webhook_url,
            secret_token=secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
        )

    async def _send_loop(self) -> None:
        """The paced sender until stop; a crash of the loop itself is logged and it starts again."""
        while not self._stopping.is_set():
            try:
                await self.sender.run(self._stopping)
            except Exception:
                log.exception("outbox sender failed; restarting it")
                await self.app.services.outbox.wait(1.0)

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._background:
            task.cancel()  # a long poll in flight: its batch was not stored, so it comes again
        await asyncio.gather(*self._background, return_exceptions=True)
        if self.web_runner is not None:
            await self.web_runner.cleanup()  # the webhook stays registered: Telegram keeps updates
        with contextlib.suppress(TimeoutError):
            # Stored updates still being handled; whatever is cut off resumes at the next start.
            await asyncio.wait_for(self.inbox.idle(), 10)
        if self._sender is not None:
            self.app.services.outbox.wake()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._sender, 5)
        await self.ptb.shutdown()
        # A failed start (getMe refused or unreachable) leaves the HTTP session open, because PTB
        # only shuts down what finished initialising; shutting a request down twice is harmless.
        for request in self.requests:
            await request.shutdown()


async def serve(settings: Settings, webhook: bool) -> None:
    app = build_app(settings)
    async with contextlib.AsyncExitStack() as resources:
        extra_routes, extra_transports = await other_platforms(app, settings, resources)
        runtime = TelegramRuntime(
            app, settings, webhook=webhook, extra_routes=extra_routes, extra_transports=extra_transports
        )
        await serve_until_signal(app, runtime)


async def other_platforms(
    app: App, settings: Settings, resources: contextlib.AsyncExitStack
) -> tuple[tuple[RouteAdder, ...], dict[str, Transport]]:
    """WhatsApp, when configured: its webhook routes and its outbox transport."""
    if not settings.whatsapp_enabled:
        return (), {}
    import aiohttp

    from bot.adapters.whatsapp.setup import build_whatsapp

    http = await resources.enter_async_context(aiohttp.ClientSession())
    whatsapp = build_whatsapp(app, settings, http)
    return (whatsapp.add_routes,), {Platform.WHATSAPP: whatsapp.transport}


def run_telegram(settings: Settings, webhook: bool = False) -> int:
    """Serve until a signal; a start-up problem is one friendly line naming the setting, exit 2."""
    try:
        asyncio.run(serve(settings, webhook))
    except ConfigError as missing:
        return _fail(settings, "cli.needs_setting", variable=missing.variable, mode=mode_name(webhook))
    except InvalidToken:
        return _fail(settings, "cli.telegram_refused")
    except BadRequest as refused:  # setWebhook: Telegram will not post to that address
        log.debug("setWebhook refused: %s", refused)
        return _fail(settings, "cli.webhook_refused", url=settings.webhook_url or "")
    except NetworkError as unreachable:  # getMe at start-up: nothing (or not a Bot API) answers there
        log.debug("Bot API unreachable: %s", unreachable)
        return _fail(settings, "cli.telegram_unreachable", url=settings.telegram_api_base_url)
    return 0


def _fail(settings: Settings, key: str, **params: object) -> int:
    catalog = Catalog.load(default_locale=settings.default_locale)
    print(strip_tags(catalog.render(Msg.of(key, **params))), file=sys.stderr)
    return 2
