"""Routes one neutral update to the handler that owns it, under one error policy."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from handlers.access import Audience, ensure_rows, known_rows
from handlers.audit import record_refusals
from handlers.quiet import continue_privately, deep_link_command, quiet_group_replies
from handlers.services import Services
from handlers.types import EventKind, Incoming, Reply
from storage.cache import row_cache
from storage.dialogs import current_dialog, dialog_chats
from storage.models import DialogState

log = logging.getLogger(__name__)

Handler = Callable[[Incoming, Services], Awaitable[list[Reply]]]
Recogniser = Callable[[Incoming, Services], Awaitable[list[Reply] | None]]
# A dialog handler returns None when the text is not an answer to its step: the dialog has let go
# and the text is routed as if no dialog were open (so a referral is not swallowed by a question).
DialogHandler = Callable[[Incoming, Services, DialogState], Awaitable[list[Reply] | None]]


class Where(StrEnum):
    ANYWHERE = "anywhere"
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Command:
    """A slash command: its handler, its /help line and who sees it in /help."""

    handler: Handler
    help_key: str
    where: Where = Where.ANYWHERE
    audience: Audience = Audience.EVERYONE
    group_audience: Audience | None = None  # who may use it in a group, when that differs

    def audience_in(self, is_group: bool) -> Audience:
        return self.group_audience if is_group and self.group_audience is not None else self.audience


@dataclass(frozen=True)
class Routes:
    commands: Mapping[str, Command]
    callbacks: Mapping[str, Handler]  # by the prefix before the first ":" of the button data
    events: Mapping[EventKind, Handler]
    dialogs: Mapping[str, DialogHandler]  # by DialogState.name
    recognisers: tuple[Recogniser, ...] = ()  # free text, in order; the first answer wins
    aliases: Mapping[str, str] = field(default_factory=dict)  # word → command, e.g. "hulp" → "hulp"
    fallback: Handler | None = None  # text nobody claimed


def database_away(error: BaseException) -> bool:
    """A lost or refused database connection (or a locked SQLite file): worth retrying later."""
    if isinstance(error, OperationalError | InterfaceError | sqlite3.OperationalError):
        return True  # the last one: storage/db.py's own wait for SQLite's writer turn ran out
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, ConnectionError | TimeoutError)


class Dispatcher:
    def __init__(self, routes: Routes, services: Services) -> None:
        self.routes = routes
        self.services = services

    async def dispatch(self, incoming: Incoming) -> list[Reply]:
        """Run the owning handler; any failure becomes the catalog's apology, logged with context."""
        try:
            replies = await self._route(incoming)
        except Exception as error:
            if database_away(error):
                raise  # not the handler's fault: the inbox retries the update once the database is back
            log.exception(
                "handler failed: platform=%s chat=%s kind=%s command=%s callback=%s",
                incoming.platform,
                incoming.chat_id,
                incoming.kind,
                incoming.command,
                incoming.callback_data,
            )
            return [Reply.say("error.generic")]
        await record_refusals(incoming, replies, self.services)
        return quiet_group_replies(incoming, replies)

    async def _route(self, incoming: Incoming) -> list[Reply]:
        if len(incoming.text) > self.services.settings.max_text_length:
            return [] if incoming.is_group else [Reply.say("error.too_long")]
        dialog = await self._ensure_rows_and_dialog(incoming)
        if incoming.kind is EventKind.CALLBACK:
            return await self._callback(incoming)
        if incoming.kind is not EventKind.MESSAGE:
            handler = self.routes.events.get(incoming.kind)
            return await handler(incoming, self.services) if handler else []
        if incoming.command is not None:
            return await self._command(incoming)
        if dialog is not None and dialog.name in self.routes.dialogs:
            answered = await self.routes.dialogs[dialog.name](incoming, self.services, dialog)
            if answered is not None:
                return answered
        for recognise in self.routes.recognisers:
            replies = await recognise(incoming, self.services)
            if replies is not None:
                return replies
        if self.routes.fallback is not None:
            return await self.routes.fallback(incoming, self.services)
        return []

    async def _ensure_rows_and_dialog(self, incoming: Incoming) -> DialogState | None:
        """Make sure the chat and person rows exist and find a live dialog.

        Nearly every update comes from a chat and a person seen before, with no dialog open: the
        row cache answers that without touching the database (see storage/cache.py).
        """
        cache = row_cache(self.services.db)
        if cache is not None:
            rows = known_rows(cache, incoming)
            if rows is not None and (
                rows.person is None
                or (
                    cache.has_no_dialog(rows.chat.id, rows.person.id)
                    and (not incoming.is_group or cache.is_member(rows.chat.id, rows.person.id))
                )
            ):
                return None
        generation = cache.generation if cache is not None else 0
        async with self.services.db() as session:
            chat, person = await ensure_rows(session, incoming, self.services)
            dialog, chats = None, frozenset[int]()
            if person is not None:
                chats = await dialog_chats(session, person.id)
                if chat.id in chats:
                    dialog = await current_dialog(session, chat.id, person.id, self.services.clock.now())
            await session.commit()
        if cache is not None:
            cache.remember_chat(generation, chat)
            if person is not None:
                cache.remember_person(generation, person)
                if incoming.is_group:
                    cache.remember_member(generation, chat.id, person.id)  # ensure_rows recorded it
                # An expired dialog was deleted just now: this chat is no longer among them.
                live = chats if dialog is not None else chats - {chat.id}
                cache.remember_dialog_chats(generation, person.id, live)
        return dialog

    async def _command(self, incoming: Incoming) -> list[Reply]:
        incoming = deep_link_command(incoming)
        moved = await continue_privately(incoming, self.services)
        if isinstance(moved, list):
            return moved
        if moved is not None:  # the replies belong in the sender's private chat, not the group
            return [
                r if r.target or r.private_to_sender else replace(r, private_to_sender=True)
                for r in await self._command(moved)
            ]
        name = self.routes.aliases.get(incoming.command or "", incoming.command or "")
        command = self.routes.commands.get(name)
        if command is None:
            return [Reply.say("error.unknown_command", command=incoming.command or "")]
        if command.where is Where.PRIVATE and incoming.is_group:
            return [Reply.say("error.private_only", command=name)]
        if command.where is Where.GROUP and not incoming.is_group:
            return [Reply.say("error.group_only", command=name)]
        return await command.handler(incoming, self.services)

    async def _callback(self, incoming: Incoming) -> list[Reply]:
        prefix = (incoming.callback_data or "").split(":", 1)[0]
        handler = self.routes.callbacks.get(prefix)
        if handler is None:
            log.info("button with unknown data %r", incoming.callback_data)
            return [Reply.say("error.stale_button")]
        return await handler(incoming, self.services)
