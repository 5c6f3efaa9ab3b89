"""Hostile input against the real web server on loopback (not a test: prints numbers).

Measures, with the default limits, how long /healthz and both webhooks take to answer while 1,000
half-sent requests hold connections, and how long a 100,000-deep JSON body takes to be refused.
Run: .venv/bin/python -m bench.web_hostile [half_sent]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram.webhook import SECRET_HEADER, telegram_webhook
from bot.adapters.whatsapp.parse import Parsed
from bot.adapters.whatsapp.webhook import (
    SIGNATURE_HEADER,
    WebhookConfig,
    add_whatsapp_routes,
    signature_valid,
)
from bot.app import App, build_app
from bot.web import bound_port, build_web_app, start_web
from config.settings import load_settings
from storage.migrate import upgrade

SECRET, APP_SECRET = "bench-secret", "bench-app-secret"
HALF_HEAD = b"POST /webhook/telegram HTTP/1.1\r\nHost: bot\r\nContent-Le"
DEEP = b"[" * 100_000 + b"]" * 100_000
WIDE = b'{"update_id": 2, "x": [' + b"[0]," * 200_000 + b"0]}"  # ~0.8 MB, 200,000 tiny arrays
FLAT = b'{"update_id": 3, "x": [' + b"0," * 400_000 + b"0]}"  # ~0.8 MB, one array of numbers


def _sign(body: bytes) -> str:
    import hashlib
    import hmac

    header = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_valid(body, header, APP_SECRET)
    return header


async def _server(app: App) -> tuple[web.AppRunner, str]:
    async def enqueue(update: Update) -> None:
        return None

    async def on_update(parsed: Parsed) -> None:
        return None

    def whatsapp(web_app: web.Application) -> None:
        add_whatsapp_routes(web_app, WebhookConfig(APP_SECRET, "v"), on_update, lambda: datetime.now(UTC))

    routes = (telegram_webhook(Bot("123:abc"), SECRET, enqueue), whatsapp)
    runner = await start_web(build_web_app(app.services, routes), 0, "127.0.0.1")
    return runner, f"http://127.0.0.1:{bound_port(runner)}"


async def _timed(client: aiohttp.ClientSession, method: str, url: str, **kwargs: object) -> tuple[int, float]:
    start = time.perf_counter()
    async with client.request(method, url, **kwargs) as response:  # type: ignore[arg-type]
        await response.read()
        return response.status, time.perf_counter() - start


async def measure(app: App, half_sent: int) -> dict[str, tuple[int, float]]:
    runner, base = await _server(app)
    port = bound_port(runner)
    sockets = []
    for _ in range(half_sent):
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(HALF_HEAD)
        sockets.append(writer)
    update = json.dumps(
        {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hoi"},
        }
    )
    meta = b'{"object": "whatsapp_business_account", "entry": []}'
    results: dict[str, tuple[int, float]] = {}
    try:
        async with aiohttp.ClientSession() as client:
            results["healthz"] = await _timed(client, "GET", f"{base}/healthz")
            results["telegram webhook"] = await _timed(
                client, "POST", f"{base}/webhook/telegram", data=update, headers={SECRET_HEADER: SECRET}
            )
            results["whatsapp webhook"] = await _timed(
                client, "POST", f"{base}/webhook/whatsapp", data=meta, headers={SIGNATURE_HEADER: _sign(meta)}
            )
            results["telegram 100,000-deep JSON"] = await _timed(
                client, "POST", f"{base}/webhook/telegram", data=DEEP, headers={SECRET_HEADER: SECRET}
            )
            results["telegram 200,000 arrays JSON"] = await _timed(
                client, "POST", f"{base}/webhook/telegram", data=WIDE, headers={SECRET_HEADER: SECRET}
            )
            results["telegram 0.8 MB flat JSON"] = await _timed(
                client, "POST", f"{base}/webhook/telegram", data=FLAT, headers={SECRET_HEADER: SECRET}
            )
            results["whatsapp 100,000-deep JSON"] = await _timed(
                client, "POST", f"{base}/webhook/whatsapp", data=DEEP, headers={SIGNATURE_HEADER: _sign(DEEP)}
            )
    finally:
        for writer in sockets:
            writer.close()
        await runner.cleanup()
    return results


async def run(url: str, half_sent: int) -> dict[str, tuple[int, float]]:
    app = build_app(load_settings(_env_file=None, database_url=url, pseudonym_secret="x"))
    try:
        return await measure(app, half_sent)
    finally:
        await app.close()


def main(half_sent: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        results = asyncio.run(run(url, half_sent))
    print(f"with {half_sent} half-sent requests open (default limits):")
    for name, (status, seconds) in results.items():
        print(f"  {name:28} HTTP {status}  {seconds * 1000:8.1f} ms")
    worst = max(results.items(), key=lambda item: item[1][1])
    print(f"worst hostile-input handling time: {worst[1][1] * 1000:.1f} ms ({worst[0]})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
