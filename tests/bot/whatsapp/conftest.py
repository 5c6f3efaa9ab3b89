"""Fixtures for the WhatsApp adapter tests: the fake Cloud API and a served aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from tests.fakes.whatsapp_api import FakeWhatsAppApi
from tests.shared_files import conformance_lines as shared_conformance_lines


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeWhatsAppApi]:
    async with FakeWhatsAppApi() as api:
        yield api


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1, a free port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def conformance_lines(*, collecting: bool = False) -> list[str]:
    """The raw lines of the shared WhatsApp webhook conformance file (skipped, or failed in CI, if absent)."""
    return shared_conformance_lines("whatsapp-webhooks.jsonl", collecting=collecting)
