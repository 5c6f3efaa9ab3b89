"""Composition root: builds every part explicitly, in order. Nothing registers itself on import."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.delivery import OutboxDrain, Transport
from bot.settings import Settings
from handlers.campaigns.model import load_campaigns
from handlers.clock import Clock, SystemClock
from handlers.outbox import Outbox
from handlers.router import Dispatcher, Routes
from handlers.routes import ROUTES
from handlers.services import Services
from handlers.types import ChatKind, Incoming, Reply
from messages.catalog import Catalog
from messages.services import load_directory
from storage.chats import ensure_chat
from storage.db import create_engine, create_sessionmaker
from storage.models import Chat


@dataclass
class App:
    services: Services
    dispatcher: Dispatcher
    engine: AsyncEngine

    async def handle(self, incoming: Incoming) -> int:
        """Route one update and queue its replies in the outbox; returns how many were queued."""
        replies = await self.dispatcher.dispatch(incoming)
        if replies:
            await self.post(incoming, replies)
        return len(replies)

    async def post(self, incoming: Incoming, replies: list[Reply]) -> None:
        token = incoming.delivery_id or incoming.message_id or uuid.uuid4().hex
        async with self.services.db() as session:
            for index, reply in enumerate(replies):
                chat = await self._target_chat(session, incoming, reply)
                key = f"in:{incoming.platform}:{incoming.chat_id}:{token}:{index}"
                await self.services.outbox.enqueue(session, chat, reply, key)
            await session.commit()
        self.services.outbox.wake()

    async def _target_chat(self, session: AsyncSession, incoming: Incoming, reply: Reply) -> Chat:
        now = self.services.clock.now()
        if reply.target is not None:
            return await ensure_chat(
                session, reply.target.platform, reply.target.chat_id, ChatKind.PRIVATE, None, now
            )
        if reply.private_to_sender and incoming.sender is not None:
            return await ensure_chat(
                session,
                incoming.platform,
                incoming.sender.external_id,
                ChatKind.PRIVATE,
                incoming.sender.display_name,
                now,
            )
        return await ensure_chat(
            session, incoming.platform, incoming.chat_id, incoming.chat_kind, incoming.chat_title, now
        )

    def drain(self, transports: Mapping[str, Transport]) -> OutboxDrain:
        return OutboxDrain(self.services.db, transports, self.services.clock)

    async def close(self) -> None:
        await self.engine.dispose()


def build_app(settings: Settings, clock: Clock | None = None, routes: Routes = ROUTES) -> App:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    services = Services(
        settings=settings,
        catalog=Catalog.load(default_locale=settings.default_locale),
        clock=clock,
        db=create_sessionmaker(engine),
        outbox=Outbox(clock),
        directory=load_directory(Path(settings.services_file) if settings.services_file else None),
        campaigns=load_campaigns(),
    )
    return App(services, Dispatcher(routes, services), engine)
