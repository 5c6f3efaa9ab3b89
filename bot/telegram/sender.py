"""A batched outbox sender: one read and one write transaction per batch, chats sent concurrently.

The foundation's :class:`OutboxDrain` opens a session per row and holds it across the network call;
under load that makes the database the bottleneck (and, on SQLite, a single writer waiting on HTTP).
This sender reads a batch of due rows, delivers them with no session open (each chat's rows in order,
different chats concurrently), then records every outcome with the drain's own rules
(:meth:`OutboxDrain.record`) in one transaction. It does not pace: the paced sender (Telegram's
30/s, 1/s per chat, 20/min per group) replaces it; a 429 still reschedules the row via RetryAfter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import ChatAddress, OutboxDrain, Outcome, Transient, Transport
from handlers.clock import Clock
from handlers.codec import reply_from_json
from handlers.types import Reply
from storage.models import Chat, OutboxMessage
from storage.outbox import due_rows, tracked_message_id

log = logging.getLogger(__name__)


@dataclass
class _Job:
    row_id: int
    chat: Chat
    reply: Reply
    edit_id: str | None
    outcome: Outcome | None = None


class BatchSender:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        transports: Mapping[str, Transport],
        clock: Clock,
        drain: OutboxDrain,
        batch: int = 200,
        db_lock: asyncio.Lock | None = None,
    ) -> None:
        self._db_lock = db_lock  # shared with the adapter on SQLite (one writer)
        self._sessionmaker = sessionmaker
        self._transports = transports
        self._clock = clock
        self._drain = drain  # for its outcome rules (record)
        self._batch = batch

    async def send_due(self) -> int:
        """Deliver one batch of due rows of our platforms; returns how many were attempted."""
        jobs = await self._load()
        if not jobs:
            return 0
        by_chat: dict[int, list[_Job]] = defaultdict(list)
        for job in jobs:
            by_chat[job.chat.id].append(job)
        await asyncio.gather(*(self._send_chat(chat_jobs) for chat_jobs in by_chat.values()))
        await self._record(jobs)
        return len(jobs)

    async def _load(self) -> list[_Job]:
        async with self._db_lock or contextlib.nullcontext(), self._sessionmaker() as session:
            rows = await due_rows(session, self._clock.now(), limit=self._batch)
            jobs = []
            for row, chat in rows:
                if chat.platform not in self._transports:
                    continue  # another process's platform: leave the row alone
                reply = reply_from_json(row.payload)
                edit_id = await tracked_message_id(session, chat.id, reply.edit) if reply.edit else None
                jobs.append(_Job(row.id, chat, reply, edit_id))
            return jobs

    async def _send_chat(self, jobs: list[_Job]) -> None:
        for job in jobs:  # one chat's messages in order
            transport = self._transports[job.chat.platform]
            address = ChatAddress(job.chat.external_id, job.chat.kind, job.chat.locale, job.chat.title)
            try:
                job.outcome = await transport.deliver(address, job.reply, job.edit_id)
            except Exception as exc:  # a transport bug must not lose the row
                log.exception("transport %s failed on outbox row %s", job.chat.platform, job.row_id)
                job.outcome = Transient(type(exc).__name__)

    async def _record(self, jobs: list[_Job]) -> None:
        async with self._db_lock or contextlib.nullcontext(), self._sessionmaker() as session:
            row_ids = [job.row_id for job in jobs]
            chat_ids = {job.chat.id for job in jobs}
            found = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids)))
            rows = {r.id: r for r in found}
            chats = {c.id: c for c in await session.scalars(select(Chat).where(Chat.id.in_(chat_ids)))}
            for job in jobs:
                row, chat = rows.get(job.row_id), chats.get(job.chat.id)
                if row is None or chat is None or job.outcome is None:
                    continue
                await self._drain.record(session, row, chat, job.reply, job.outcome)
            await session.commit()
