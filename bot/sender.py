"""The one outbox sender: claims due rows with a lease, sends them within the budgets, records.

Every message of every platform leaves here: replies (written by ``bot.reply_writer``), alerts and
campaigns (``services.outbox.enqueue``) are all outbox rows. :meth:`PacedSender.run` is the one send
loop of a process (``buurtbot run`` and each ``buurtbot send``; several processes may share one
PostgreSQL outbox); :meth:`PacedSender.drain` delivers what is due now, unpaced, for the console, the
tests and one-shot tools, with the same delivery and outcome code. Rows are claimed in batches
(``storage.outbox_claims``); each chat's rows go in order through one small task that books a slot
with the chat's platform :class:`~bot.pacing.Pacing` (in this process on SQLite, shared by all
workers in PostgreSQL: ``bot.shared_pacing``), waits for it and sends. No database
transaction is open during a network call: outcomes are collected and written in short batches by
a recorder, with the one outcome policy (``bot.delivery.record_outcome``: 429 → later, for that
chat only; 5xx/timeouts → backoff up to the limit, then failed; 403 → chat inactive; migrated →
moved, sent again).
A recorded delivery is final; a crash between a send and its record can repeat at most the
messages that were in flight at that moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import (
    OUTCOME_NAMES,
    ChatAddress,
    ChatGone,
    Migrated,
    OnRecorded,
    Outcome,
    RetryAfter,
    RetryPolicy,
    Sent,
    Transient,
    Transport,
    fail,
    record_outcome,
)
from bot.pacing import Pacing, Sleep
from handlers.clock import Clock
from handlers.codec import reply_from_json
from handlers.observer import NoObserver, Observer
from handlers.outbox import Outbox
from handlers.types import ChatKind, Reply
from storage import outbox_claims as claims
from storage.models import Chat, OutboxMessage, OutboxStatus
from storage.outbox import due_rows, tracked_message_id
from storage.worker_names import WorkerNames

log = logging.getLogger(__name__)

RECORD_EVERY = 0.05  # seconds between the recorder's writes under load
TRACKED_LIMIT = 10_000


def new_worker_id() -> str:
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class _Job:
    row_id: int
    broadcast_id: int | None
    chat_id: int
    platform: str
    address: ChatAddress
    reply: Reply
    edit_id: str | None

    @property
    def is_group(self) -> bool:
        return self.address.kind != ChatKind.PRIVATE


@dataclass
class _Pending:
    """What the recorder still has to write."""

    outcomes: list[tuple[_Job, Outcome]] = field(default_factory=list)
    releases: list[tuple[int, datetime | None]] = field(default_factory=list)


class PacedSender:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        transports: Mapping[str, Transport],
        clock: Clock,
        retry: RetryPolicy | None = None,
        on_recorded: OnRecorded | None = None,
        *,
        pacers: Mapping[str, Pacing] | None = None,
        outbox: Outbox | None = None,
        worker: str | None = None,
        lease_seconds: float = 60.0,
        batch: int = 200,
        sleep: Sleep = asyncio.sleep,
        names: WorkerNames | None = None,
        observer: Observer | None = None,
    ) -> None:
        self._db = sessionmaker
        self._observer = observer or NoObserver()  # monitoring (/metrics): one call per outcome
        self._transports = transports
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._pacers = dict(pacers or {})  # per platform (its adapter's budgets); none: unpaced
        self._outbox = outbox or Outbox(clock)
        # With ``names`` the worker id is taken (and locked) when the loop starts: ``worker`` is then
        # the configured name or None for the first free stable one (storage/worker_names.py).
        self._names = names
        self._configured = worker
        self.worker = worker or new_worker_id()
        self._lease = timedelta(seconds=lease_seconds)
        self._batch = batch
        self._sleep = sleep
        self._on_recorded = on_recorded
        self._queues: dict[int, deque[_Job]] = {}
        self._runners: dict[int, asyncio.Task[None]] = {}
        self._in_flight: set[int] = set()  # chat ids with a network call under way
        self._gates: dict[str, asyncio.Queue[asyncio.Future[None]]] = {}
        # Rows this worker holds (queued, or sent and not yet recorded): never queued twice, even
        # when a lease ran out meanwhile (a stalled database, or a test's clock jumping ahead).
        self._held: set[int] = set()
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self._pending = _Pending()
        # (chat id, track) → message id of what this worker sent: an edit claimed before the
        # recorder wrote its message's row would otherwise go out as a new message.
        self._tracked: dict[tuple[int, str], str] = {}
        self._recorded = asyncio.Event()
        self._room = asyncio.Event()
        self._written = asyncio.Event()
        self._stopping = False
        self._renewed_at = clock.now()
        self.sent = 0

    # -- the loop ---------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; then finish the sends under way and give back the rest."""
        self._stopping = False
        if self._names is not None:
            self.worker = await self._names.take(self._configured)
        try:
            await self._run(stop)
        finally:
            if self._names is not None:
                await self._names.close()

    async def _run(self, stop: asyncio.Event) -> None:
        await self.recover()
        recorder = asyncio.create_task(self._record_loop(), name="outbox-recorder")
        stopper = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                try:
                    claimed = await self._claim_more()
                except Exception:
                    log.exception("outbox claim failed; trying again")
                    claimed = 0
                if claimed == 0 or self.outstanding > self._batch // 2:
                    await self._idle(stopper)
        finally:
            await self._shutdown()
            stopper.cancel()
            self._recorded.set()  # the recorder sees _stopping, writes what is left and ends
            with contextlib.suppress(Exception):
                await recorder
            await self._flush()

    async def recover(self) -> int:
        """Start-up: leases of dead workers (expired, this worker id's own from before a restart, or
        held by a name no live worker holds) become claimable at once; returns how many."""
        async with self._db() as session:
            count = await claims.release_expired(session, self._clock.now())
            own = await self._own_claims(session)
            await claims.release(session, self.worker, own)
            count += len(own) + await self._release_dead(session)
            await session.commit()
        if count:
            log.info("outbox: %s rows of a stopped sender are due again", count)
        return count

    async def _release_dead(self, session: AsyncSession) -> int:
        """Rows leased by workers that are gone (their name is not locked): due again now."""
        if self._names is None:
            return 0
        holders = await claims.leaseholders(session, self._clock.now())
        count = 0
        for name in await self._names.dead(holders - {self.worker}):
            count += await claims.release_worker(session, name)
        return count

    async def _own_claims(self, session: AsyncSession) -> list[int]:
        rows = await session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.claimed_by == self.worker, OutboxMessage.status == OutboxStatus.PENDING
            )
        )
        return list(rows)

    @property
    def outstanding(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    async def _idle(self, stopper: asyncio.Task[bool]) -> None:
        """Wait for room (sends finished), new work (Outbox.wake) or a poll tick, whichever first."""
        self._room.clear()
        waits = [asyncio.ensure_future(self._room.wait()), asyncio.ensure_future(self._outbox.wait(1.0))]
        try:
            await asyncio.wait([*waits, stopper], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    async def _claim_more(self) -> int:
        room = self._batch - self.outstanding
        if room <= self._batch // 2:
            return 0
        now = self._clock.now()
        async with self._db() as session:
            rows = await claims.claim_due(
                session,
                now=now,
                lease_until=now + self._lease,
                worker=self.worker,
                platforms=list(self._transports),
                limit=room,
            )
            jobs = [await self._job(session, row, chat) for row, chat in rows]
            await session.commit()
        for job in jobs:
            self._queue(job)
        return len(jobs)

    @staticmethod
    async def _job(session: AsyncSession, row: OutboxMessage, chat: Chat) -> _Job:
        reply = reply_from_json(row.payload)
        edit_id = await tracked_message_id(session, chat.id, reply.edit) if reply.edit else None
        address = ChatAddress(chat.external_id, chat.kind, chat.locale, chat.title)
        return _Job(row.id, row.broadcast_id, chat.id, chat.platform, address, reply, edit_id)

    def _queue(self, job: _Job) -> None:
        if job.row_id in self._held:
            return
        self._held.add(job.row_id)
        queue = self._queues.setdefault(job.chat_id, deque())
        queue.append(job)
        if job.chat_id not in self._runners:
            self._runners[job.chat_id] = asyncio.create_task(self._run_chat(job.chat_id))

    # -- one chat ---------------------------------------------------------------------------------
    async def _run_chat(self, chat_id: int) -> None:
        """This chat's rows, in order, each in its booked slot."""
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopping:
                job = queue[0]
                pacer = self._pacers.get(job.platform)
                if pacer is not None:
                    await self._wait_for_slot(pacer, job)
                if self._stopping:
                    break
                self._in_flight.add(chat_id)
                try:
                    outcome = await self._deliver(job)
                finally:
                    self._in_flight.discard(chat_id)
                queue.popleft()
                self._done(job, outcome)
                self._after(job, outcome, queue, pacer)
        except asyncio.CancelledError:
            pass  # stopping while waiting for a slot: the rows are given back below
        finally:
            self._pending.releases.extend((job.row_id, None) for job in queue)
            queue.clear()
            del self._queues[chat_id]
            del self._runners[chat_id]
            self._room.set()
            self._recorded.set()

    async def _wait_for_slot(self, pacer: Pacing, job: _Job) -> None:
        """Wait for this chat's booked slot, then for a token of the overall budget."""
        wait = await pacer.book(job.address.external_id, job.is_group)
        if wait > 0:
            await self._sleep(wait)
        if not self._stopping:
            await self._gate(job.platform, pacer)
            pacer.sent(job.address.external_id, job.is_group)

    async def _gate(self, platform: str, pacer: Pacing) -> None:
        """Queue for the platform's overall budget; one pump hands out tokens in arrival order,
        so hundreds of waiting chats cost one timer, not hundreds."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._gates.setdefault(platform, asyncio.Queue())
        if platform not in self._pumps or self._pumps[platform].done():
            self._pumps[platform] = asyncio.create_task(self._pump(queue, pacer))
        queue.put_nowait(waiter)
        await waiter

    async def _pump(self, queue: asyncio.Queue[asyncio.Future[None]], pacer: Pacing) -> None:
        while True:
            waiters = [await queue.get()]
            while len(waiters) < pacer.batch and not queue.empty():
                waiters.append(queue.get_nowait())
            await pacer.admit(waiters, self._sleep)

    async def _deliver(self, job: _Job) -> Outcome:
        transport = self._transports[job.platform]
        edit_id = job.edit_id
        if edit_id is None and job.reply.edit:
            edit_id = self._tracked.get((job.chat_id, job.reply.edit))
        try:
            return await transport.deliver(job.address, job.reply, edit_id)
        except Exception as exc:  # a transport bug must not lose the row
            log.exception("transport %s failed on outbox row %s", job.platform, job.row_id)
            return Transient(type(exc).__name__)

    def _after(self, job: _Job, outcome: Outcome, queue: deque[_Job], pacer: Pacing | None) -> None:
        """What an outcome means for the chat's other queued rows."""
        match outcome:
            case Sent(message_id):
                self.sent += 1
                track = job.reply.track or job.reply.edit
                if track:
                    if len(self._tracked) >= TRACKED_LIMIT:
                        self._tracked.clear()  # bounded; the database has them all
                    self._tracked[(job.chat_id, track)] = message_id
            case RetryAfter(seconds):
                # Only this chat waits; its later rows keep their order behind the throttled one.
                if pacer is not None:
                    pacer.block(job.address.external_id, seconds)
                later = self._clock.now() + timedelta(seconds=seconds)
                self._pending.releases.extend((other.row_id, later) for other in queue)
                queue.clear()
            case ChatGone():
                # The bot is out of this chat: the rest fails the same way without asking again.
                self._pending.outcomes.extend((other, outcome) for other in queue)
                queue.clear()
            case Migrated():
                # Give the rest back: the next claim reads the chat's new id.
                self._pending.releases.extend((other.row_id, None) for other in queue)
                queue.clear()

    def _done(self, job: _Job, outcome: Outcome) -> None:
        self._pending.outcomes.append((job, outcome))
        self._recorded.set()
        self._room.set()

    async def wait_recorded(self, limit: float = 1.0) -> None:
        """Return after the recorder's next write (or ``limit`` seconds)."""
        self._written.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._written.wait(), limit)

    # -- recording --------------------------------------------------------------------------------
    async def _record_loop(self) -> None:
        """Write outcomes as they come; what piles up during one write goes in the next."""
        renew_every = self._lease.total_seconds() / 3
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._recorded.wait(), renew_every)
            self._recorded.clear()
            try:
                await self._flush()
            except Exception:
                log.exception("outbox recorder failed; trying again")
            if self._stopping and not self._runners:
                return
            # Let outcomes gather a moment: one write per ~50 ms instead of one per send keeps the
            # event loop free for sending (a crash can then repeat at most these few messages).
            await asyncio.sleep(RECORD_EVERY)

    async def _flush(self) -> None:
        pending, self._pending = self._pending, _Pending()
        now = self._clock.now()
        renew = now - self._renewed_at >= self._lease / 3
        if not pending.outcomes and not pending.releases and not renew:
            return
        try:
            more_work = await self._write(pending, now, renew)
        except BaseException:
            # Keep what was not written for the next try (the leases protect the rows meanwhile).
            self._pending.outcomes[:0] = pending.outcomes
            self._pending.releases[:0] = pending.releases
            raise
        if renew:
            self._renewed_at = now
        self._held.difference_update(job.row_id for job, _ in pending.outcomes)
        self._held.difference_update(row_id for row_id, _ in pending.releases)
        self._written.set()
        if more_work:
            self._outbox.wake()

    async def _write(self, pending: _Pending, now: datetime, renew: bool) -> bool:
        async with self._db() as session:
            broadcasts = await self._apply(session, pending.outcomes)
            for row_id, later in pending.releases:
                await claims.release(session, self.worker, [row_id], later)
            more_work = bool(pending.releases)
            if renew:
                waiting = [job.row_id for queue in self._queues.values() for job in queue]
                await claims.renew(session, self.worker, waiting, now + self._lease)
                more_work = await self._release_dead(session) > 0 or more_work
            if broadcasts and self._on_recorded is not None:
                more_work = await self._on_recorded(session, broadcasts) or more_work
            await session.commit()
        return more_work

    async def _apply(self, session: AsyncSession, outcomes: list[tuple[_Job, Outcome]]) -> set[int]:
        if not outcomes:
            return set()
        row_ids = [job.row_id for job, _ in outcomes]
        rows = {
            r.id: r for r in await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids)))
        }
        chat_ids = {job.chat_id for job, _ in outcomes}
        chats = {c.id: c for c in await session.scalars(select(Chat).where(Chat.id.in_(chat_ids)))}
        broadcasts: set[int] = set()
        for job, outcome in outcomes:
            row, chat = rows.get(job.row_id), chats.get(job.chat_id)
            if row is None or chat is None or row.status != OutboxStatus.PENDING:
                continue
            await record_outcome(session, row, chat, job.reply, outcome, self._clock.now(), self._retry)
            failed = row.status == OutboxStatus.FAILED
            self._observer.delivery(chat.platform, OUTCOME_NAMES[type(outcome)], failed)
            row.claimed_by, row.claimed_until = None, None
            if job.broadcast_id is not None:
                broadcasts.add(job.broadcast_id)
        await session.flush()
        return broadcasts

    # -- unpaced: what is due now ---------------------------------------------------------------
    async def drain(self, limit: int = 1000) -> int:
        """Deliver every row that is due now, one by one and unpaced (the console, tests, one-shot
        tools); returns how many were attempted. Not to be run beside :meth:`run` on one outbox."""
        attempted = 0
        while attempted < limit:
            async with self._db() as session:
                batch = await due_rows(session, self._clock.now(), limit=min(100, limit - attempted))
            if not batch:
                break
            for row, _chat in batch:
                await self._deliver_now(row.id)
                attempted += 1
        return attempted

    async def _deliver_now(self, row_id: int) -> None:
        """One row: read it, send it, record it. No transaction is held across the network call."""
        async with self._db() as session:
            row = await session.get(OutboxMessage, row_id)
            chat = await session.get(Chat, row.chat_id) if row is not None else None
            if row is None or chat is None or row.status != OutboxStatus.PENDING:
                return
            if chat.platform not in self._transports:
                fail(row, f"no transport for {chat.platform}")
                await session.commit()
                return
            job = await self._job(session, row, chat)
        outcome = await self._deliver(job)
        if isinstance(outcome, Sent):
            self._after(job, outcome, deque(), None)  # remembers what it tracks, counts it
        async with self._db() as session:
            broadcasts = await self._apply(session, [(job, outcome)])
            if broadcasts and self._on_recorded is not None:
                await self._on_recorded(session, broadcasts)
            await session.commit()

    # -- stopping ---------------------------------------------------------------------------------
    async def _shutdown(self) -> None:
        """Let network calls under way finish (and be recorded); rows still waiting go back."""
        self._stopping = True
        for chat_id, runner in list(self._runners.items()):
            if chat_id not in self._in_flight:
                runner.cancel()
        runners = list(self._runners.values())
        if runners:
            await asyncio.gather(*runners, return_exceptions=True)
        for pump in self._pumps.values():
            pump.cancel()
        self._pumps.clear()
        # A runner cancelled before its first step never ran its cleanup: give its rows back here.
        for chat_id in list(self._runners):
            queue = self._queues.pop(chat_id, deque())
            self._pending.releases.extend((job.row_id, None) for job in queue)
            del self._runners[chat_id]


async def send_until(sender: PacedSender, done: Callable[[], Awaitable[bool]], limit: float = 60.0) -> None:
    """Run ``sender`` until ``done()`` holds after a recorded batch (tests, benchmarks, one-shot CLI)."""
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        async with asyncio.timeout(limit):  # a safety net against a hung run, not a pause
            while not task.done() and not await done():
                await sender.wait_recorded()
    finally:
        stop.set()
        await task
