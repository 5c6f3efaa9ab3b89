"""The one server: any object satisfying the Adapter protocol is served, paced and sent for.

A stand-in platform (its webhook route, its scripted transport, its budgets) proves what a new
platform relies on: its routes sit on the one web app beside /healthz, its rows go through the one
sender, and a retry-after on one chat holds back only that chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.adapters import ADAPTERS, adapter_budgets, enabled_adapters
from bot.adapters.base import Adapter, AdapterContext
from bot.app import App
from bot.delivery import ChatAddress, Outcome, RetryAfter, Sent, Transport
from bot.pacing import Budget, Budgets
from bot.serve import Server, missing_setting
from bot.web import bound_port
from config.settings import Settings
from handlers.clock import FakeClock
from handlers.types import Msg, Reply
from storage.chats import ensure_chat
from storage.models import Chat, OutboxMessage

PLATFORM = "standin"


class ScriptedTransport:
    platform = PLATFORM  # type: ignore[assignment]

    def __init__(self, throttle: str) -> None:
        self.throttle = throttle  # this chat answers 429 (retry after 1 s) the first time
        self.calls: list[tuple[str, str]] = []

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        self.calls.append((chat.external_id, str(reply.parts[0].params["n"])))
        if chat.external_id == self.throttle and len([c for c in self.calls if c[0] == self.throttle]) == 1:
            return RetryAfter(1)
        return Sent(str(len(self.calls)))


class StandIn:
    """A platform in a few lines: one webhook route, one transport, budgets, nothing to receive."""

    platform = PLATFORM

    def __init__(self, settings: Settings) -> None:
        self.transport = ScriptedTransport(throttle="A")
        self.started = False

    def enabled(self) -> bool:
        return True

    def missing_setting(self, webhook: bool) -> str | None:
        return "STANDIN_URL" if webhook else None

    def budgets(self) -> Budgets:
        return Budgets(overall=Budget(1000, 100), per_chat=Budget(100, 10))

    async def open(self, context: AdapterContext) -> Transport:
        return self.transport  # type: ignore[return-value]

    def add_routes(self, web_app: web.Application) -> None:
        async def hook(_: web.Request) -> web.Response:
            return web.json_response({"platform": PLATFORM})

        web_app.router.add_post("/webhook/standin", hook)

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False


@pytest.fixture
async def served(app: App, settings: Settings) -> AsyncIterator[tuple[Server, StandIn]]:
    standin = StandIn(settings)
    adapter: Adapter = standin
    server = Server(app, settings, [adapter], port=0, host="127.0.0.1")
    await server.start()
    try:
        yield server, standin
    finally:
        await server.stop()


async def _queue(app: App, clock: FakeClock, per_chat: dict[str, int]) -> None:
    async with app.services.db() as session:
        for external, count in per_chat.items():
            chat = await ensure_chat(session, PLATFORM, external, "private", external, clock.now())
            for n in range(count):
                reply = Reply((Msg.of("rules.text", n=n),))
                await app.services.outbox.enqueue(session, chat, reply, f"t:{external}:{n}")
        await session.commit()
    app.services.outbox.wake()


async def _wait_for(server: Server, transport: ScriptedTransport, calls: int) -> None:
    async with asyncio.timeout(20):  # a safety net, not a pause
        while len(transport.calls) < calls:
            await server.sender.wait_recorded()


async def _pending(app: App, external: str) -> int:
    async with app.services.db() as session:
        rows = await session.scalars(
            select(OutboxMessage.id)
            .join(Chat, Chat.id == OutboxMessage.chat_id)
            .where(Chat.external_id == external, OutboxMessage.status == "pending")
        )
        return len(list(rows))


async def test_routes_of_an_adapter_share_the_one_web_app(served: tuple[Server, StandIn]) -> None:
    server, standin = served
    assert standin.started and server.web_runner is not None
    base = f"http://127.0.0.1:{bound_port(server.web_runner)}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/webhook/standin") as hook:
            assert hook.status == 200 and await hook.json() == {"platform": PLATFORM}
        async with http.get(f"{base}/healthz") as health:
            assert health.status == 200


async def test_retry_after_on_one_chat_holds_back_only_that_chat(
    served: tuple[Server, StandIn], app: App, clock: FakeClock
) -> None:
    server, standin = served
    await _queue(app, clock, {"A": 3, "B": 3})
    await _wait_for(server, standin.transport, 4)  # A's first (429), B's three
    await server.sender.wait_recorded()
    calls = standin.transport.calls
    assert [c for c in calls if c[0] == "B"] == [("B", "0"), ("B", "1"), ("B", "2")]
    assert [c for c in calls if c[0] == "A"] == [("A", "0")]  # held back, in order
    assert await _pending(app, "A") == 3 and await _pending(app, "B") == 0
    clock.advance(seconds=1)  # due again; the pacer holds the chat for 1 s of real time too
    app.services.outbox.wake()
    await _wait_for(server, standin.transport, 7)
    assert [c for c in calls if c[0] == "A"] == [("A", "0"), ("A", "0"), ("A", "1"), ("A", "2")]


def test_the_adapter_list_names_every_platform_once(settings: Settings) -> None:
    platforms = [factory(settings).platform for factory in ADAPTERS]
    assert sorted(platforms) == ["console", "telegram", "whatsapp"]
    assert enabled_adapters(settings) == []  # no token, no WhatsApp number: the console
    budgets = adapter_budgets(settings, ["telegram", "console"])
    assert budgets["console"] is None
    telegram = budgets["telegram"]
    assert telegram is not None and telegram.overall.rate == settings.outbox_rate_per_second


def test_a_missing_setting_is_named_by_its_adapter(settings: Settings) -> None:
    adapters: list[Adapter] = [StandIn(settings)]
    assert missing_setting(adapters, webhook=False) is None
    assert missing_setting(adapters, webhook=True) == "STANDIN_URL"
