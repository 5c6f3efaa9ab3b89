"""``buurtbot send``: an extra outbox sender worker for Telegram, without receiving updates.

Several of these (and the sender inside ``buurtbot run``) share one PostgreSQL outbox: rows are
claimed with ``FOR UPDATE SKIP LOCKED``, so nothing is sent twice. Stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import signal

from telegram import Bot

from bot.adapters.telegram.request import AiohttpRequest
from bot.adapters.telegram.transport import TelegramTransport
from bot.app import build_app
from config.settings import Settings
from handlers.types import Platform


async def send_forever(settings: Settings) -> None:
    if settings.telegram_bot_token is None:
        raise SystemExit("TELEGRAM_BOT_TOKEN is needed for the sender")
    app = build_app(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    request, updates_request = AiohttpRequest.pair()
    token = settings.telegram_bot_token.get_secret_value()
    base_url = settings.telegram_api_base_url
    try:
        async with Bot(token, base_url=base_url, request=request, get_updates_request=updates_request) as bot:
            transport = TelegramTransport(bot, app.services.catalog)
            await app.sender({Platform.TELEGRAM.value: transport}).run(stop)
    finally:
        await app.close()


def run_sender(settings: Settings) -> int:
    asyncio.run(send_forever(settings))
    return 0
