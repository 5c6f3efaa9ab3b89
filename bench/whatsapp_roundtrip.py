"""WhatsApp round trips: N signed webhooks → intake → router → outbox → transport → fake Cloud API.

    python -m bench.whatsapp_roundtrip [-n 1000] [--concurrency 20] [--db sqlite|URL]

The fake Cloud API and the bot's webhook run on loopback in this process (real HTTP both ways).
Figures: webhooks accepted per second (what Meta sees: signature check, parse, DB claim, 200) and
replies delivered per second (the outbox drained through the WhatsApp transport afterwards).
Every wait is bounded, so the benchmark always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.adapters.whatsapp.setup import build_whatsapp
from bot.adapters.whatsapp.webhook import WEBHOOK_PATH
from bot.app import build_app
from config.settings import load_settings
from storage.migrate import upgrade
from tests.fakes.whatsapp_api import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    FakeWhatsAppApi,
)

TEXTS = ["regels", "hulp", "/start", "stop", "Goedemorgen", "aanmelden Krispijn"]


async def run(n: int, concurrency: int, database_url: str) -> dict[str, float]:
    async with FakeWhatsAppApi() as api:
        settings = load_settings(
            _env_file=None,
            database_url=database_url,
            pseudonym_secret="bench",
            whatsapp_token=DEFAULT_TOKEN,
            whatsapp_phone_number_id=DEFAULT_PHONE_NUMBER_ID,
            whatsapp_app_secret=DEFAULT_APP_SECRET,
            whatsapp_verify_token="bench",
            whatsapp_api_base_url=api.graph_url,
            whatsapp_rate_per_second=1000,
        )
        app = build_app(settings)
        web_app = web.Application()
        async with aiohttp.ClientSession() as http:
            whatsapp = build_whatsapp(app, settings, http)
            whatsapp.add_routes(web_app)
            runner = web.AppRunner(web_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            url = f"http://127.0.0.1:{runner.addresses[0][1]}{WEBHOOK_PATH}"
            bodies = [api.text_message(f"3160000{i % 500:04d}", TEXTS[i % len(TEXTS)]) for i in range(n)]
            queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
            for body in bodies:
                queue.put_nowait(body)

            async def worker() -> None:
                while not queue.empty():
                    status, _ = await api.post_webhook(url, queue.get_nowait())
                    assert status == 200, status

            started = time.perf_counter()
            async with asyncio.timeout(600):
                await asyncio.gather(*(worker() for _ in range(concurrency)))
            accepted = time.perf_counter() - started
            async with asyncio.timeout(600):
                await whatsapp.intake.idle()
            handled = time.perf_counter() - started
            drain = app.sender({"whatsapp": whatsapp.transport})
            async with asyncio.timeout(600):
                delivered = await drain.drain(limit=10 * n)
            total = time.perf_counter() - started
            await runner.cleanup()
        await app.close()
        return {
            "webhooks": n,
            "webhooks_accepted_per_s": n / accepted,
            "messages_routed_per_s": n / handled,
            "replies_sent": len(api.sent),
            "replies_attempted": delivered,
            "end_to_end_per_s": len(api.sent) / total,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a database URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}" if args.db == "sqlite" else args.db
        upgrade(url)
        result = asyncio.run(run(args.n, args.concurrency, url))
    for key, value in result.items():
        print(f"{key:>26}: {value:,.1f}" if isinstance(value, float) else f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
