"""Composition root: builds every part explicitly, in order. Nothing registers itself on import."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery import OutboxDrain, Transport
from bot.reply_writer import ReplyWriter
from bot.settings import Settings
from handlers.campaigns.model import load_campaigns
from handlers.clock import Clock, SystemClock
from handlers.outbox import Outbox
from handlers.router import Dispatcher, Routes
from handlers.routes import ROUTES
from handlers.services import Services
from handlers.types import Incoming, Reply
from messages.catalog import Catalog
from messages.services import load_directory
from storage.db import create_engine, create_sessionmaker, is_sqlite


@dataclass
class App:
    services: Services
    dispatcher: Dispatcher
    engine: AsyncEngine
    # SQLite has one writer: transactions of this process take turns (None on PostgreSQL).
    db_lock: asyncio.Lock | None = None
    writer: ReplyWriter = field(init=False)

    def __post_init__(self) -> None:
        self.writer = ReplyWriter(self.services, self.db_lock)

    async def handle(self, incoming: Incoming) -> int:
        """Route one update and queue its replies in the outbox; returns how many were queued."""
        async with self.db_lock or contextlib.nullcontext():
            replies = await self.dispatcher.dispatch(incoming)
        if replies:
            await self.post(incoming, replies)
        return len(replies)

    async def post(self, incoming: Incoming, replies: list[Reply]) -> None:
        """Queue ``replies`` (keyed by the update, so a repeated update adds nothing) and wake the
        sender; concurrent updates share one transaction (see bot/reply_writer.py)."""
        await self.writer.post(incoming, replies)

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
    db_lock = asyncio.Lock() if is_sqlite(settings.database_url) else None
    return App(services, Dispatcher(routes, services), engine, db_lock)
