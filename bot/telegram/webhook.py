"""``POST /webhook/telegram``: check the secret, dedupe on ``update_id``, queue, answer 200 at once.

Telegram repeats an update after any non-2xx answer or timeout, so the handler answers as soon as the
update is safely recorded; the handlers run later from PTB's update queue. The ``update_id`` goes into
``processed_deliveries`` first (a unique constraint), so several workers behind one URL and
redeliveries never process an update twice.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.telegram.repair import lenient_update
from bot.web import MAX_BODY, SERVICES, RouteAdder
from bot.web_json import load_json
from handlers.services import Services
from storage.dedupe import first_delivery

log = logging.getLogger(__name__)

PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Enqueue = Callable[[Update], Awaitable[None]]


async def first_time(services: Services, update_id: int) -> bool:
    async with services.db() as session:
        first = await first_delivery(session, "telegram", str(update_id), services.clock.now())
        await session.commit()
    return first


def _update_id(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_update(data: dict[str, Any], bot: Bot) -> Update | None:
    """PTB's Update (repaired if needed), or None for a shape nobody can read (logged, answered 200)."""
    return lenient_update(data, bot)


def telegram_webhook(bot: Bot, secret: str, enqueue: Enqueue) -> RouteAdder:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413)
        try:
            body = await request.read()  # aiohttp refuses bodies over client_max_size with 413
            data = load_json(body)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        update_id = _update_id(data)
        if update_id is None:
            return web.Response(status=400)
        services: Services = request.app[SERVICES]
        if not await first_time(services, update_id):
            return web.Response(status=200)  # a repeat: already taken
        update = parse_update(data, bot)
        if update is not None:
            await enqueue(update)
        return web.Response(status=200)

    def add(app: web.Application) -> None:
        app.router.add_post(PATH, receive)

    return add
