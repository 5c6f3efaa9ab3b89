"""Fixtures for the Signal adapter: the fake signal-cli daemon and a bot whose adapter reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.adapters.signal.adapter import SignalAdapter
from bot.app import App, build_app
from bot.sender import PacedSender
from config.settings import Settings, load_settings
from handlers.clock import FakeClock
from storage.chats import create_area, get_chat
from storage.models import OutboxMessage, RoleName
from storage.people import ensure_person, grant_role
from tests.fakes.signal_cli import BOT_NUMBER, FakeSignalCli, Person, Sent, person

ANS = person(1, "Ans")  # group admin
BOB = person(2, "Bob")  # resident
PIET = person(3, "Piet")  # coordinator of Krispijn
BEHEERDER = person(9, "Bea")
GROUP = "R3JvdXBOb29yZEtyaXNwaWpuMDAwMDAwMDAwMDAwMDA="
OTHER_GROUP = "R3JvdXBadWlkS3Jpc3Bpam4wMDAwMDAwMDAwMDAwMDA="


@dataclass
class Bot:
    app: App
    daemon: FakeSignalCli
    adapter: SignalAdapter
    drain: PacedSender
    clock: FakeClock
    pauses: list[float] = field(default_factory=list)

    async def push(self, envelope: dict[str, Any] | str) -> list[Sent]:
        """One event through the stream, the inbox and the router; returns what was sent for it."""
        assert self.adapter.intake is not None
        mark = len(self.daemon.sent)
        count = self.adapter.intake.received + 1
        await self.daemon.push(envelope)
        await self.adapter.intake.wait_received(count)
        await self.adapter.intake.idle()
        await self.drain.drain()
        return self.daemon.sent[mark:]

    async def say(self, who: Person, text: str, group: str | None = None) -> list[Sent]:
        if group is not None:
            return await self.push(self.daemon.group_message(who, group, text))
        return await self.push(self.daemon.private_message(who, text))

    async def text(self, who: Person, text: str, group: str | None = None) -> str:
        return "\n---\n".join(s.message for s in await self.say(who, text, group))

    async def area(self, name: str = "Krispijn") -> int:
        async with self.app.services.db() as session:
            area = await create_area(session, name, self.clock.now())
            await session.commit()
            return area.id

    async def coordinator(self, who: Person, area_id: int) -> None:
        async with self.app.services.db() as session:
            found = await ensure_person(session, "signal", who.uuid, who.name, None, self.clock.now(), b"k")
            await grant_role(session, found.id, RoleName.COORDINATOR, area_id, self.clock.now())
            await session.commit()

    async def outbox(self, external_id: str) -> list[OutboxMessage]:
        async with self.app.services.db() as session:
            chat = await get_chat(session, "signal", external_id)
            if chat is None:
                return []
            return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat.id)))


def signal_settings(db_url: str, daemon: FakeSignalCli, **extra: Any) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=db_url,
        pseudonym_secret="test-secret",
        signal_rpc_url=daemon.url,
        signal_number=BOT_NUMBER,
        beheerders=(f"signal:{BEHEERDER.uuid}", "telegram:4242"),
        **extra,
    )


@pytest.fixture
async def daemon() -> AsyncIterator[FakeSignalCli]:
    async with FakeSignalCli() as fake:
        fake.add_group(GROUP, "Buurt Krispijn Noord", [ANS, BOB, PIET], admins=[ANS])
        yield fake


@pytest.fixture
async def bot(app: App, settings: Settings, clock: FakeClock, daemon: FakeSignalCli) -> AsyncIterator[Bot]:
    # ``app`` (unused) empties the tables; this bot shares the database with Signal configured.
    configured = signal_settings(settings.database_url, daemon)
    assert configured.signal_enabled
    application = build_app(configured, clock=clock)
    pauses: list[float] = []

    async def pause(seconds: float) -> None:  # reconnect backoff: recorded, not slept
        pauses.append(seconds)

    adapter = SignalAdapter(configured, sleep=pause)
    async with aiohttp.ClientSession() as http:
        transport = adapter.connect(application, http)
        await adapter.start()
        await daemon.wait_connected()
        try:
            yield Bot(application, daemon, adapter, application.sender({"signal": transport}), clock, pauses)
        finally:
            await adapter.stop()
            await application.inbox.idle()
    await application.close()
