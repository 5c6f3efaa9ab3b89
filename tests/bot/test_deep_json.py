"""JSON nested 100,000 deep on both webhooks: a clean 400, and no traceback in the log."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.adapters.telegram.webhook import SECRET_HEADER
from bot.adapters.whatsapp.webhook import SIGNATURE_HEADER
from bot.app import App
from bot.web_guard import WebLimits
from bot.web_json import MAX_CONTAINERS, MAX_DEPTH, BadJson, load_json
from tests.bot.web_support import APP_SECRET, SECRET, Server, serve
from tests.fakes.whatsapp_api import sign

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"update_id": 5, "x": ' + b'{"a": ' * 500 + b"1" + b"}" * 500 + b"}"
MANY = b'{"update_id": 6, "x": [' + b"[0]," * 20_000 + b"0]}"


@pytest.mark.parametrize(
    "body", [DEEP, DEEP_OBJECT, MANY], ids=["100000-deep", "500-deep-in-an-update", "20000-arrays"]
)
async def test_deep_json_is_400_on_both_webhooks(
    app: App, servers: list[Server], caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    server = await serve(app, WebLimits())
    servers.append(server)
    with caplog.at_level(logging.DEBUG):
        async with aiohttp.ClientSession() as client:
            async with client.post(
                f"{server.url}/webhook/telegram", data=body, headers={SECRET_HEADER: SECRET}
            ) as telegram:
                assert telegram.status == 400
            async with client.post(
                f"{server.url}/webhook/whatsapp",
                data=body,
                headers={SIGNATURE_HEADER: sign(body, APP_SECRET)},
            ) as whatsapp:
                assert whatsapp.status == 400
    assert server.updates == [] and server.parsed == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_depth_limit_is_exact() -> None:
    assert load_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(BadJson):
        load_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))


def test_container_limit_ignores_brackets_in_strings() -> None:
    text = "[" * (MAX_CONTAINERS * 2)
    assert load_json(f'{{"text": "{text}"}}'.encode()) == {"text": text}
    assert load_json(b"[" + b"[0]," * (MAX_CONTAINERS - 2) + b"0]") is not None
    with pytest.raises(BadJson):
        load_json(b"[" + b"[0]," * MAX_CONTAINERS + b"0]")
