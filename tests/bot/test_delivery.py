"""The sender's unpaced drain applies each transport outcome to the rows and chats in the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.delivery import (
    ChatAddress,
    ChatGone,
    Migrated,
    Outcome,
    Permanent,
    RetryAfter,
    RetryPolicy,
    Sent,
    Transient,
)
from bot.sender import PacedSender
from handlers.clock import FakeClock
from handlers.types import Msg, Platform, Reply
from storage.chats import ensure_chat
from storage.models import Chat, OutboxMessage, SentMessage


class ScriptedTransport:
    """Answers each delivery with the next scripted outcome and records what it was asked."""

    platform = Platform.TELEGRAM

    def __init__(self, outcomes: dict[str, list[Outcome]]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[str, str, str | None]] = []

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        self.calls.append((chat.external_id, reply.parts[0].key, edit_message_id))
        script = self.outcomes.get(chat.external_id) or [Sent(f"m{len(self.calls)}")]
        return script.pop(0) if len(script) > 1 else script[0]


async def _queue(app: App, clock: FakeClock, chat_ids: list[str], reply: Reply, tag: str) -> None:
    async with app.services.db() as session:
        for chat_id in chat_ids:
            chat = await ensure_chat(session, "telegram", chat_id, "group", chat_id, clock.now())
            await app.services.outbox.enqueue(session, chat, reply, f"{tag}:{chat_id}")
        await session.commit()


async def _rows(app: App) -> dict[str, tuple[str, int, str | None]]:
    async with app.services.db() as session:
        rows = await session.execute(
            select(Chat.external_id, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.error).join(
                Chat, Chat.id == OutboxMessage.chat_id
            )
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


async def test_enqueue_is_idempotent_per_key(app: App, clock: FakeClock) -> None:
    await _queue(app, clock, ["-1"], Reply.say("rules.text"), "b1")
    await _queue(app, clock, ["-1"], Reply.say("rules.text"), "b1")
    transport = ScriptedTransport({})
    drain = PacedSender(app.services.db, {"telegram": transport}, clock)
    assert await drain.drain() == 1
    assert await drain.drain() == 0
    assert transport.calls == [("-1", "rules.text", None)]


async def test_throttle_delays_only_that_chat(app: App, clock: FakeClock) -> None:
    transport = ScriptedTransport({"-1": [RetryAfter(30), Sent("x")]})
    await _queue(app, clock, ["-1", "-2"], Reply.say("rules.text"), "b")
    drain = PacedSender(app.services.db, {"telegram": transport}, clock)
    await drain.drain()
    assert (await _rows(app)) == {"-1": ("pending", 0, None), "-2": ("sent", 1, None)}
    clock.advance(seconds=29)
    assert await drain.drain() == 0
    clock.advance(seconds=1)
    assert await drain.drain() == 1
    assert (await _rows(app))["-1"] == ("sent", 1, None)


async def test_transient_errors_back_off_then_fail(app: App, clock: FakeClock) -> None:
    transport = ScriptedTransport({"-1": [Transient("500")]})
    await _queue(app, clock, ["-1"], Reply.say("rules.text"), "b")
    drain = PacedSender(
        app.services.db, {"telegram": transport}, clock, RetryPolicy(max_attempts=3, base_delay=2)
    )
    await drain.drain()
    clock.advance(seconds=1)
    assert await drain.drain() == 0  # first back-off is 2 s
    clock.advance(seconds=1)
    await drain.drain()
    clock.advance(seconds=4)
    await drain.drain()
    assert (await _rows(app))["-1"] == ("failed", 3, "500")
    clock.advance(hours=1)
    assert await drain.drain() == 0


async def test_gone_chat_is_marked_inactive_and_permanent_fails(app: App, clock: FakeClock) -> None:
    transport = ScriptedTransport({"-1": [ChatGone("kicked")], "-2": [Permanent("bad request")]})
    await _queue(app, clock, ["-1", "-2"], Reply.say("rules.text"), "b")
    await PacedSender(app.services.db, {"telegram": transport}, clock).drain()
    assert (await _rows(app)) == {"-1": ("failed", 1, "kicked"), "-2": ("failed", 1, "bad request")}
    async with app.services.db() as session:
        active = dict((await session.execute(select(Chat.external_id, Chat.active))).tuples().all())
    assert active == {"-1": False, "-2": True}


async def test_migrated_chat_gets_the_message_under_its_new_id(app: App, clock: FakeClock) -> None:
    transport = ScriptedTransport({"-1": [Migrated("-1001")]})
    await _queue(app, clock, ["-1"], Reply.say("rules.text"), "b")
    await PacedSender(app.services.db, {"telegram": transport}, clock).drain()
    assert [c[0] for c in transport.calls] == ["-1", "-1001"]
    assert (await _rows(app)) == {"-1001": ("sent", 1, None)}


async def test_tracked_message_is_edited_later(app: App, clock: FakeClock) -> None:
    transport = ScriptedTransport({})
    drain = PacedSender(app.services.db, {"telegram": transport}, clock)
    await _queue(app, clock, ["-1"], Reply((Msg.of("rules.text"),), track="card:M-1"), "first")
    await drain.drain()
    await _queue(app, clock, ["-1"], Reply((Msg.of("group.welcome"),), edit="card:M-1"), "second")
    await drain.drain()
    assert transport.calls == [("-1", "rules.text", None), ("-1", "group.welcome", "m1")]
    async with app.services.db() as session:
        tracked = list(await session.scalars(select(SentMessage.track)))
    assert tracked == ["card:M-1"]


async def test_missing_transport_fails_the_row_not_the_loop(app: App, clock: FakeClock) -> None:
    await _queue(app, clock, ["-1"], Reply.say("rules.text"), "b")
    assert await PacedSender(app.services.db, {}, clock).drain() == 1
    assert (await _rows(app))["-1"][0] == "failed"
    clock.advance(seconds=timedelta(days=1).total_seconds())
