"""The web server under hostile traffic, over real loopback sockets: half-sent requests, slow bodies.

The attack: ~1,000 connections that never finish their request (no secret needed) made the
webhooks and /healthz unreachable. The limits are injected small so nothing here waits on a
real-world timeout; every wait is an await on a socket event, bounded by ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.telegram.webhook import SECRET_HEADER
from bot.adapters.whatsapp.webhook import SIGNATURE_HEADER
from bot.app import App
from bot.web_guard import WebLimits
from config.settings import load_settings
from tests.bot.web_support import APP_SECRET, SECRET, Server, serve
from tests.fakes import telegram_updates as tu
from tests.fakes.whatsapp_api import sign

HALF_HEAD = b"POST /webhook/telegram HTTP/1.1\r\nHost: bot\r\nContent-Le"
BOUND = 20.0  # seconds: only a hang guard, never reached when the server is healthy


async def half_sent(
    port: int, count: int, payload: bytes
) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    sockets = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(payload)
        sockets.append((reader, writer))
    await asyncio.gather(*(w.drain() for _, w in sockets))
    return sockets


def close_all(sockets: Sequence[tuple[asyncio.StreamReader, asyncio.StreamWriter]]) -> None:
    for _, writer in sockets:
        writer.close()


async def legit_calls(server: Server, update_id: int) -> tuple[int, int, int]:
    update = tu.text_update(tu.private_chat(7), tu.user(7, "Anna"), "/regels", update_id=update_id)
    meta = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{server.url}/healthz") as health:
            health_status = health.status
        async with client.post(
            f"{server.url}/webhook/telegram", json=update, headers={SECRET_HEADER: SECRET}
        ) as telegram:
            telegram_status = telegram.status
        async with client.post(
            f"{server.url}/webhook/whatsapp", data=meta, headers={SIGNATURE_HEADER: sign(meta, APP_SECRET)}
        ) as whatsapp:
            whatsapp_status = whatsapp.status
    return health_status, telegram_status, whatsapp_status


async def test_a_thousand_half_sent_requests_do_not_lock_out_healthz_and_webhooks(
    app: App, servers: list[Server]
) -> None:
    # Timeouts far away: the connection cap alone must make room (stale sockets are evicted).
    server = await serve(app, WebLimits(header_timeout=300, body_timeout=300, max_connections=32))
    servers.append(server)
    sockets = await half_sent(server.port, 1000, HALF_HEAD)
    try:
        async with asyncio.timeout(BOUND):
            assert await legit_calls(server, 4242) == (200, 200, 200)
    finally:
        close_all(sockets)
    assert [u.update_id for u in server.updates] == [4242]
    assert len(server.parsed) == 1


async def test_a_request_head_that_never_ends_is_closed_after_the_header_timeout(
    app: App, servers: list[Server]
) -> None:
    server = await serve(app, WebLimits(header_timeout=0.05, body_timeout=300, max_connections=500))
    servers.append(server)
    sockets = await half_sent(server.port, 100, HALF_HEAD)
    async with asyncio.timeout(BOUND):
        closed = await asyncio.gather(*(reader.read() for reader, _ in sockets))
        assert closed == [b""] * 100  # the server hung up without an answer
        assert await legit_calls(server, 77) == (200, 200, 200)
    close_all(sockets)


async def test_a_body_that_never_ends_gets_408_after_the_body_timeout(
    app: App, servers: list[Server]
) -> None:
    server = await serve(
        app, WebLimits(header_timeout=300, body_timeout=0.05, max_connections=500, linger=0.05)
    )
    servers.append(server)
    head = (
        f"POST /webhook/telegram HTTP/1.1\r\nHost: bot\r\n{SECRET_HEADER}: {SECRET}\r\n"
        'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"update_id": 1'
    ).encode()
    sockets = await half_sent(server.port, 50, head)
    async with asyncio.timeout(BOUND):
        answers = await asyncio.gather(*(reader.read() for reader, _ in sockets))
    close_all(sockets)
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers)
    assert server.updates == []


async def test_when_every_connection_has_a_request_in_progress_a_newcomer_gets_503(
    app: App, servers: list[Server]
) -> None:
    entered, release = asyncio.Semaphore(0), asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        entered.release()
        await release.wait()
        return web.Response(text="done")

    def add_slow(web_app: web.Application) -> None:
        web_app.router.add_get("/slow", slow)

    server = await serve(app, WebLimits(header_timeout=300, body_timeout=300, max_connections=3), [add_slow])
    servers.append(server)
    async with aiohttp.ClientSession() as client, asyncio.timeout(BOUND):
        in_progress = [asyncio.create_task(_get_text(client, f"{server.url}/slow")) for _ in range(3)]
        for _ in range(3):
            await entered.acquire()  # all three requests are being handled now
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        refused = await reader.read()  # the server answers and hangs up at once
        writer.close()
        assert refused.startswith(b"HTTP/1.1 503")
        release.set()
        assert await asyncio.gather(*in_progress) == ["done"] * 3  # nobody busy was cut off
        assert (await legit_calls(server, 99))[0] == 200


async def _get_text(client: aiohttp.ClientSession, url: str) -> str:
    async with client.get(url) as response:
        return await response.text()


async def test_the_same_error_is_logged_a_few_times_not_once_per_request(
    app: App, servers: list[Server], caplog: pytest.LogCaptureFixture
) -> None:
    server = await serve(app, WebLimits())
    servers.append(server)
    body = b'{"entry": []}'
    with caplog.at_level(logging.WARNING):
        async with aiohttp.ClientSession() as client, asyncio.timeout(BOUND):
            for _ in range(300):
                async with client.post(
                    f"{server.url}/webhook/whatsapp", data=body, headers={SIGNATURE_HEADER: "sha256=00"}
                ) as response:
                    assert response.status == 403
    lines = [r for r in caplog.records if "wrong signature" in r.getMessage()]
    assert 1 <= len(lines) <= 5


async def test_the_server_binds_host_which_defaults_to_loopback(app: App, servers: list[Server]) -> None:
    assert load_settings(_env_file=None).host == "127.0.0.1"
    server = await serve(app, WebLimits())
    servers.append(server)
    assert [address[0] for address in server.runner.addresses] == ["127.0.0.1"]
