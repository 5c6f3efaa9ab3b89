"""The WhatsApp webhook endpoint, attachable to the one shared aiohttp application (``bot/web.py``).

``GET`` answers Meta's subscription handshake. ``POST`` checks ``X-Hub-Signature-256`` (HMAC-SHA256 of
the raw body with the app secret, constant-time) *before* parsing anything: 403 when it does not
match, 400 when the body is not a webhook, else the parsed values go to ``on_update`` and Meta gets
its 200. ``on_update`` must be quick (claim ids, queue the work): Meta retries slow or failed posts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from bot.adapters.whatsapp.parse import MalformedWebhook, Parsed, parse_webhook
from bot.adapters.whatsapp.words import DEFAULT_COMMAND_WORDS
from bot.web_json import load_json

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"

OnUpdate = Callable[[Parsed], Awaitable[None]]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class WebhookConfig:
    app_secret: str
    verify_token: str
    path: str = WEBHOOK_PATH
    words: Mapping[str, str] = field(default_factory=lambda: DEFAULT_COMMAND_WORDS)


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """True when ``header`` is ``sha256=<hex>`` of ``body`` keyed by ``app_secret`` (fails closed)."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    # Bytes, not str: compare_digest refuses non-ASCII str, and a hostile header may carry any.
    return hmac.compare_digest(expected.encode(), header.removeprefix("sha256=").strip().lower().encode())


def add_whatsapp_routes(
    app: web.Application,
    config: WebhookConfig,
    on_update: OnUpdate,
    clock: Clock,
) -> None:
    """Add ``GET`` and ``POST`` on ``config.path``; ``clock()`` returns an aware UTC datetime."""
    app.router.add_get(config.path, _verification_handler(config))
    app.router.add_post(config.path, _update_handler(config, on_update, clock))


def _verification_handler(config: WebhookConfig) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def verify(request: web.Request) -> web.Response:
        query = request.query
        token = query.get("hub.verify_token", "")
        token_ok = bool(config.verify_token) and hmac.compare_digest(
            token.encode(), config.verify_token.encode()
        )
        if query.get("hub.mode") == "subscribe" and token_ok and "hub.challenge" in query:
            return web.Response(text=query["hub.challenge"], content_type="text/plain")
        return web.Response(status=403, text="forbidden")

    return verify


def _update_handler(
    config: WebhookConfig, on_update: OnUpdate, clock: Clock
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def receive(request: web.Request) -> web.Response:
        raw = await request.read()
        if not signature_valid(raw, request.headers.get(SIGNATURE_HEADER), config.app_secret):
            log.warning("whatsapp webhook with a missing or wrong signature from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            parsed = parse_webhook(load_json(raw), clock(), config.words)
        except (ValueError, MalformedWebhook):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            return web.Response(status=400, text="bad request")
        try:
            await on_update(parsed)
        except Exception:
            # Not handled: Meta retries the post later, and our dedupe keeps a retry from doubling.
            log.exception("whatsapp webhook processing failed")
            return web.Response(status=500, text="error")
        return web.Response(text="ok")

    return receive
