"""The Signal adapter: one object with the shape of every platform adapter (``bot/adapters/base.py``).

Receiving is an event stream (no webhook routes): ``start`` lists the groups, then reads
``/api/v1/events`` until ``stop``; sending is :class:`SignalTransport`, paced by the one sender with
``budgets()`` (``SIGNAL_RATE_PER_SECOND`` overall, ``SIGNAL_PER_CHAT_PER_SECOND`` per group or person).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from bot.adapters.signal.challenge import tell_beheerders
from bot.adapters.signal.events import EventStream, Sleep
from bot.adapters.signal.groups import GroupDirectory
from bot.adapters.signal.intake import SignalIntake
from bot.adapters.signal.rpc import SignalRpc
from bot.adapters.signal.transport import SignalTransport
from bot.delivery import ChatAddress
from bot.pacing import Budget, Budgets
from config.settings import Settings
from handlers.types import Platform

if TYPE_CHECKING:
    from bot.adapters.base import AdapterContext
    from bot.app import App

log = logging.getLogger(__name__)


class SignalAdapter:
    platform = Platform.SIGNAL.value

    def __init__(self, settings: Settings, *, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self.rpc: SignalRpc | None = None
        self.groups: GroupDirectory | None = None
        self.intake: SignalIntake | None = None
        self.transport: SignalTransport | None = None
        self.stream: EventStream | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def enabled(self) -> bool:
        return self.settings.signal_enabled

    def missing_setting(self, webhook: bool) -> str | None:
        if not self.settings.signal_rpc_url:
            return "SIGNAL_RPC_URL"
        if not self.settings.signal_number:
            return "SIGNAL_NUMBER"
        return None

    def budgets(self) -> Budgets:
        return Budgets(
            overall=Budget(self.settings.signal_rate_per_second),
            per_chat=Budget(self.settings.signal_per_chat_per_second),
        )

    async def open(self, context: AdapterContext) -> SignalTransport:
        return self.connect(context.app, context.http)

    def connect(self, app: App, http: aiohttp.ClientSession) -> SignalTransport:
        """Build the client, the intake (registered with the app's inbox) and the transport."""
        settings, services = self.settings, app.services
        assert settings.signal_rpc_url, "SIGNAL_RPC_URL"
        self.rpc = SignalRpc(settings.signal_rpc_url, http)
        self.groups = GroupDirectory(self.rpc, services.clock)
        self.intake = SignalIntake(app, self.rpc, self.groups, settings.signal_number, sleep=self._sleep)
        self.stream = EventStream(self.rpc.events_url, http, self.intake.on_event, sleep=self._sleep)

        async def on_challenge(token: str, chat: ChatAddress) -> None:
            await tell_beheerders(services, token, chat, settings.signal_number)

        self.transport = SignalTransport(
            self.rpc,
            services.db,
            services.catalog,
            services.clock,
            new_recipients_per_hour=settings.signal_new_recipients_per_hour,
            on_challenge=on_challenge,
        )
        return self.transport

    def add_routes(self, web_app: web.Application) -> None:
        """Signal has no webhook: events come from the daemon's stream."""

    async def start(self) -> None:
        assert self.stream is not None and self.groups is not None, "open() first"
        try:
            listed = await self.groups.refresh_all()
            log.info("signal: %d groups", listed)
        except (aiohttp.ClientError, TimeoutError) as error:  # the stream's reconnects will tell
            log.warning("signal: groups not listed (%s)", type(error).__name__)
        self._stop.clear()
        self._task = asyncio.create_task(self.stream.run(self._stop), name="signal-events")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
