"""The webhook endpoint over real HTTP: handshake, signatures, malformed bodies, conformance."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.adapters.whatsapp.parse import Parsed
from bot.adapters.whatsapp.webhook import WEBHOOK_PATH, WebhookConfig, add_whatsapp_routes, signature_valid
from tests.bot.whatsapp.conftest import conformance_lines, serve
from tests.fakes.whatsapp_api import DEFAULT_APP_SECRET, FakeWhatsAppApi, sign

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
VERIFY_TOKEN = "verify-me"


def _app(received: list[Parsed]) -> web.Application:
    app = web.Application()

    async def on_update(parsed: Parsed) -> None:
        received.append(parsed)

    add_whatsapp_routes(app, WebhookConfig(DEFAULT_APP_SECRET, VERIFY_TOKEN), on_update, lambda: NOW)
    return app


async def test_verification_handshake(fake_api: FakeWhatsAppApi) -> None:
    async with serve(_app([])) as base:
        assert await fake_api.verify_webhook(base + WEBHOOK_PATH, VERIFY_TOKEN, "4242") == (200, "4242")
        status, _ = await fake_api.verify_webhook(base + WEBHOOK_PATH, "wrong", "4242")
        assert status == 403


async def test_signed_text_reaches_on_update(fake_api: FakeWhatsAppApi) -> None:
    received: list[Parsed] = []
    async with serve(_app(received)) as base:
        status, _ = await fake_api.post_webhook(base + WEBHOOK_PATH, fake_api.text_message("316", "hulp"))
    assert status == 200
    assert [i.command for p in received for i in p.incoming] == ["hulp"]


@pytest.mark.parametrize("mode", ["wrong", "none"])
async def test_bad_signature_is_403_and_not_parsed(fake_api: FakeWhatsAppApi, mode: str) -> None:
    received: list[Parsed] = []
    async with serve(_app(received)) as base:
        status, _ = await fake_api.post_webhook(
            base + WEBHOOK_PATH,
            fake_api.text_message("316", "stop"),
            signature=mode,  # type: ignore[arg-type]
        )
    assert status == 403
    assert received == []


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1,2]", b'{"object":"x"}', b"\xff\xfe"])
async def test_malformed_signed_body_is_400(fake_api: FakeWhatsAppApi, raw: bytes) -> None:
    received: list[Parsed] = []
    async with serve(_app(received)) as base:
        status, _ = await fake_api.post_webhook(base + WEBHOOK_PATH, raw)
    assert status == 400
    assert received == []


async def test_failing_consumer_gets_500_so_meta_retries(fake_api: FakeWhatsAppApi) -> None:
    app = web.Application()

    async def on_update(parsed: Parsed) -> None:
        raise RuntimeError("database down")

    add_whatsapp_routes(app, WebhookConfig(DEFAULT_APP_SECRET, VERIFY_TOKEN), on_update, lambda: NOW)
    async with serve(app) as base:
        status, text = await fake_api.post_webhook(base + WEBHOOK_PATH, fake_api.text_message("316", "x"))
    assert status == 500
    assert "database" not in text


def test_signature_check() -> None:
    body = b'{"a":1}'
    assert signature_valid(body, sign(body, "s"), "s")
    assert signature_valid(body, sign(body, "s").upper().replace("SHA256=", "sha256="), "s")
    assert not signature_valid(body, sign(body, "s"), "t")
    assert not signature_valid(body + b" ", sign(body, "s"), "s")
    assert not signature_valid(body, "sha256=\u00e9", "s")
    assert not signature_valid(body, sign(body, ""), "")  # no secret configured: refuse everything
    assert not signature_valid(body, None, "s")


async def test_every_conformance_body_is_accepted_over_http(fake_api: FakeWhatsAppApi) -> None:
    received: list[Parsed] = []
    lines = conformance_lines()
    async with serve(_app(received)) as base:
        for line in lines:
            status, _ = await fake_api.post_webhook(base + WEBHOOK_PATH, line.encode())
            assert status == 200, json.loads(line)["_kind"]
    assert len(received) == len(lines)
