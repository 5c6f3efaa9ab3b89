"""``POST /webhook/telegram``: check the secret, store the update in the inbox, then answer 200.

Telegram repeats an update after any non-2xx answer or timeout, and never after a 200. So the 200
comes only once the raw update is committed to the inbox (storage/inbox.py); a failed commit answers
500 and Telegram tries again. The inbox's unique ``(platform, update_id)`` makes a redelivery (or the
same update posted to another worker behind the same URL) a 200 without a second row. Handling runs
from the inbox (bot/inbox.py), not from this request.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram.repair import lenient_update
from bot.inbox import InboxWorker
from bot.web import MAX_BODY, RouteAdder
from bot.web_json import load_json
from handlers.types import Platform
from storage.inbox import NewInbound

log = logging.getLogger(__name__)

PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _update_id(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_update(data: dict[str, Any], bot: Bot) -> Update | None:
    """PTB's Update (repaired if needed), or None for a shape nobody can read (logged, then done)."""
    return lenient_update(data, bot)


def _payload(body: bytes, data: Any) -> str:
    """The body as it came (UTF-8 JSON); re-encoded in the rare case it was another encoding."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return json.dumps(data)


def telegram_webhook(secret: str, inbox: InboxWorker) -> RouteAdder:
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
        try:
            await inbox.take([NewInbound(Platform.TELEGRAM, str(update_id), _payload(body, data))])
        except Exception as error:  # not stored: Telegram must send it again
            log.warning("telegram update %s not stored (%s): answered 500", update_id, type(error).__name__)
            return web.Response(status=500)
        return web.Response(status=200)  # stored now, or a repeat of one stored before

    def add(app: web.Application) -> None:
        app.router.add_post(PATH, receive)

    return add
