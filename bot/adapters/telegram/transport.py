"""Neutral :class:`Reply` → Telegram: HTML text, inline keyboards, edits, locations.

Implements the outbound :class:`bot.delivery.Transport` protocol and maps PTB's errors onto the
neutral delivery outcomes, so retry and pacing policy stays in one place (``bot/delivery.py``).
"""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import delivery as d
from handlers.types import Msg, Platform, Reply
from messages.catalog import Catalog

log = logging.getLogger(__name__)


def render_text(catalog: Catalog, reply: Reply, locale: str | None) -> str:
    """Catalog templates are trusted HTML (<b>, <i>); every parameter is user text and escaped."""
    return "\n\n".join(catalog.render(part, locale, escape=html.escape) for part in reply.parts)


def render_keyboard(catalog: Catalog, reply: Reply, locale: str | None) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [
        [InlineKeyboardButton(_plain(catalog, b.label, locale), callback_data=b.data) for b in row]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(rows)


def _plain(catalog: Catalog, msg: Msg, locale: str | None) -> str:
    # Button labels are not parsed as HTML by Telegram: no tags, no escaping.
    text = catalog.render(msg, locale)
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return text


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut an over-long text at paragraph (else line) boundaries; Telegram refuses > 4096 chars."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk.strip()]


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def outcome_of(error: TelegramError) -> d.Outcome:
    """PTB error → neutral outcome. Order matters: subclasses before NetworkError."""
    match error:
        case RetryAfter():
            return d.RetryAfter(_seconds(error._retry_after))  # attribute, without the deprecation warning
        case ChatMigrated():
            return d.Migrated(str(error.new_chat_id))
        case Forbidden():
            return d.ChatGone(error.message)
        case BadRequest():
            return d.Permanent(error.message)
        case NetworkError():  # also TimedOut and 5xx answers
            return d.Transient(error.message)
        case _:
            return d.Permanent(error.message)


def _not_modified(error: BadRequest) -> bool:
    return "message is not modified" in error.message.lower()


def _edit_target_gone(error: BadRequest) -> bool:
    text = error.message.lower()
    return "message to edit not found" in text or "message can't be edited" in text


class TelegramTransport:
    platform = Platform.TELEGRAM

    def __init__(self, bot: Bot, catalog: Catalog) -> None:
        self.bot = bot
        self.catalog = catalog

    async def deliver(self, chat: d.ChatAddress, reply: Reply, edit_message_id: str | None) -> d.Outcome:
        try:
            return await self._deliver(chat, reply, edit_message_id)
        except TelegramError as error:
            outcome = outcome_of(error)
            log.info("telegram delivery to %s: %s (%s)", chat.external_id, type(outcome).__name__, error)
            return outcome

    async def _deliver(self, chat: d.ChatAddress, reply: Reply, edit_message_id: str | None) -> d.Outcome:
        chat_id = int(chat.external_id)
        keyboard = render_keyboard(self.catalog, reply, chat.locale)
        text = render_text(self.catalog, reply, chat.locale) if reply.parts else ""
        if edit_message_id is not None and text:
            edited = await self._edit(chat_id, int(edit_message_id), text, keyboard)
            if edited is not None:
                return edited
        sent: Message | None = None
        chunks = split_text(text) if text else []
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self.bot.send_message(
                chat_id, chunk, parse_mode=ParseMode.HTML, reply_markup=keyboard if last else None
            )
        if reply.photo is not None:
            photo_message = await self._photo(chat_id, reply.photo, keyboard if not chunks else None)
            if photo_message is None:
                return d.Permanent("picture file missing")
            sent = sent or photo_message
        if reply.location is not None:
            location_message = await self.bot.send_location(
                chat_id,
                reply.location.latitude,
                reply.location.longitude,
                reply_markup=keyboard if not chunks else None,
            )
            sent = sent or location_message
        if sent is None:
            return d.Permanent("empty reply")
        return d.Sent(str(sent.message_id))

    async def _photo(self, chat_id: int, path: str, keyboard: InlineKeyboardMarkup | None) -> Message | None:
        """sendPhoto as multipart (PTB's InputFile through our aiohttp request); None: no such file."""
        try:
            content = await asyncio.to_thread(Path(path).read_bytes)
        except OSError:
            log.warning("picture %s cannot be read; not sent", path)
            return None
        photo = InputFile(content, filename=Path(path).name)
        return await self.bot.send_photo(chat_id, photo, reply_markup=keyboard)

    async def _edit(
        self, chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None
    ) -> d.Outcome | None:
        """Edit in place; None means "send anew" (the old message is gone or too old to edit)."""
        try:
            await self.bot.edit_message_text(
                split_text(text)[0], chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
        except BadRequest as error:
            if _not_modified(error):
                return d.Sent(str(message_id))
            if _edit_target_gone(error):
                return None
            raise
        return d.Sent(str(message_id))
