"""Composition root: builds every part explicitly, in order. Nothing registers itself on import."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.delivery import RetryPolicy, Transport
from bot.inbox import InboxWorker
from bot.metrics import Metrics
from bot.pacing import Budgets, Pacer, Pacing, Sleep
from bot.reply_writer import write_replies
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
from handlers.types import Incoming, Reply
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
    # Durable intake: every platform stores its updates here and registers a row handler.
    inbox: InboxWorker = field(init=False)

    def __post_init__(self) -> None:
        self.inbox = InboxWorker(self.services, {})

    async def handle(self, incoming: Incoming, inbox_id: int | None = None) -> int:
        """Route one update and queue its replies in the outbox; returns how many were queued.

        One transaction: the dispatcher resolves who is speaking and runs the handler in it, the
        replies become outbox rows in it and ``inbox_id`` (the update's inbox row, storage/inbox.py)
        is marked done in it, so a crash keeps all of it or none and a retry files nothing twice."""
        try:
            replies = await self._handle(incoming, inbox_id)
        except Exception:
            if inbox_id is not None:
                raise  # the database was away: the inbox tries this update again later
            log.exception("update not handled: the database was away")
            replies = [Reply.say("error.generic")]  # no inbox row to retry (the console)
            await self.post(incoming, replies)
        return len(replies)

    async def handle_button(self, incoming: Incoming, inbox_id: int | None = None) -> list[Reply]:
        """Like :meth:`handle` for a button press on a platform with toasts: the toast replies are
        returned (the adapter shows them as the press's answer), the rest is queued (and the inbox
        row marked done with them)."""
        replies = await self._handle(incoming, inbox_id, keep=lambda reply: not reply.toast)
        return [reply for reply in replies if reply.toast]

    async def _handle(
        self, incoming: Incoming, inbox_id: int | None, keep: Callable[[Reply], bool] = lambda _: True
    ) -> list[Reply]:
        started = time.perf_counter()  # real seconds on purpose: latency is what a user waits
        now = self.services.clock.now()
        async with self.services.db() as session:
            handled = await self.dispatcher.handle(session, incoming)
            queued = [reply for reply in handled.replies if keep(reply)]
            await write_replies(session, incoming, queued, inbox_id, now, handled.chats)
            await session.commit()
        if queued:
            self.services.outbox.wake()
        self.services.observer.update_handled(incoming.platform.value, time.perf_counter() - started)
        return handled.replies

    async def post(self, incoming: Incoming, replies: list[Reply], inbox_id: int | None = None) -> None:
        """Queue ``replies`` for ``incoming`` in a transaction of their own (keyed by the update, so a
        repeated update adds nothing) and wake the sender."""
        async with self.services.db() as session:
            await write_replies(session, incoming, replies, inbox_id, self.services.clock.now())
            await session.commit()
        self.services.outbox.wake()

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.services.settings.outbox_max_attempts)

    async def _on_recorded(self, session: AsyncSession, broadcast_ids: set[int]) -> bool:
        return await after_delivery(self.services, session, broadcast_ids)

    def pacer(self, platform: str, budgets: Budgets) -> Pacing:
        """One process's budgets on SQLite; on PostgreSQL one budget per platform shared by every
        sender worker (``buurtbot run`` and each ``buurtbot send``), since platforms count per token."""
        # Real time on purpose: budgets are about real seconds on the wire. The injected clock
        # (tests' FakeClock) only decides when rows are due, never how fast they leave.
        if is_sqlite(self.services.settings.database_url):
            return Pacer(budgets, SystemClock())
        return SharedPacer(self.services.db, platform, budgets, SystemClock())

    def sender(
        self,
        transports: Mapping[str, Transport],
        *,
        budgets: Mapping[str, Budgets | None] | None = None,
        sleep: Sleep = asyncio.sleep,
        batch: int = 200,
    ) -> PacedSender:
        """The one outbox sender for these transports, each platform paced by its adapter's budgets
        (``budgets``; by default asked from the adapters in ``bot.adapters.ADAPTERS``)."""
        settings = self.services.settings
        if budgets is None:
            from bot.adapters import adapter_budgets  # the adapters import this module

            budgets = adapter_budgets(settings, transports)
        pacers = {p: self.pacer(p, b) for p, b in budgets.items() if b is not None and p in transports}
        return PacedSender(
            self.services.db,
            transports,
            self.services.clock,
            self.retry_policy(),
            self._on_recorded,
            pacers=pacers,
            outbox=self.services.outbox,
            worker=settings.outbox_worker_id or None,
            lease_seconds=settings.outbox_lease_seconds,
            batch=batch,
            sleep=sleep,
            names=WorkerNames(self.engine, settings.database_url),
            observer=self.services.observer,
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
