"""Telegram as one :class:`bot.adapters.base.Adapter`: long polling or webhook in, the Bot API out.

PTB is the transport only: updates arrive by our long polling (``polling.py``) or our webhook
(``webhook.py``), are stored in the inbox first, and the inbox worker hands each stored row to
:class:`TelegramAdapter`, which turns it into an ``Incoming`` for the neutral router; replies leave
through the one outbox sender and :class:`TelegramTransport`, paced by :meth:`budgets`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from bot.adapters.base import AdapterContext, StartError
from bot.adapters.telegram.adapter import ALLOWED_UPDATES, TelegramAdapter
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.repair import LenientBot
from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.transport import TelegramTransport
from bot.adapters.telegram.webhook import parse_update, telegram_webhook
from bot.delivery import Transport
from bot.pacing import Budget, Budgets
from config.settings import Settings
from handlers.types import Msg, Platform
from storage.inbox import InboxRow

log = logging.getLogger(__name__)

PTBApp = Application[Any, Any, Any, Any, Any, Any]


def build_ptb(settings: Settings, *, requests: tuple[AiohttpRequest, AiohttpRequest] | None = None) -> PTBApp:
    """PTB's bot (getMe, the Bot API calls), without its updater: our Poller and webhook fetch updates."""
    assert settings.telegram_bot_token is not None, "check enabled() first"
    request, updates_request = requests or AiohttpRequest.pair()
    bot = LenientBot(  # raw getUpdates for our poller: one unreadable update stalls nothing
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=request,
        get_updates_request=updates_request,
    )
    # Schedules are ours (APScheduler over our tables), not PTB's; updates come through the inbox.
    return ApplicationBuilder().bot(bot).job_queue(None).updater(None).build()


def telegram_budgets(settings: Settings) -> Budgets:
    """Telegram's budgets from the OUTBOX_* settings: per bot token, per chat, per group."""
    rate = settings.outbox_rate_per_second
    return Budgets(
        # A burst of 1 % of a second's budget lets the bucket catch up after a busy moment.
        overall=Budget(rate, max(1, round(rate / 100))),
        per_chat=Budget(settings.outbox_per_chat_per_second, settings.outbox_chat_burst),
        per_group=Budget(settings.outbox_per_group_per_minute / 60.0),
    )


class TelegramPlatform:
    platform: str = Platform.TELEGRAM.value

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.requests = AiohttpRequest.pair()
        self._ptb: PTBApp | None = None  # built when first needed: budgets() needs no bot
        self._adapter: TelegramAdapter | None = None
        self._poller: Poller | None = None
        self._context: AdapterContext | None = None
        self._polling: asyncio.Task[None] | None = None

    # -- settings -----------------------------------------------------------------------------------
    def enabled(self) -> bool:
        return self.settings.telegram_bot_token is not None

    def missing_setting(self, webhook: bool) -> str | None:
        if self.settings.telegram_bot_token is None:
            return "TELEGRAM_BOT_TOKEN"
        if webhook and not self.settings.webhook_url:
            return "WEBHOOK_URL"
        if webhook and self.settings.telegram_webhook_secret is None:
            return "TELEGRAM_WEBHOOK_SECRET"
        return None

    def budgets(self) -> Budgets:
        return telegram_budgets(self.settings)

    # -- parts (tests reach them) --------------------------------------------------------------------
    @property
    def ptb(self) -> PTBApp:
        if self._ptb is None:
            self._ptb = build_ptb(self.settings, requests=self.requests)
        return self._ptb

    @property
    def adapter(self) -> TelegramAdapter:
        assert self._adapter is not None, "open() first"
        return self._adapter

    @property
    def poller(self) -> Poller:
        assert self._poller is not None, "open() first"
        return self._poller

    # -- life -----------------------------------------------------------------------------------------
    async def open(self, context: AdapterContext) -> Transport:
        self._context = context
        app = context.app
        bot = self.ptb.bot
        assert isinstance(bot, LenientBot)
        self._adapter = TelegramAdapter(app, bot, app.services.clock)
        app.inbox.add_handler(Platform.TELEGRAM, self.handle_row)
        self._poller = Poller(bot, app.inbox, ALLOWED_UPDATES)
        try:
            await self.ptb.initialize()  # getMe: the bot's id and @username
        except InvalidToken as refused:
            raise StartError(Msg.of("cli.telegram_refused")) from refused
        except NetworkError as unreachable:  # nothing (or not a Bot API) answers there
            log.debug("Bot API unreachable: %s", unreachable)
            url = self.settings.telegram_api_base_url
            raise StartError(Msg.of("cli.telegram_unreachable", url=url)) from unreachable
        app.services.bot_profile["telegram"] = {
            "username": bot.username,
            "can_read_all_group_messages": bool(bot.can_read_all_group_messages),
        }
        return TelegramTransport(bot, app.services.catalog)

    async def handle_row(self, row: InboxRow) -> bool:
        """One stored update through the adapter; False when it holds nothing to route."""
        data = json.loads(row.payload)
        update = parse_update(data, self.ptb.bot) if isinstance(data, dict) else None
        if update is None:
            return False
        return await self.adapter.handle_update(update, row.id) is not None

    def add_routes(self, web_app: web.Application) -> None:
        context = self._context
        secret = self.settings.telegram_webhook_secret
        if context is None or not context.webhook or secret is None:
            return  # long polling: no route
        telegram_webhook(secret.get_secret_value(), context.app.inbox)(web_app)

    async def start(self) -> None:
        context = self._context
        assert context is not None, "open() first"
        bot = self.ptb.bot
        if context.webhook:
            secret = self.settings.telegram_webhook_secret
            assert secret is not None and self.settings.webhook_url
            try:
                await bot.set_webhook(
                    self.settings.webhook_url,
                    secret_token=secret.get_secret_value(),
                    allowed_updates=list(ALLOWED_UPDATES),
                )
            except BadRequest as refused:  # Telegram will not post to that address
                log.debug("setWebhook refused: %s", refused)
                raise StartError(Msg.of("cli.webhook_refused", url=self.settings.webhook_url)) from refused
        else:
            await bot.delete_webhook()  # getUpdates refuses to work while a webhook is set
            self._polling = asyncio.create_task(self.poller.run(context.stop), name="telegram-polling")
        mode = "webhook" if context.webhook else "polling"
        log.info("telegram bot @%s running (%s)", bot.username, mode)

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()  # a long poll in flight: its batch was not stored, so it comes again
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._polling
        if self._ptb is not None:
            with contextlib.suppress(Exception):
                await self._ptb.shutdown()
        # A failed start (getMe refused or unreachable) leaves the HTTP session open, because PTB
        # only shuts down what finished initialising; shutting a request down twice is harmless.
        for request in self.requests:
            await request.shutdown()
