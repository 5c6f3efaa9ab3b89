"""The forward kit has a wa.me share link; the alert preview counts WhatsApp messages and the cost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest

from bot.app import App, build_app
from config.settings import Settings
from handlers.clock import FakeClock
from storage.chats import ensure_chat, find_area
from storage.whatsapp import subscribe
from tests.conftest import _empty_all_tables
from tests.harness import ConsoleHarness


@pytest.fixture
async def priced(settings: Settings, clock: FakeClock, db_url: str) -> AsyncIterator[ConsoleHarness]:
    await _empty_all_tables(db_url)
    app = build_app(settings.model_copy(update={"whatsapp_price_per_message": 0.11}), clock=clock)
    harness = ConsoleHarness(app)
    await harness.start()
    try:
        yield harness
    finally:
        await app.close()


async def _subscribers(app: App, clock: FakeClock, count: int) -> None:
    async with app.services.db() as session:
        area = await find_area(session, "Krispijn")
        assert area is not None
        for n in range(count):
            chat = await ensure_chat(session, "whatsapp", f"3161234{n:04d}", "private", None, clock.now())
            await subscribe(session, chat.id, area.id, clock.now())
        await session.commit()


async def test_preview_counts_whatsapp_messages_and_cost(priced: ConsoleHarness, clock: FakeClock) -> None:
    await priced.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    await _subscribers(priced.app, clock, 3)
    preview = await priced.text("/alert inbraakgolf Krispijn")
    assert "Via WhatsApp: 3 berichten, geschatte kosten € 0,33." in preview


async def test_preview_counts_without_a_price(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    await console.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    assert "Via WhatsApp" not in await console.text("/alert inbraakgolf Krispijn")
    await _subscribers(app, clock, 2)
    preview = await console.text("/alert inbraakgolf Krispijn")
    assert "Via WhatsApp: 2 berichten." in preview and "kosten" not in preview


async def test_forward_kit_has_a_share_link_without_a_number(console: ConsoleHarness) -> None:
    await console.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    await console.say("/whatsappgroep Krispijn Buurtapp Noord")
    sent = await console.text("/alert inbraakgolf Krispijn", "1")
    start = sent.index("https://wa.me/?text=")
    url = sent[start:].split()[0]
    assert url.startswith("https://wa.me/?text=") and "wa.me/?" in url  # no number after wa.me/
    text = unquote(url.removeprefix("https://wa.me/?text="))
    assert "*Waarschuwing voor Krispijn*" in text and "Bel 112" in text
