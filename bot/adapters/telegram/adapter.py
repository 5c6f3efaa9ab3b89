"""Inbound Telegram: PTB update → neutral Incoming → the app, one chat at a time.

PTB runs updates concurrently (throughput); per-chat and per-person locks keep each chat's updates in
order, so a dialog's steps and a burst of joins are seen in the order Telegram sent them, and no two
updates race to create the same chat or person row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telegram import Bot, CallbackQuery, Update
from telegram.error import TelegramError

from bot.adapters.telegram.convert import from_update
from bot.app import App
from handlers.clock import Clock
from handlers.types import EventKind, Incoming, Reply
from messages.catalog import strip_tags

log = logging.getLogger(__name__)

# What the bot needs; chat_member would need admin rights and is not used (platforms.md §1.3).
TOAST_LIMIT = 200  # Telegram's limit for a callback answer's text
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


@dataclass
class _Admins:
    user_ids: frozenset[int]
    fetched_at: datetime


class AdminCache:
    """Group admins from getChatAdministrators, kept briefly: admin checks are per command/button."""

    def __init__(self, bot: Bot, clock: Clock, ttl: timedelta = timedelta(minutes=1)) -> None:
        self._bot = bot
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[int, _Admins] = {}

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        now = self._clock.now()
        entry = self._cache.get(chat_id)
        if entry is None or now - entry.fetched_at >= self._ttl:
            try:
                members = await self._bot.get_chat_administrators(chat_id)
            except TelegramError as error:
                log.info("admins of %s unknown: %s", chat_id, error)
                return False
            entry = _Admins(frozenset(m.user.id for m in members), now)
            if len(self._cache) > 10_000:
                self._cache.clear()  # bounded; it refills on demand
            self._cache[chat_id] = entry
        return user_id in entry.user_ids

    def forget(self, chat_id: int) -> None:
        self._cache.pop(chat_id, None)


class KeyedLocks:
    """One lock per key while someone holds or waits for it; no unbounded growth."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, *keys: str) -> AsyncIterator[None]:
        """Hold every key's lock; always taken in sorted order, so two holders never deadlock."""
        async with contextlib.AsyncExitStack() as stack:
            for key in sorted(set(keys)):
                await stack.enter_async_context(self._one(key))
            yield

    @contextlib.asynccontextmanager
    async def _one(self, chat_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)


def lock_keys(incoming: Incoming) -> tuple[str, ...]:
    """Serialise per chat (order of a chat's updates), per person (their rows are created once) and,
    for a migration, the old and new id together (the new group must not start a second chat row)."""
    keys = [f"chat:{incoming.chat_id}"]
    if incoming.new_chat_id:
        keys.append(f"chat:{incoming.new_chat_id}")
    if incoming.sender is not None:
        keys.append(f"person:{incoming.sender.external_id}")
    return tuple(keys)


class TelegramAdapter:
    def __init__(self, app: App, bot: Bot, clock: Clock) -> None:
        # On SQLite, App.handle makes updates take turns on the database (one writer) while their
        # network calls still overlap.
        self.app = app
        self.bot = bot
        self.clock = clock
        self.admins = AdminCache(bot, clock)
        self.locks = KeyedLocks()

    async def handle_update(self, update: Update, inbox_id: int | None = None) -> Incoming | None:
        """Process one update fully (replies are queued in the outbox, and its inbox row marked done
        with them); returns what was routed, None when there was nothing to route."""
        query = update.callback_query
        incoming = from_update(update, self.bot.id, self.bot.username, self.clock.now())
        if incoming is None:
            if query is not None:
                await self._answer(query)
            return None
        toasts: list[Reply] = []
        try:
            async with self.locks.hold(*lock_keys(incoming)):
                incoming = await self._with_admin_status(incoming)
                if incoming.kind in (EventKind.BOT_PROMOTED, EventKind.CHAT_MIGRATED, EventKind.BOT_REMOVED):
                    self.admins.forget(int(incoming.chat_id))
                if query is not None:
                    toasts = await self.app.handle_button(incoming, inbox_id)
                else:
                    await self.app.handle(incoming, inbox_id)
        finally:
            if query is not None:  # always answered: the spinner stops even if the handler failed
                await self._answer(query, self._toast_text(toasts))
        return incoming

    def _toast_text(self, toasts: list[Reply]) -> str | None:
        """A refusal of a button press is the press's answer (a toast), never a group message."""
        catalog = self.app.services.catalog
        text = " ".join(strip_tags(catalog.render(part)) for reply in toasts for part in reply.parts)
        return text[:TOAST_LIMIT] or None

    async def _answer(self, query: CallbackQuery, text: str | None = None) -> None:
        try:
            await query.answer(text=text, show_alert=False)
        except TelegramError as error:
            log.info("could not answer callback query: %s", error)

    async def _with_admin_status(self, incoming: Incoming) -> Incoming:
        """Group commands and buttons need to know if the sender is a group admin."""
        sender = incoming.sender
        needs_check = incoming.command is not None or incoming.kind is EventKind.CALLBACK
        if not incoming.is_group or sender is None or sender.is_chat_admin or not needs_check:
            return incoming
        if sender.external_id.startswith("-"):
            return incoming  # posted as another chat (a channel), not as a person
        if await self.admins.is_admin(int(incoming.chat_id), int(sender.external_id)):
            return replace(incoming, sender=replace(sender, is_chat_admin=True))
        return incoming
