"""Telegram ``Update`` → neutral :class:`Incoming`. Pure functions: no I/O, no clock, no globals.

Only what the bot acts on becomes an ``Incoming``; every other update kind (channel posts, inline
queries, reactions, polls, boosts, kinds newer than our PTB …) maps to ``None`` and is ignored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, Update, User
from telegram.constants import ChatID

from handlers.clean import clean_incoming
from handlers.types import ChatKind, EventKind, Incoming, Location, Platform, Sender, split_command

_PRESENT = frozenset({"member", "administrator", "creator", "restricted"})
_ADMIN = frozenset({"administrator", "creator"})


def chat_kind(chat: Chat) -> ChatKind | None:
    if chat.type == Chat.PRIVATE:
        return ChatKind.PRIVATE
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return ChatKind.GROUP
    return None  # channels and unknown chat types


def _user_sender(user: User, is_admin: bool = False) -> Sender:
    return Sender(str(user.id), user.full_name, user.username, is_admin)


def message_sender(message: Message) -> Sender | None:
    """Who wrote it. A message sent *as the group itself* comes from one of its anonymous admins."""
    chat, sender_chat = message.chat, message.sender_chat
    if sender_chat is not None:
        is_anonymous_admin = sender_chat.id == chat.id
        name = sender_chat.title or sender_chat.full_name or ""
        return Sender(str(sender_chat.id), name, sender_chat.username, is_anonymous_admin)
    if message.from_user is None:
        return None
    return _user_sender(message.from_user)


def is_anonymous_admin(message: Message) -> bool:
    user = message.from_user
    return (
        message.sender_chat is not None
        and message.sender_chat.id == message.chat.id
        and (user is None or user.id == ChatID.ANONYMOUS_ADMIN)
    )


def _base(update: Update, chat: Chat, where: ChatKind, kind: EventKind, now: datetime) -> Incoming:
    return Incoming(
        platform=Platform.TELEGRAM,
        chat_id=str(chat.id),
        chat_kind=where,
        chat_title=chat.title or chat.full_name,
        kind=kind,
        received_at=now,
        delivery_id=str(update.update_id),
    )


def from_update(update: Update, bot_id: int, bot_username: str | None, now: datetime) -> Incoming | None:
    """The neutral form of ``update``, texts cleaned; None when the bot has nothing to do with it."""
    incoming = _from_update(update, bot_id, bot_username, now)
    return clean_incoming(incoming) if incoming is not None else None


def _from_update(update: Update, bot_id: int, bot_username: str | None, now: datetime) -> Incoming | None:
    if update.message is not None:
        return from_message(update, update.message, bot_id, bot_username, now, edited=False)
    if update.edited_message is not None:
        return from_message(update, update.edited_message, bot_id, bot_username, now, edited=True)
    if update.callback_query is not None:
        return from_callback(update, update.callback_query, now)
    if update.my_chat_member is not None:
        return from_my_chat_member(update, update.my_chat_member, now)
    return None


def from_message(
    update: Update, message: Message, bot_id: int, bot_username: str | None, now: datetime, *, edited: bool
) -> Incoming | None:
    chat = message.chat
    where = chat_kind(chat)
    if where is None or message.is_automatic_forward:
        return None  # channel posts and their copies in a discussion group
    base = _base(update, chat, where, EventKind.MESSAGE, now)
    sender = message_sender(message)
    if message.migrate_to_chat_id:
        return replace(
            base, kind=EventKind.CHAT_MIGRATED, sender=sender, new_chat_id=str(message.migrate_to_chat_id)
        )
    if message.new_chat_members:
        joined = [m for m in message.new_chat_members if m.id != bot_id]
        if not joined or edited:
            return None  # the bot itself was added: my_chat_member reports that
        return replace(base, kind=EventKind.MEMBERS_JOINED, sender=sender, joined_count=len(joined))
    text = message.text or message.caption or ""
    location = message.location
    if not text and location is None and not message.photo:
        return None  # stickers, service messages (pins, titles, left members …)
    # An edited command must not run again; the edit is passed on as plain text.
    command, args = (None, "") if edited or message.text is None else split_command(text, bot_username)
    if command is None and text.startswith("/") and not edited and message.text is not None:
        return None  # a command addressed to another bot
    reply_to = message.reply_to_message
    return replace(
        base,
        sender=sender,
        text=text,
        command=command,
        args=args,
        location=Location(location.latitude, location.longitude) if location else None,
        message_id=str(message.message_id),
        reply_to_message_id=str(reply_to.message_id) if reply_to else None,
        has_photo=bool(message.photo),
        is_edit=edited,
    )


def from_callback(update: Update, query: CallbackQuery, now: datetime) -> Incoming | None:
    message = query.message
    where = None if message is None else chat_kind(message.chat)
    if message is None or where is None or query.data is None:
        return None  # inline-mode buttons and games carry no chat
    return replace(
        _base(update, message.chat, where, EventKind.CALLBACK, now),
        sender=_user_sender(query.from_user),
        callback_data=query.data,
        message_id=str(message.message_id),
    )


def from_my_chat_member(update: Update, change: ChatMemberUpdated, now: datetime) -> Incoming | None:
    kind = chat_kind(change.chat)
    if kind is None:
        return None
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if old not in _PRESENT and new in _PRESENT:
        if kind is ChatKind.PRIVATE:
            return None  # unblocked: the person's next message says hello again
        event = EventKind.BOT_ADDED
    elif old in _PRESENT and new not in _PRESENT:
        event = EventKind.BOT_REMOVED
    elif old not in _ADMIN and new in _ADMIN:
        event = EventKind.BOT_PROMOTED
    else:
        return None
    admin = change.from_user  # the person who added/removed/promoted the bot
    return replace(_base(update, change.chat, kind, event, now), sender=_user_sender(admin))
