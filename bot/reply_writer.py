"""Puts one update's replies into the outbox, in the transaction that handled the update.

The handler's rows, its replies' outbox rows and the inbox row's "done" mark commit together, so a
crash keeps all of them or none, and the inbox's retry of an unfinished update starts from nothing.
(This replaced a group-commit writer that gathered many updates' replies into one transaction of
its own: once handling and queueing share one transaction, there is nothing left to gather.)
Rows are keyed by the update, so a repeated update adds none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.codec import reply_to_json
from handlers.types import ChatKind, Incoming, Reply
from storage.chats import ensure_chat
from storage.inbox import mark_done
from storage.models import Chat
from storage.outbox import NewRow, enqueue_many

ChatWant = tuple[str, str, str, str | None]  # platform, external id, kind, title: ensure_chat's inputs
KnownChats = Mapping[tuple[str, str], Chat]  # (platform, external id) → the row this update resolved


def target_of(incoming: Incoming, reply: Reply) -> ChatWant:
    """The chat a reply goes to: its explicit target, the sender's private chat, or this chat."""
    if reply.target is not None:
        return (reply.target.platform, reply.target.chat_id, ChatKind.PRIVATE, None)
    if (reply.private_to_sender or reply.toast) and incoming.sender is not None:
        sender = incoming.sender
        return (incoming.platform, sender.external_id, ChatKind.PRIVATE, sender.display_name)
    return (incoming.platform, incoming.chat_id, incoming.chat_kind, incoming.chat_title)


async def write_replies(
    session: AsyncSession,
    incoming: Incoming,
    replies: list[Reply],
    inbox_id: int | None,
    now: datetime,
    known: KnownChats | None = None,
) -> None:
    """Add ``replies`` as outbox rows and mark ``inbox_id`` done, in ``session`` (the caller commits).

    ``known`` holds the chats the dispatcher already resolved in this transaction (the update's chat,
    the sender's private chat): a reply to one of them needs no second lookup."""
    token = incoming.delivery_id or incoming.message_id or uuid.uuid4().hex
    chats: dict[ChatWant, int] = {}
    rows = []
    for index, reply in enumerate(replies):
        want = target_of(incoming, reply)
        if want not in chats:
            chats[want] = await _chat_id(session, want, known or {}, now)
        key = f"in:{incoming.platform}:{incoming.chat_id}:{token}:{index}"
        rows.append(NewRow(chats[want], reply_to_json(reply), key))
    await enqueue_many(session, rows, now)
    if inbox_id is not None:
        await mark_done(session, [inbox_id], now)


def _live(session: AsyncSession, chat: Chat) -> bool:
    """Still a row: the handler may have deleted it (/vergeetmij deletes the private chat, and its
    answer goes to a new one)."""
    state = inspect(chat)
    return chat in session and not (state.deleted or state.was_deleted)


async def _chat_id(session: AsyncSession, want: ChatWant, known: KnownChats, now: datetime) -> int:
    platform, external_id, kind, title = want
    chat = known.get((platform, external_id))
    if chat is not None and _live(session, chat) and (not title or chat.title == title):
        return chat.id
    return (await ensure_chat(session, platform, external_id, kind, title, now)).id
