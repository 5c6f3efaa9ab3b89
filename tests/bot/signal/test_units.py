"""Pure parts of the Signal adapter: envelopes, answers, rendering, the SSE reader, group lists."""

from __future__ import annotations

import json

from aiohttp import web

from bot.adapters.signal.events import sse_events
from bot.adapters.signal.groups import group_from_json
from bot.adapters.signal.menus import keycap_number, number_of
from bot.adapters.signal.outcome import classify
from bot.adapters.signal.parse import GroupChanged, Reacted, Said, parse_event
from bot.adapters.signal.render import TEXT_LIMIT, render_reply
from bot.adapters.signal.rpc import RpcAnswer
from bot.delivery import ChatGone, Permanent, RetryAfter, Sent, Transient
from handlers.types import Button, Location, Msg, Reply
from messages.catalog import Catalog


def _event(envelope: dict[str, object]) -> str:
    return json.dumps({"account": "+31850000000", "envelope": envelope})


BASE = {"sourceNumber": "+31611110001", "sourceUuid": "uuid-ans", "sourceName": "Ans", "timestamp": 100}


def test_group_text_private_text_edit_reaction_and_group_change() -> None:
    group = {"groupId": "g1=", "groupName": "Noord", "type": "DELIVER"}
    said = parse_event(_event({**BASE, "dataMessage": {"message": "Hoi", "groupInfo": group}}))
    assert said == Said(said.who, 100, "Hoi", "g1=", "Noord") and said.who.id == "uuid-ans"  # type: ignore[union-attr]
    private = parse_event(_event({**BASE, "dataMessage": {"message": "/hulp"}}))
    assert isinstance(private, Said) and private.group_id is None
    edit = parse_event(
        _event({**BASE, "editMessage": {"targetSentTimestamp": 90, "dataMessage": {"message": "x"}}})
    )
    assert isinstance(edit, Said) and edit.is_edit
    reaction = {"emoji": "2️⃣", "targetAuthorUuid": "bot", "targetSentTimestamp": 77, "isRemove": False}
    reacted = parse_event(_event({**BASE, "dataMessage": {"reaction": reaction}}))
    assert isinstance(reacted, Reacted) and (reacted.target_timestamp, reacted.emoji) == (77, "2️⃣")
    update = {**group, "type": "UPDATE"}
    assert isinstance(
        parse_event(_event({**BASE, "dataMessage": {"message": None, "groupInfo": update}})), GroupChanged
    )
    photo = {"attachments": [{"contentType": "image/jpeg"}], "groupInfo": group}
    pic = parse_event(_event({**BASE, "dataMessage": photo}))
    assert isinstance(pic, Said) and pic.has_photo and pic.text == ""


def test_own_messages_and_number_only_senders() -> None:
    own = {**BASE, "sourceNumber": "+31850000000", "dataMessage": {"message": "echo"}}
    assert parse_event(_event(own)) is None
    hidden = {"sourceNumber": "+31611110002", "timestamp": 5, "dataMessage": {"message": "hoi"}}
    said = parse_event(_event(hidden))
    assert isinstance(said, Said) and said.who.id == "+31611110002"


def test_jsonrpc_notification_wrapping_is_read_too() -> None:
    wrapped = {"jsonrpc": "2.0", "method": "receive", "params": {"subscription": 0, "result": {
        "envelope": {**BASE, "dataMessage": {"message": "hoi"}}}}}  # fmt: skip
    assert isinstance(parse_event(json.dumps(wrapped)), Said)


def _results(kind: str, **extra: object) -> list[dict[str, object]]:
    return [{"recipientAddress": {"uuid": "u", "number": None}, "type": kind, **extra}]


def test_classify_every_answer_shape() -> None:
    ok = RpcAnswer(result={"timestamp": 1234, "results": _results("SUCCESS")})
    assert classify(ok).outcome == Sent("1234")
    partial = RpcAnswer(
        result={"timestamp": 9, "results": [*_results("SUCCESS"), *_results("UNREGISTERED_FAILURE")]}
    )
    assert classify(partial).outcome == Sent("9")  # the others have it: no resend
    limited = RpcAnswer(
        code=-5, data={"response": {"results": _results("RATE_LIMIT_FAILURE", retryAfterSeconds=40)}}
    )
    assert classify(limited).outcome == RetryAfter(40) and classify(limited).challenge is None
    proof = RpcAnswer(code=-5, data={"response": {"results": _results("RATE_LIMIT_FAILURE", token="t")}})
    assert classify(proof).challenge == "t" and classify(proof).outcome == RetryAfter(0)
    group_limited = RpcAnswer(result={"timestamp": 1, "results": _results("RATE_LIMIT_FAILURE")})
    assert isinstance(classify(group_limited).outcome, RetryAfter)
    gone = RpcAnswer(code=-1, message="User is not a member in group: Noord (g1=)")
    assert isinstance(classify(gone).outcome, ChatGone)
    assert isinstance(
        classify(RpcAnswer(code=-1, message="The user +316 is not registered.")).outcome, ChatGone
    )
    only_admins = classify(
        RpcAnswer(code=-1, message="User is not allowed to send message to group: x")
    ).outcome
    assert isinstance(only_admins, Permanent) and "+31" not in only_admins.reason
    assert isinstance(classify(RpcAnswer(code=-3, message="io")).outcome, Transient)
    assert isinstance(classify(RpcAnswer(code=-32603)).outcome, Transient)
    assert isinstance(classify(RpcAnswer(code=-4)).outcome, Permanent)
    assert classify(RpcAnswer(http_status=429, retry_after=7)).outcome == RetryAfter(7)
    assert isinstance(classify(RpcAnswer(http_status=502)).outcome, Transient)


def test_render_numbers_buttons_and_links_a_location() -> None:
    catalog = Catalog.load()
    buttons = (
        (Button(Msg.of("kit.text", text="Ja"), "x:ja"), Button(Msg.of("kit.text", text="Nee"), "x:nee")),
    )
    rendered = render_reply(
        Reply((Msg.of("rules.text"),), buttons=buttons, location=Location(51.8, 4.67)), catalog
    )
    [text] = rendered.texts
    assert "<b>" not in text and "1. Ja\n2. Nee" in text and "Stuur het nummer" in text
    assert "openstreetmap.org/?mlat=51.800000&mlon=4.670000" in text
    assert rendered.numbered == ("x:ja", "x:nee")
    long = render_reply(Reply((Msg.of("kit.text", text="woord " * 1000),)), catalog)
    assert len(long.texts) > 1 and all(len(t) <= TEXT_LIMIT for t in long.texts)
    assert render_reply(Reply((Msg.of("kit.text", text="<b>echt</b>"),)), catalog).texts == ("<b>echt</b>",)


def test_numbers_and_keycaps() -> None:
    assert [number_of(t) for t in ("2", " 2. ", "2)", "twee", "12345", "")] == [2, 2, 2, None, None, None]
    assert [keycap_number(e) for e in ("1️⃣", "9⃣", "🔟", "👍")] == [1, 9, 10, None]


def test_group_list_entries() -> None:
    data = {"id": "g=", "name": "Noord", "isMember": True,
            "members": [{"number": "+316", "uuid": "u1", "isAdmin": True}, {"number": None, "uuid": "u2"}],
            "pendingMembers": [{"number": "+3185", "uuid": "bot"}], "admins": []}  # fmt: skip
    group = group_from_json(data)
    assert group is not None and group.size == 2 and group.admins == {"+316", "u1"} and "bot" in group.pending
    assert group_from_json({"name": "no id"}) is None


async def test_sse_reader_follows_the_spec() -> None:
    import aiohttp

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b':\nevent:receive\ndata:{"a":1}\n\ndata: two\ndata:lines\n\nevent:x\ndata\n\n')
        return response

    app = web.Application()
    app.router.add_get("/", stream)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{runner.addresses[0][1]}/") as r,
        ):
            events = [event async for event in sse_events(r)]
    finally:
        await runner.cleanup()
    # A bare "data" line is a data field with an empty value (signal-cli writes one for empty data).
    assert events == [("receive", '{"a":1}'), ("message", "two\nlines"), ("x", "")]
