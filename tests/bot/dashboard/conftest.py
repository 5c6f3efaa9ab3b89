from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.web import build_web_app
from tests.bot.dashboard.support import Client, People, make_people


@pytest.fixture
async def people(app: App) -> People:
    return await make_people(app)


@pytest.fixture
async def client(app: App, people: People) -> AsyncIterator[Client]:
    async with TestClient(TestServer(build_web_app(app.services))) as test_client:
        yield test_client


@pytest.fixture
async def other_client(app: App, people: People) -> AsyncIterator[Client]:
    """A second browser (its own cookie jar)."""
    async with TestClient(TestServer(build_web_app(app.services))) as test_client:
        yield test_client
