"""Composition root: builds every part explicitly, in order. Nothing registers itself on import."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.delivery import OutboxDrain, RetryPolicy, Transport
from bot.inbox import InboxWorker
from bot.metrics import Metrics
from bot.pacing import Budget, Budgets, Pacer, Pacing, Sleep
from bot.reply_writer import ReplyWriter
from bot.sender import PacedSender
from bot.shared_pacing import SharedPacer
from config.settings import Settings
from handlers.broadcasts import after_delivery
from handlers.campaigns.model import load_campaigns
from handlers.clock import Clock, SystemClock
from handlers.observer import NoObserver
from handlers.outbox import Outbox
from handlers.places.book import PlaceBook, read_streets
from handlers.router import Dispatcher, Routes
from handlers.routes import ROUTES
from handlers.services import Services
from handlers.types import Incoming, Platform, Reply
from messages.catalog import Catalog
from messages.services import load_directory
from storage.db import create_engine, create_sessionmaker, is_sqlite
from storage.worker_names import WorkerNames

log = logging.getLogger(__name__)


@dataclass
class App:
    services: Services
    dispatcher: Dispatcher
    engine: AsyncEngine
    # SQLite's one writer needs no lock here: storage/db.py makes this process's transactions
    # take turns on the event loop, so updates are routed concurrently between transactions.
    writer: ReplyWriter = field(init=False)
    # Durable intake: every platform stores its updates here and registers a row handler.
    inbox: InboxWorker = field(init=False)

    def __post_init__(self) -> None:
        self.writer = ReplyWriter(self.services)
        self.inbox = InboxWorker(self.services, {})

    async def handle(self, incoming: Incoming, inbox_id: int | None = None) -> int:
        """Route one update and queue its replies in the outbox; returns how many were queued.

        ``inbox_id`` is the update's inbox row (storage/inbox.py): it is marked done in the same
        transaction as the replies, so a crash either keeps both or neither."""
        started = time.perf_counter()  # real seconds on purpose: latency is what a user waits
        queued = await self._handle(incoming, inbox_id)
        self.services.observer.update_handled(incoming.platform.value, time.perf_counter() - started)
        return queued

    async def _handle(self, incoming: Incoming, inbox_id: int | None) -> int:
        try:
            replies = await self.dispatcher.dispatch(incoming)
        except Exception:
            if inbox_id is not None:
                raise  # the database was away: the inbox tries this update again later
            log.exception("update not handled: the database was away")
            replies = [Reply.say("error.generic")]  # no inbox row to retry (the console)
        if replies or inbox_id is not None:
            await self.post(incoming, replies, inbox_id)
        return len(replies)

    async def handle_button(self, incoming: Incoming, inbox_id: int | None = None) -> list[Reply]:
        """Like :meth:`handle` for a button press on a platform with toasts: the toast replies are
        returned (the adapter shows them as the press's answer), the rest is queued (and the inbox
        row marked done with them)."""
        replies = await self.dispatcher.dispatch(incoming)
        rest = [reply for reply in replies if not reply.toast]
        if rest or inbox_id is not None:
            await self.post(incoming, rest, inbox_id)
        return [reply for reply in replies if reply.toast]

    async def post(self, incoming: Incoming, replies: list[Reply], inbox_id: int | None = None) -> None:
        """Queue ``replies`` (keyed by the update, so a repeated update adds nothing) and wake the
        sender; concurrent updates share one transaction (see bot/reply_writer.py)."""
        await self.writer.post(incoming, replies, inbox_id)

    def drain(self, transports: Mapping[str, Transport]) -> OutboxDrain:
        retry = RetryPolicy(max_attempts=self.services.settings.outbox_max_attempts)
        return OutboxDrain(
            self.services.db,
            transports,
            self.services.clock,
            retry,
            self._on_recorded,
            self.services.observer,
        )

    async def _on_recorded(self, session: AsyncSession, broadcast_ids: set[int]) -> bool:
        return await after_delivery(self.services, session, broadcast_ids)

    def telegram_budgets(self) -> Budgets:
        """Telegram's budgets from the settings (overall, per chat, per group)."""
        settings = self.services.settings
        return Budgets(
            # A burst of 1 % of a second's budget lets the bucket catch up after a busy moment.
            overall=Budget(
                settings.outbox_rate_per_second, max(1, round(settings.outbox_rate_per_second / 100))
            ),
            per_chat=Budget(settings.outbox_per_chat_per_second, settings.outbox_chat_burst),
            per_group=Budget(settings.outbox_per_group_per_minute / 60.0),
        )

    def telegram_pacer(self) -> Pacing:
        """One process's budgets on SQLite; on PostgreSQL one budget shared by every sender worker
        (``buurtbot run`` and each ``buurtbot send``), since Telegram counts per bot token."""
        budgets = self.telegram_budgets()
        # Real time on purpose: budgets are about real seconds on the wire. The injected clock
        # (tests' FakeClock) only decides when rows are due, never how fast they leave.
        if is_sqlite(self.services.settings.database_url):
            return Pacer(budgets, SystemClock())
        return SharedPacer(self.services.db, Platform.TELEGRAM.value, budgets, SystemClock())

    def sender(
        self,
        transports: Mapping[str, Transport],
        *,
        sleep: Sleep = asyncio.sleep,
        batch: int = 200,
    ) -> PacedSender:
        """The paced sender for these transports; Telegram is paced here, WhatsApp paces itself."""
        settings = self.services.settings
        pacers = {Platform.TELEGRAM.value: self.telegram_pacer()} if Platform.TELEGRAM in transports else {}
        return PacedSender(
            self.services.db,
            transports,
            self.services.clock,
            self.drain(transports),
            pacers,
            self.services.outbox,
            worker=settings.outbox_worker_id or None,
            lease_seconds=settings.outbox_lease_seconds,
            batch=batch,
            sleep=sleep,
            on_recorded=self._on_recorded,
            names=WorkerNames(self.engine, settings.database_url),
        )

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
        places=PlaceBook(streets=_streets(settings)),
        observer=Metrics() if settings.metrics_enabled else NoObserver(),
    )
    return App(services, Dispatcher(routes, services), engine)


def _streets(settings: Settings) -> dict[str, str]:
    """STREETS_FILE, read once at start-up (a missing file is a settings error, said at start)."""
    if not settings.streets_file:
        return {}
    return read_streets(Path(settings.streets_file).read_text(encoding="utf-8-sig"))
