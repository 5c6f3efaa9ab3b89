"""Fixtures for the WhatsApp adapter tests: the fake Cloud API and a served aiohttp app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.whatsapp_api import FakeWhatsAppApi


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


def _shared_dir() -> Path:
    # ../shared beside the project (main checkout); worktrees live deeper, so also try /work/shared.
    root = Path(__file__).resolve().parents[3]
    candidates = [Path(os.environ.get("BUURTBOT_SHARED", "")), root.parent / "shared", Path("/work/shared")]
    return next((path for path in candidates if (path / "conformance").is_dir()), candidates[-1])


def conformance_lines() -> list[str]:
    """The raw lines of the shared WhatsApp webhook conformance file."""
    text = (_shared_dir() / "conformance" / "whatsapp-webhooks.jsonl").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]
