"""Wiring WhatsApp into the one aiohttp application (``bot/web.py``) and the outbox, from settings.

``build_whatsapp`` gives the transport (put it in the outbox sender's transports under
``"whatsapp"``) and ``add_routes``, a route adder for ``bot.web.build_web_app``.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.adapters.whatsapp.client import WhatsAppClient
from bot.adapters.whatsapp.intake import WhatsAppIntake
from bot.adapters.whatsapp.transport import Template, WhatsAppTransport
from bot.adapters.whatsapp.webhook import WebhookConfig, add_whatsapp_routes
from bot.adapters.whatsapp.words import command_words
from bot.app import App
from config.settings import Settings
from handlers.clock import Clock


@dataclass(frozen=True)
class WhatsApp:
    transport: WhatsAppTransport
    intake: WhatsAppIntake
    config: WebhookConfig
    clock: Clock

    def add_routes(self, web_app: web.Application) -> None:
        """Route adder: ``GET``/``POST /webhook/whatsapp`` on the shared application."""
        add_whatsapp_routes(web_app, self.config, self.intake.on_update, self.clock.now)

        async def finish_intake(_: web.Application) -> None:
            await self.intake.idle()  # messages Meta already got a 200 for still reach the outbox

        web_app.on_shutdown.append(finish_intake)


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter else ""


def build_whatsapp(app: App, settings: Settings, http: aiohttp.ClientSession) -> WhatsApp:
    """``http`` is the process's shared aiohttp session (create it inside the running loop)."""
    services = app.services
    client = WhatsAppClient(
        http,
        _secret(settings.whatsapp_token),
        settings.whatsapp_phone_number_id,
        settings.whatsapp_api_base_url,
    )
    transport = WhatsAppTransport(
        client,
        services.db,
        services.catalog,
        services.clock,
        template=Template.parse(settings.whatsapp_alert_template),
        messaging_limit=settings.whatsapp_messaging_limit,
    )
    extra = dict(pair.split("=", 1) for pair in settings.whatsapp_command_words)
    config = WebhookConfig(
        app_secret=_secret(settings.whatsapp_app_secret),
        verify_token=_secret(settings.whatsapp_verify_token),
        words=command_words(extra),
    )
    return WhatsApp(transport, WhatsAppIntake(app, config.words), config, services.clock)
