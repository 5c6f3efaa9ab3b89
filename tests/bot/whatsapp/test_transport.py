"""Transport and intake pieces that need no server: throughput budget, template setting, menus."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.whatsapp.intake import press_numbered
from bot.adapters.whatsapp.transport import Template
from bot.pacing import Budget, TokenBucket
from config.settings import SettingsError, load_settings
from handlers.clock import FakeClock
from handlers.types import ChatKind, EventKind, Incoming, Platform
from storage.whatsapp import WhatsAppContact

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_throughput_budget_refills_with_the_clock() -> None:
    clock = FakeClock(NOW)
    budget = TokenBucket(Budget(2.0, burst=2), clock)  # WhatsApp's: bursts of one second
    assert budget.take() == 0.0
    assert budget.take() == 0.0
    assert budget.take() == pytest.approx(0.5)  # one token comes back after half a second
    clock.advance(seconds=0.5)
    assert budget.take() == 0.0
    assert budget.take(5) == pytest.approx(1.0)  # bigger than a second's budget: wait for a full bucket
    clock.advance(seconds=1)
    assert budget.take(5) == 0.0


def test_template_setting() -> None:
    assert Template.parse("buurtbot_alert:nl") == Template("buurtbot_alert", "nl")
    assert Template.parse("") is None
    with pytest.raises(SettingsError, match="WHATSAPP_ALERT_TEMPLATE"):
        load_settings(_env_file=None, whatsapp_alert_template="zonder_taal")
    with pytest.raises(SettingsError, match="WHATSAPP_COMMAND_WORDS"):
        load_settings(_env_file=None, whatsapp_command_words="meld")
    settings = load_settings(_env_file=None, whatsapp_command_words="meld=melding, info=hulp")
    assert settings.whatsapp_command_words == ("meld=melding", "info=hulp")
    assert not settings.whatsapp_enabled
    with pytest.raises(SettingsError, match="needs WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET"):
        load_settings(_env_file=None, whatsapp_token="t")
    with pytest.raises(SettingsError, match="needs WHATSAPP_TOKEN"):
        load_settings(_env_file=None, whatsapp_phone_number_id="1", whatsapp_app_secret="s")
    full = load_settings(
        _env_file=None, whatsapp_token="t", whatsapp_phone_number_id="1", whatsapp_app_secret="s"
    )
    assert full.whatsapp_enabled


def _text(text: str) -> Incoming:
    return Incoming(Platform.WHATSAPP, "316", ChatKind.PRIVATE, EventKind.MESSAGE, NOW, text=text)


def test_a_number_presses_the_matching_menu_option() -> None:
    contact = WhatsAppContact(wa_id="316", last_inbound_at=NOW, menu=["a:1", "a:2", "a:3"])
    pressed = press_numbered(_text(" 2. "), contact)
    assert (pressed.kind, pressed.callback_data) == (EventKind.CALLBACK, "a:2")
    assert press_numbered(_text("4"), contact).kind is EventKind.MESSAGE
    assert press_numbered(_text("0"), contact).kind is EventKind.MESSAGE
    assert press_numbered(_text("2 auto's"), contact).kind is EventKind.MESSAGE
    no_menu = WhatsAppContact(wa_id="316", last_inbound_at=NOW, menu=None)
    assert press_numbered(_text("2"), no_menu).kind is EventKind.MESSAGE


async def test_no_template_outside_the_window_and_groups_are_refused(app, fake_api) -> None:
    import aiohttp

    from bot.adapters.whatsapp.client import WhatsAppClient
    from bot.adapters.whatsapp.transport import WhatsAppTransport
    from bot.delivery import ChatAddress, Permanent
    from handlers.types import Reply
    from tests.fakes.whatsapp_api import DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN

    services = app.services
    async with aiohttp.ClientSession() as http:
        client = WhatsAppClient(http, DEFAULT_TOKEN, DEFAULT_PHONE_NUMBER_ID, fake_api.graph_url)
        transport = WhatsAppTransport(
            client, services.db, services.catalog, services.clock,
            template=None, messaging_limit=250,
        )  # fmt: skip
        reply = Reply.say("whatsapp.choose")
        outside = await transport.deliver(ChatAddress("316", "private", "nl"), reply, None)
        group = await transport.deliver(ChatAddress("group:k:b", "whatsapp-group", "nl"), reply, None)
    assert isinstance(outside, Permanent) and "131047" in outside.reason
    assert isinstance(group, Permanent)
    assert fake_api.calls == []
