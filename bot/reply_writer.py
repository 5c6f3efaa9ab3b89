"""Puts the replies of many concurrent updates into the outbox in one transaction (group commit).

One transaction per update made the database the limit of a busy bot: on SQLite every commit waits
for the single writer, on PostgreSQL every commit is a round trip and a WAL flush. Here each update's
``post`` joins a queue; whoever finds the writer idle becomes the leader and writes everything queued
so far in one transaction, then wakes the others. ``post`` still returns only once its own rows are
committed, so callers see the same guarantee as before, and a chat's updates (handled one after the
other by the adapters) keep their order.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.codec import reply_to_json
from handlers.services import Services
from handlers.types import ChatKind, Incoming, Reply
from storage.cache import RowCache, row_cache
from storage.chats import ensure_chat
from storage.inbox import mark_done
from storage.models import Chat
from storage.outbox import NewRow, enqueue_many

log = logging.getLogger(__name__)

ChatWant = tuple[str, str, str, str | None]  # platform, external id, kind, title: ensure_chat's inputs


@dataclass
class _Post:
    incoming: Incoming
    replies: list[Reply]
    inbox_id: int | None = None  # the update's inbox row, marked done with these replies
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    # Fixed once, so a batch written twice (after a cancelled leader) cannot double its rows.
    token: str = ""

    def __post_init__(self) -> None:
        self.token = self.incoming.delivery_id or self.incoming.message_id or uuid.uuid4().hex


def target_of(incoming: Incoming, reply: Reply) -> ChatWant:
    """The chat a reply goes to: its explicit target, the sender's private chat, or this chat."""
    if reply.target is not None:
        return (reply.target.platform, reply.target.chat_id, ChatKind.PRIVATE, None)
    if (reply.private_to_sender or reply.toast) and incoming.sender is not None:
        sender = incoming.sender
        return (incoming.platform, sender.external_id, ChatKind.PRIVATE, sender.display_name)
    return (incoming.platform, incoming.chat_id, incoming.chat_kind, incoming.chat_title)


class ReplyWriter:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._queue: list[_Post] = []
        self._busy = False
        self._idle = asyncio.Event()

    async def post(self, incoming: Incoming, replies: list[Reply], inbox_id: int | None = None) -> None:
        """Queue ``replies`` as outbox rows (and mark the inbox row done); returns once committed."""
        mine = _Post(incoming, replies, inbox_id)
        self._queue.append(mine)
        while not mine.done.done():
            if self._busy:
                self._idle.clear()
                await self._idle.wait()
            else:
                await self._lead(mine)
        mine.done.result()

    async def _lead(self, mine: _Post) -> None:
        batch, self._queue = self._queue, []
        self._busy = True
        try:
            await self._write_batch(batch)
        except asyncio.CancelledError:
            # The leader was cancelled mid-write: the others' posts go back for the next leader.
            self._queue[:0] = [post for post in batch if post is not mine and not post.done.done()]
            raise
        finally:
            self._busy = False
            self._idle.set()
        self._services.outbox.wake()

    async def _write_batch(self, batch: list[_Post]) -> None:
        try:
            await self._write(batch)
        except Exception as error:
            cache = row_cache(self._services.db)
            if cache is not None:
                cache.clear()  # a chat id it gave may be gone (deleted by another process)
            if len(batch) == 1:
                batch[0].done.set_exception(error)
                return
            # One bad update must not sink the others: write each on its own to find it.
            for post in batch:
                try:
                    await self._write([post])
                except Exception as single:
                    post.done.set_exception(single)
            return
        for post in batch:
            post.done.set_result(None)

    async def _write(self, batch: list[_Post]) -> None:
        cache = row_cache(self._services.db)
        generation = cache.generation if cache is not None else 0
        now = self._services.clock.now()
        async with self._services.db() as session:
            chats: dict[ChatWant, int] = {}
            created: list[Chat] = []
            rows = []
            for post in batch:
                for index, reply in enumerate(post.replies):
                    want = target_of(post.incoming, reply)
                    if want not in chats:
                        chats[want] = await self._chat_id(session, cache, want, created)
                    key = f"in:{post.incoming.platform}:{post.incoming.chat_id}:{post.token}:{index}"
                    rows.append(NewRow(chats[want], reply_to_json(reply), key))
            await enqueue_many(session, rows, now)
            await mark_done(session, [p.inbox_id for p in batch if p.inbox_id is not None], now)
            await session.commit()
        if cache is not None:
            for chat in created:
                cache.remember_chat(generation, chat)

    async def _chat_id(
        self, session: AsyncSession, cache: RowCache | None, want: ChatWant, created: list[Chat]
    ) -> int:
        platform, external_id, kind, title = want
        known = cache.chat(platform, external_id) if cache is not None else None
        if known is not None and (not title or known.title == title):
            return known.id
        chat = await ensure_chat(session, platform, external_id, kind, title, self._services.clock.now())
        created.append(chat)
        return chat.id
