"""Webhook bodies → neutral Incoming / DeliveryStatus values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.whatsapp.parse import MalformedWebhook, parse_webhook
from handlers.types import ChatKind, EventKind, Location, Platform
from tests.bot.whatsapp.conftest import conformance_lines
from tests.fakes.whatsapp_api import FakeWhatsAppApi, status_entry

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
FAKE = FakeWhatsAppApi(now=lambda: NOW.timestamp() - 60)


def test_text_message_becomes_private_incoming_with_word_command() -> None:
    parsed = parse_webhook(FAKE.text_message("31612345678", "Melding fiets weg", wamid="wamid.A"), NOW)
    [incoming] = parsed.incoming
    assert incoming.platform is Platform.WHATSAPP
    assert incoming.chat_kind is ChatKind.PRIVATE
    assert incoming.chat_id == "31612345678"
    assert incoming.sender is not None and incoming.sender.display_name == "Buurtbewoner"
    assert (incoming.command, incoming.args, incoming.text) == ("melding", "fiets weg", "Melding fiets weg")
    assert incoming.message_id == incoming.delivery_id == "wamid.A"
    assert incoming.received_at == datetime(2026, 11, 22, 2, 59, tzinfo=UTC)


def test_button_and_list_replies_become_callbacks() -> None:
    button = parse_webhook(FAKE.button_reply("316", "rep:cat:inbraak"), NOW).incoming[0]
    row = parse_webhook(FAKE.list_reply("316", "rep:cat:fiets"), NOW).incoming[0]
    assert (button.kind, button.callback_data) == (EventKind.CALLBACK, "rep:cat:inbraak")
    assert (row.kind, row.callback_data) == (EventKind.CALLBACK, "rep:cat:fiets")


def test_location_and_image() -> None:
    location = parse_webhook(FAKE.location_message("316", 51.8, 4.67), NOW).incoming[0]
    photo = parse_webhook(FAKE.image_message("316", caption="deze auto"), NOW).incoming[0]
    assert location.location == Location(51.8, 4.67)
    assert photo.has_photo and photo.text == "deze auto"


def test_future_timestamp_is_clamped_to_now() -> None:
    body = FakeWhatsAppApi(now=lambda: NOW.timestamp() + 3600).text_message("316", "hoi")
    assert parse_webhook(body, NOW).incoming[0].received_at == NOW


def test_statuses_become_delivery_statuses_with_error_code() -> None:
    body = FAKE.envelope(
        {
            "statuses": [
                status_entry("wamid.S", "316", "failed", 131047),
                status_entry("wamid.T", "316", "read"),
            ]
        }
    )
    failed, read = parse_webhook(body, NOW).statuses
    assert (failed.message_id, failed.status, failed.error_code) == ("wamid.S", "failed", 131047)
    assert (read.status, read.error_code, read.recipient_id) == ("read", None, "316")


@pytest.mark.parametrize("body", [[], "x", {"object": "whatsapp_business_account"}, {"entry": {}}])
def test_malformed_bodies_raise(body: object) -> None:
    with pytest.raises(MalformedWebhook):
        parse_webhook(body, NOW)


def _conformance(*, collecting: bool = False) -> list[dict[str, object]]:
    return [json.loads(line) for line in conformance_lines(collecting=collecting)]


@pytest.mark.parametrize("body", _conformance(collecting=True), ids=lambda body: str(body["_kind"])[:60])
def test_every_conformance_body_parses(body: dict[str, object]) -> None:
    parsed = parse_webhook(body, NOW)
    kind = str(body["_kind"])
    total = len(parsed.incoming) + len(parsed.statuses) + len(parsed.ignored)
    assert total >= 1, kind
    for incoming in parsed.incoming:
        assert incoming.chat_id and incoming.delivery_id
    if kind.startswith("statuses/"):
        assert parsed.statuses and not parsed.incoming
    if "errors[130472]" in kind:
        assert parsed.statuses[0].error_code == 130472


def test_conformance_kinds_map_as_documented() -> None:
    by_kind = {str(body["_kind"]): parse_webhook(body, NOW) for body in _conformance()}
    assert by_kind["messages/interactive list_reply"].incoming[0].kind is EventKind.CALLBACK
    assert by_kind["messages/reaction (emoji)"].incoming == []
    assert by_kind["messages/contacts (shared contact cards)"].incoming == []
    assert by_kind["messages/image without caption"].incoming[0].has_photo
    bsuid = by_kind['messages/text from BSUID-only user: no wa_id, no "from" (username era)'].incoming[0]
    assert bsuid.chat_id == "BSUID_123"
    assert by_kind["messages/location (string placeholders for lat/long)"].incoming == []
    assert len(by_kind["messages/multiple entries/changes in one POST"].incoming) == 2


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
KEYS = [
    "type",
    "text",
    "body",
    "id",
    "from",
    "timestamp",
    "interactive",
    "button_reply",
    "list_reply",
    "location",
    "latitude",
    "longitude",
    "image",
    "caption",
    "button",
    "payload",
    "errors",
    "code",
    "status",
    "recipient_id",
    "contacts",
    "wa_id",
    "profile",
    "name",
    "context",
    "messages",
    "statuses",
]
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_any_change_never_raises(change: object) -> None:
    parse_webhook({"entry": [{"changes": [change]}, change]}, NOW)


@given(json_values)
def test_any_value_object_never_raises(value: object) -> None:
    parse_webhook({"entry": [{"changes": [{"field": "messages", "value": value}]}]}, NOW)
    parse_webhook({"entry": [{"changes": [{"field": "messages", "value": {"messages": [value]}}]}]}, NOW)
    parse_webhook({"entry": [{"changes": [{"field": "messages", "value": {"statuses": [value]}}]}]}, NOW)


def test_template_quick_reply_stop_is_the_stop_command() -> None:
    stop = FAKE.inbound("316", {"type": "button", "button": {"payload": "Stop", "text": "Stop"}})
    data = FAKE.inbound("316", {"type": "button", "button": {"payload": "rep:1", "text": "Bekijk"}})
    afmelden = FAKE.inbound("316", {"type": "button", "button": {"payload": "x:9", "text": "Afmelden"}})
    assert parse_webhook(stop, NOW).incoming[0].command == "stop"
    assert parse_webhook(afmelden, NOW).incoming[0].command == "stop"
    pressed = parse_webhook(data, NOW).incoming[0]
    assert (pressed.kind, pressed.callback_data) == (EventKind.CALLBACK, "rep:1")
