"""Signal input the bot must survive, and daemon answers it must classify, over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.signal.rpc import SignalRpc
from bot.delivery import ChatAddress, ChatGone, Permanent, RetryAfter, Sent, Transient
from handlers.types import Reply
from storage.chats import get_chat
from storage.inbox import InboxMessage
from tests.bot.signal.conftest import BOB, GROUP, Bot

MALFORMED: list[str | dict[str, object]] = [
    "not json at all",
    "[1, 2, 3]",
    json.dumps({"account": "+31850000000"}),  # no envelope
    json.dumps({"envelope": "a string"}),
    json.dumps({"envelope": {"timestamp": 5, "dataMessage": {"message": "no sender"}}}),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": "soon", "dataMessage": {"message": "x"}}}),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": 7, "dataMessage": {"message": 42}}}),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": 8, "dataMessage": ["list"]}}),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": 9, "dataMessage": {"groupInfo": "g"}}}),
    json.dumps(
        {"envelope": {"sourceUuid": "u-1", "timestamp": 10, "dataMessage": {"reaction": {"emoji": 1}}}}
    ),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": 11, "receiptMessage": {"isDelivery": True}}}),
    json.dumps({"envelope": {"sourceUuid": "u-1", "timestamp": 12, "typingMessage": {"action": "STARTED"}}}),
    json.dumps({"exception": {"message": "Decryption failed", "type": "ProtocolInvalidMessageException"}}),
    json.dumps(
        {
            "envelope": {
                "sourceUuid": "u-1",
                "timestamp": 13,
                "syncMessage": {"sentMessage": {"message": "own"}},
            }
        }
    ),
]


async def test_malformed_and_meaningless_events_are_ignored_and_the_stream_goes_on(bot: Bot) -> None:
    for text in MALFORMED:
        assert await bot.push(text if isinstance(text, str) else json.dumps(text)) == []
    assert bot.adapter.intake is not None and bot.adapter.intake.ignored == len(MALFORMED)
    async with bot.app.services.db() as session:
        assert list(await session.scalars(select(InboxMessage))) == []  # nothing stored for them
    assert len(await bot.say(BOB, "/regels")) == 1  # the stream is still read, and answered


async def test_an_envelope_with_odd_fields_still_reaches_the_router_safely(bot: Bot) -> None:
    envelope = bot.daemon.private_message(BOB, "\ufffc /regels", attachments="nope", quote={"id": "x"})
    [answer] = await bot.push(envelope)
    assert "SAAR" in answer.message  # the mention placeholder is dropped, the command works


async def test_the_stream_reconnects_after_a_drop_and_loses_nothing(bot: Bot) -> None:
    bot.daemon.drop_streams()
    await bot.daemon.wait_connected(2)
    assert bot.pauses == [1.0]  # backoff before reconnecting (recorded, not slept)
    assert len(await bot.say(BOB, "/regels")) == 1
    bot.daemon.drop_streams()
    await bot.daemon.push(bot.daemon.private_message(BOB, "/regels"))  # while nobody listens: it waits
    await bot.daemon.wait_connected(3)
    assert bot.adapter.intake is not None
    await bot.adapter.intake.wait_received(2)
    await bot.adapter.intake.idle()
    await bot.drain.drain()
    assert len([s for s in bot.daemon.sent if "SAAR" in s.message]) == 2


def _address(external_id: str, kind: str = "private") -> ChatAddress:
    return ChatAddress(external_id, kind, "nl", "Buurt Krispijn Noord" if kind == "group" else None)


async def test_transport_classifies_the_daemons_answers(bot: Bot) -> None:
    transport = bot.adapter.transport
    assert transport is not None
    await bot.say(BOB, "/regels")  # Bob wrote to us: not a first contact
    reply = Reply.say("rules.text")
    bot.daemon.unregistered(BOB.uuid)
    assert isinstance(await transport.deliver(_address(BOB.uuid), reply, None), ChatGone)
    bot.daemon.not_member(GROUP)
    assert isinstance(await transport.deliver(_address(GROUP, "group"), reply, None), ChatGone)
    bot.daemon.http_error(BOB.uuid, 413, retry_after=12)
    assert await transport.deliver(_address(BOB.uuid), reply, None) == RetryAfter(12)
    assert await transport.deliver(_address(BOB.uuid), reply, None) == RetryAfter(12)  # held: not asked
    assert len([s for s in bot.daemon.sent if s.recipient == BOB.uuid and s.error == 413]) == 1
    bot.clock.advance(seconds=13)
    bot.daemon.http_error(BOB.uuid, 429)  # no Retry-After: a backoff of our own, 60 s …
    assert await transport.deliver(_address(BOB.uuid), reply, None) == RetryAfter(60)
    bot.clock.advance(seconds=61)
    bot.daemon.rate_limit(BOB.uuid, retry_after=None)  # … doubling while it goes on
    assert await transport.deliver(_address(BOB.uuid), reply, None) == RetryAfter(120)
    bot.clock.advance(seconds=121)
    assert isinstance(await transport.deliver(_address(BOB.uuid), reply, None), Sent)
    bot.daemon.http_error(BOB.uuid, 503)
    assert isinstance(await transport.deliver(_address(BOB.uuid), reply, None), Transient)


async def test_transport_reports_an_unreachable_daemon_as_transient(bot: Bot) -> None:
    transport = bot.adapter.transport
    assert transport is not None and bot.adapter.rpc is not None
    bot.adapter.rpc.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    outcome = await transport.deliver(_address(GROUP, "group"), Reply.say("rules.text"), None)
    assert isinstance(outcome, Transient) and "not reachable" in outcome.reason


async def test_first_contacts_are_limited_per_hour(bot: Bot) -> None:
    transport = bot.adapter.transport
    assert transport is not None
    reply = Reply.say("rules.text")
    strangers = [f"00000000-0000-4000-9000-{n:012d}" for n in range(21)]
    outcomes = [await transport.deliver(_address(s), reply, None) for s in strangers]
    assert all(isinstance(o, Sent) for o in outcomes[:20])
    assert isinstance(outcomes[20], RetryAfter) and outcomes[20].seconds > 3000
    assert isinstance(await transport.deliver(_address(strangers[0]), reply, None), Sent)  # known now
    assert isinstance(await transport.deliver(_address(GROUP, "group"), reply, None), Sent)  # groups: free
    bot.clock.advance(minutes=61)
    assert isinstance(await transport.deliver(_address(strangers[20]), reply, None), Sent)


async def test_a_picture_goes_as_a_data_uri_attachment(bot: Bot, tmp_path: object) -> None:
    from pathlib import Path

    chart = Path(str(tmp_path)) / "chart.png"
    chart.write_bytes(b"\x89PNG fake")
    transport = bot.adapter.transport
    assert transport is not None
    reply = Reply((Reply.say("rules.text").parts[0],), photo=str(chart))
    assert isinstance(await transport.deliver(_address(GROUP, "group"), reply, None), Sent)
    assert bot.daemon.sent[-1].attachment == "data:image/png;filename=chart.png;base64,iVBORyBmYWtl"
    missing = Reply(reply.parts, photo=str(chart.with_name("gone.png")))
    assert isinstance(await transport.deliver(_address(GROUP, "group"), missing, None), Permanent)


async def test_an_rpc_that_is_not_json_is_415_like_the_daemon(bot: Bot) -> None:
    assert bot.adapter.rpc is not None
    http = bot.adapter.rpc.http
    async with http.post(
        bot.daemon.url + "/api/v1/rpc", data="{}", headers={"Content-Type": "text/plain"}
    ) as r:
        assert r.status == 415
    answer = await SignalRpc(bot.daemon.url, http).call("noSuchMethod")
    assert (answer.ok, answer.code) == (False, -32601)


async def test_group_gone_deactivates_the_chat(bot: Bot) -> None:
    await bot.push(bot.daemon.group_update(BOB, GROUP))
    bot.daemon.not_member(GROUP)
    assert [s.error for s in await bot.say(BOB, "/regels", GROUP)] == [-1]
    async with bot.app.services.db() as session:
        chat = await get_chat(session, "signal", GROUP)
    assert chat is not None and chat.active is False


async def test_an_event_the_database_could_not_store_is_stored_later_not_dropped(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = bot.app.inbox
    real_take = inbox.take
    failures = [ConnectionError("database away"), ConnectionError("still away")]

    async def flaky_take(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return await real_take(*args, **kwargs)

    monkeypatch.setattr(inbox, "take", flaky_take)
    [answer] = await bot.say(BOB, "/regels")
    assert "SAAR" in answer.message
    assert bot.pauses == [1.0, 2.0]  # waited (recorded, not slept) while the stream stood still
