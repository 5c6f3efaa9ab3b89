"""Every real update in the conformance file goes through the adapter without an unhandled error."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from bot.adapters.telegram.adapter import ALLOWED_UPDATES
from bot.adapters.telegram.webhook import parse_update
from storage.inbox import InboxMessage
from storage.inbox import counts as inbox_counts
from tests.fakes.telegram_api import FakeTelegram
from tests.shared_files import conformance_lines
from tests.telegram.runtime import TelegramRuntime


async def test_every_update_kind_is_handled_or_ignored(
    manual: TelegramRuntime, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    lines = conformance_lines("telegram-updates.jsonl")  # skips, or fails in CI, if absent
    routed = ignored = unreadable = 0
    for number, line in enumerate(lines, start=1):
        data = {k: v for k, v in json.loads(line).items() if not k.startswith("_")}
        data["update_id"] = number  # the file repeats docs' example ids
        update = parse_update(data, manual.ptb.bot)
        if update is None:
            unreadable += 1
            continue
        incoming = await manual.adapter.handle_update(update)
        routed, ignored = routed + (incoming is not None), ignored + (incoming is None)
    await manual.drain.drain()
    with caplog.at_level(logging.ERROR):
        assert not [r for r in caplog.records if r.name.startswith(("handlers", "bot")) and r.levelno >= 40]
    texts = [c.params["text"] for c in fake.calls_to("sendMessage")]
    assert not any(t.startswith("Er ging iets mis") for t in texts)  # no handler failed
    assert routed > 40 and ignored > 10 and routed + ignored + unreadable == len(lines)


# Update kinds of the Bot API documentation the conformance file has no example of, in their
# documented shapes: they must be ignored (or handled) without an error too.
_USER = {"id": 7001, "is_bot": False, "first_name": "Ans"}
_PRIVATE = {"id": 7001, "type": "private", "first_name": "Ans"}
_GROUP = {"id": -100777, "type": "supergroup", "title": "Krispijn"}
_CHANNEL = {"id": -100888, "type": "channel", "title": "Nieuws"}
_DATE = 1_760_000_000
EXTRA_KINDS: dict[str, dict[str, object]] = {
    "edited_channel_post": {
        "message_id": 5,
        "date": _DATE,
        "edit_date": _DATE,
        "chat": _CHANNEL,
        "text": "x",
    },
    "business_connection": {
        "id": "bc1",
        "user": _USER,
        "user_chat_id": 7001,
        "date": _DATE,
        "can_reply": True,
        "is_enabled": True,
    },
    "business_message": {
        "message_id": 6,
        "date": _DATE,
        "chat": _PRIVATE,
        "from": _USER,
        "text": "hallo",
        "business_connection_id": "bc1",
    },
    "edited_business_message": {
        "message_id": 6,
        "date": _DATE,
        "edit_date": _DATE,
        "chat": _PRIVATE,
        "from": _USER,
        "text": "hallo!",
        "business_connection_id": "bc1",
    },
    "deleted_business_messages": {"business_connection_id": "bc1", "chat": _PRIVATE, "message_ids": [6]},
    "shipping_query": {
        "id": "s1",
        "from": _USER,
        "invoice_payload": "p",
        "shipping_address": {
            "country_code": "NL",
            "state": "",
            "city": "Dordrecht",
            "street_line1": "Krispijnseweg 1",
            "street_line2": "",
            "post_code": "3317 AA",
        },
    },
    "pre_checkout_query": {
        "id": "pc1",
        "from": _USER,
        "currency": "EUR",
        "total_amount": 100,
        "invoice_payload": "p",
    },
    "purchased_paid_media": {"from": _USER, "paid_media_payload": "p"},
    "poll": {
        "id": "poll1",
        "question": "Wie komt er?",
        "options": [{"persistent_id": "o1", "text": "Ik", "voter_count": 1}],
        "total_voter_count": 1,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    },
    "chat_join_request": {"chat": _GROUP, "from": _USER, "user_chat_id": 7001, "date": _DATE},
    "removed_chat_boost": {
        "chat": _CHANNEL,
        "boost_id": "b1",
        "remove_date": _DATE,
        "source": {"source": "premium", "user": _USER},
    },
}


def _all_updates() -> list[dict[str, object]]:
    updates: list[dict[str, object]] = []
    for line in conformance_lines("telegram-updates.jsonl"):
        updates.append({k: v for k, v in json.loads(line).items() if not k.startswith("_")})
    updates.extend({kind: body} for kind, body in EXTRA_KINDS.items())
    return [{**update, "update_id": number} for number, update in enumerate(updates, start=1)]


async def test_documented_kinds_without_an_example_are_ignored(
    manual: TelegramRuntime, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    for number, (kind, body) in enumerate(EXTRA_KINDS.items(), start=1):
        update = parse_update({"update_id": number, kind: body}, manual.ptb.bot)
        assert update is not None, kind  # PTB reads every documented kind
        assert await manual.adapter.handle_update(update) is None, kind
    await manual.drain.drain()
    assert fake.calls_to("sendMessage") == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_polling_gets_through_every_update_kind(
    polling: TelegramRuntime, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """Long polling reads the same updates (PTB parses them itself) and keeps going after them."""
    updates = _all_updates()
    fake.queue_updates(updates)
    marker = {
        "update_id": len(updates) + 1,
        "message": {"message_id": 1, "date": _DATE, "chat": _PRIVATE, "from": _USER, "text": "/regels"},
    }
    fake.queue_update(marker)
    [reply] = await fake.wait_for_calls("sendMessage", 1, chat_id=7001)
    assert reply.params["text"].startswith("<b>Afspraken")
    assert fake.pending_updates == 0  # every update was confirmed, none is retried forever
    # PTB itself logs the batch it could not parse; nothing of ours failed.
    ours = [
        r for r in caplog.records if r.name.startswith(("bot", "handlers")) and r.levelno >= logging.ERROR
    ]
    assert not ours, [r.getMessage() for r in ours]
    # The batch is stored as it came and each update read on its own: one unreadable update
    # cannot hold the others back, and every one of them is in the inbox, finished.
    await polling.inbox.idle()
    async with polling.app.services.db() as session:
        keys = set(await session.scalars(select(InboxMessage.external_key)))
        states = await inbox_counts(session)
    delivered = {str(u["update_id"]) for u in [*updates, marker] if set(u) & set(ALLOWED_UPDATES)}
    assert keys == delivered and states == {"pending": 0, "done": len(delivered), "dead": 0}
