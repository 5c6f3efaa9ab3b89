"""Handles stored updates (storage/inbox.py): fresh ones at once, unfinished ones at start-up and on a timer.

The intake (a webhook, long polling) stores an update and hands the new row here; it is handled on
a task of its own (at most ``concurrency`` at a time; the platform adapter keeps each chat in order).
A platform's row handler routes the update with ``App.handle(..., inbox_id=row.id)``, which marks the
row done in the transaction that queues its replies. A row whose handling raises is retried with
backoff (the injected clock decides when it is due) and parked as dead after ``max_attempts`` tries;
when even recording the failure fails (the database is gone), the row keeps its lease and the timer
takes it up again after the lease: nothing the platform got a 200 for is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from handlers.services import Services
from storage.db import durable
from storage.inbox import InboxRow, NewInbound, claim_due, mark_done, record_failure, store

log = logging.getLogger(__name__)

# A platform's handler: True when it routed the row through App.handle (which marked it done),
# False when there was nothing to route (the worker marks it done).
RowHandler = Callable[[InboxRow], Awaitable[bool]]
# More work for the intake transaction (WhatsApp records delivery statuses there).
AlsoInTransaction = Callable[[AsyncSession], Awaitable[None]]

SWEEP_SECONDS = 5.0  # how often unfinished rows are looked for (real time; due-ness is the clock's)
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_FACTOR = 3.0
BACKOFF_MAX_SECONDS = 600.0


def worker_id(settings: Settings) -> str:
    """Stable across restarts (a restart resumes its own rows at once) and distinct per process on a
    host: several webhook processes behind one URL listen on different ports."""
    return (settings.outbox_worker_id or f"{socket.gethostname()}:{settings.port}")[:80]


def backoff(attempts: int) -> timedelta:
    """5 s, 15 s, 45 s, … after the 1st, 2nd, 3rd failure, at most 10 minutes."""
    seconds = BACKOFF_BASE_SECONDS * BACKOFF_FACTOR ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


class InboxWorker:
    def __init__(
        self,
        services: Services,
        handlers: Mapping[str, RowHandler],
        *,
        worker: str | None = None,
        concurrency: int = 64,
    ) -> None:
        settings = services.settings
        self._services = services
        self._handlers = dict(handlers)
        self.worker = worker or worker_id(settings)
        self.lease = timedelta(seconds=settings.inbox_lease_seconds)
        self.max_attempts = settings.inbox_max_attempts
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.handled = 0  # handling attempts finished by this process (benchmarks count them)

    def add_handler(self, platform: str, handler: RowHandler) -> None:
        self._handlers[platform] = handler

    async def take(self, items: list[NewInbound], also: AlsoInTransaction | None = None) -> list[InboxRow]:
        """Store updates in one transaction and start handling the new ones; returns those (a
        redelivery is not among them). Raises when the commit fails: then do not acknowledge."""
        now = self._services.clock.now()
        with durable():  # the platform hears "stored" after this: it must survive a power cut too
            async with self._services.db() as session:
                rows = await store(session, items, now, self.worker, self.lease)
                if also is not None:
                    await also(session)
                await session.commit()
        self.submit(rows)
        return rows

    def submit(self, rows: list[InboxRow]) -> None:
        """Handle these rows (just stored or just claimed) on their own tasks, in the given order."""
        for row in rows:
            if row.id in self._in_flight:
                continue
            self._in_flight.add(row.id)
            task = asyncio.get_running_loop().create_task(self._run(row), name=f"inbox-{row.id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, row: InboxRow) -> None:
        try:
            async with self._slots:
                await self._handle(row)
        finally:
            self._in_flight.discard(row.id)
            self.handled += 1

    async def _handle(self, row: InboxRow) -> None:
        handler = self._handlers.get(row.platform)
        try:
            if handler is None:
                raise LookupError(f"no handler for platform {row.platform}")
            if not await handler(row):
                async with self._services.db() as session:
                    await mark_done(session, [row.id], self._services.clock.now())
                    await session.commit()
        except Exception as error:
            await self._failed(row, error)

    async def _failed(self, row: InboxRow, error: Exception) -> None:
        # The class name only: exception text may quote a resident's words or a query's values.
        reason = type(error).__name__
        attempts = row.attempts + 1
        now = self._services.clock.now()
        retry_at = None if attempts >= self.max_attempts else now + backoff(attempts)
        log.warning(
            "inbox row %s (%s) failed, attempt %d/%d: %s%s",
            row.id, row.platform, attempts, self.max_attempts, reason,
            "" if retry_at else "; parked as dead (buurtbot inbox)",
        )  # fmt: skip
        try:
            async with self._services.db() as session:
                await record_failure(session, row.id, reason, now, retry_at)
                await session.commit()
        except Exception as recording:
            # The database is away: the row keeps its lease, and the timer resumes it after that.
            log.warning("inbox row %s: failure not recorded (%s)", row.id, type(recording).__name__)

    async def resume(self, *, own_too: bool = False) -> int:
        """Claim the rows that are due (after a crash, a failure's backoff, a lapsed lease) and handle
        them; ``own_too`` also takes back this worker's rows from before a restart. Returns how many."""
        now = self._services.clock.now()
        async with self._services.db() as session:
            rows = await claim_due(session, now, self.worker, self.lease, own_too=own_too)
            await session.commit()
        rows = [row for row in rows if row.id not in self._in_flight]
        self.submit(rows)
        if rows:
            log.info("inbox: resumed %d unfinished updates", len(rows))
        return len(rows)

    async def run(self, stop: asyncio.Event, interval: float = SWEEP_SECONDS) -> None:
        """Resume at start-up, then every ``interval`` seconds until ``stop``."""
        own_too = True
        while not stop.is_set():
            try:
                await self.resume(own_too=own_too)
                own_too = False
            except Exception as error:  # the database is away; the next round tries again
                log.warning("inbox: could not look for unfinished updates (%s)", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def idle(self) -> None:
        """Wait until every row handed to this worker so far is finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
