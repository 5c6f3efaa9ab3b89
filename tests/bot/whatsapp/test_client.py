"""The Cloud API client over real HTTP against the fake: sends, tokens, error codes."""

from __future__ import annotations

import aiohttp
import pytest

from bot.adapters.whatsapp.client import Outcome, WhatsAppClient
from bot.adapters.whatsapp.render import template_body, text_body
from tests.fakes.whatsapp_api import DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN, FakeWhatsAppApi


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


def _client(
    session: aiohttp.ClientSession, api: FakeWhatsAppApi, token: str = DEFAULT_TOKEN
) -> WhatsAppClient:
    return WhatsAppClient(session, token, DEFAULT_PHONE_NUMBER_ID, api.graph_url)


async def test_text_send_returns_wamid_and_is_recorded(fake_api, session) -> None:
    result = await _client(session, fake_api).send(text_body("31612345678", "Hallo"))
    assert result.outcome is Outcome.SENT and result.message_id and result.message_id.startswith("wamid.")
    [call] = fake_api.calls
    assert call.authorization == f"Bearer {DEFAULT_TOKEN}"
    assert (call.version, call.phone_number_id, call.to, call.text) == (
        "v25.0",
        DEFAULT_PHONE_NUMBER_ID,
        "31612345678",
        "Hallo",
    )
    assert call.wamid == result.message_id


async def test_template_send(fake_api, session) -> None:
    result = await _client(session, fake_api).send(template_body("316", "buurt_alert", "nl", ["Krispijn"]))
    assert result.outcome is Outcome.SENT
    assert fake_api.sent[0].body["template"]["name"] == "buurt_alert"


async def test_wrong_token_is_auth(fake_api, session) -> None:
    result = await _client(session, fake_api, token="stale").send(text_body("316", "x"))
    assert (result.outcome, result.code) == (Outcome.AUTH, 190)
    assert fake_api.sent == []


@pytest.mark.parametrize(
    ("code", "outcome", "wait"),
    [
        (131047, Outcome.WINDOW_CLOSED, 0.0),
        (130429, Outcome.RETRY, 1.0),
        (131056, Outcome.RETRY, 6.0),
        (131026, Outcome.FAILED, 0.0),
        (190, Outcome.AUTH, 0.0),
        (133004, Outcome.RETRY, 5.0),
        (132001, Outcome.FAILED, 0.0),
    ],
)
async def test_error_codes_map_to_outcomes(fake_api, session, code, outcome, wait) -> None:
    fake_api.fail_next(code)
    client = _client(session, fake_api)
    result = await client.send(text_body("316", "x"))
    assert (result.outcome, result.code, result.retry_after) == (outcome, code, wait)
    # The injected error is used up: the next send goes through.
    assert (await client.send(text_body("316", "x"))).outcome is Outcome.SENT


async def test_error_for_one_recipient_only(fake_api, session) -> None:
    fake_api.fail_next(131026, to="31600000002")
    client = _client(session, fake_api)
    first = await client.send(text_body("31600000001", "x"))
    second = await client.send(text_body("31600000002", "x"))
    assert (first.outcome, second.outcome) == (Outcome.SENT, Outcome.FAILED)


async def test_unreachable_server_is_retry(session) -> None:
    async with FakeWhatsAppApi() as api:
        url = api.graph_url
    client = WhatsAppClient(session, DEFAULT_TOKEN, DEFAULT_PHONE_NUMBER_ID, url)
    result = await client.send(text_body("316", "x"))
    assert result.outcome is Outcome.RETRY and result.detail.startswith("network")
