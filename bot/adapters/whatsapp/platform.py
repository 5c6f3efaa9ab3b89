"""WhatsApp (Cloud API) as one :class:`bot.adapters.base.Adapter`: webhook in, Graph API out.

It has no receive loop: Meta posts to ``/webhook/whatsapp`` on the one aiohttp application. Sends
are paced by the one sender with Meta's limits (:meth:`WhatsAppPlatform.budgets`); the transport
keeps only what is WhatsApp's own: the 24 h window, the template, the messaging limit per 24 h.
"""

from __future__ import annotations

from aiohttp import web

from bot.adapters.base import AdapterContext
from bot.adapters.whatsapp.setup import WhatsApp, build_whatsapp
from bot.delivery import Transport
from bot.pacing import Budget, Budgets
from config.settings import Settings
from handlers.types import Platform

# Meta's pair rate: about one message per 6 s to the same person (error 131056), bursts allowed.
PAIR_RATE = Budget(1 / 6, burst=10)


def whatsapp_budgets(settings: Settings) -> Budgets:
    """Per number (WHATSAPP_RATE_PER_SECOND, bursts of one second) and per person (pair rate)."""
    rate = settings.whatsapp_rate_per_second
    return Budgets(overall=Budget(rate, max(1, round(rate))), per_chat=PAIR_RATE)


class WhatsAppPlatform:
    platform: str = Platform.WHATSAPP.value

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.whatsapp: WhatsApp | None = None

    def enabled(self) -> bool:
        return self.settings.whatsapp_enabled

    def missing_setting(self, webhook: bool) -> str | None:
        return None  # the settings validate the WHATSAPP_* group as a whole (config/settings.py)

    def budgets(self) -> Budgets:
        return whatsapp_budgets(self.settings)

    async def open(self, context: AdapterContext) -> Transport:
        self.whatsapp = build_whatsapp(context.app, self.settings, context.http)
        return self.whatsapp.transport

    def add_routes(self, web_app: web.Application) -> None:
        if self.whatsapp is not None:
            self.whatsapp.add_routes(web_app)

    async def start(self) -> None:
        """Nothing to start: Meta posts to the webhook."""

    async def stop(self) -> None:
        """Nothing to close: the HTTP session is the process's."""
