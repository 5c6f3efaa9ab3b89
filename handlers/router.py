"""Routes one neutral update to the handler that owns it, under one error policy."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Audience, resolve
from handlers.audit import record_refusals
from handlers.context import Context
from handlers.quiet import continue_privately, deep_link_command, quiet_group_replies
from handlers.services import Services
from handlers.types import EventKind, Incoming, Reply
from handlers.understanding.understand import Understanding, understand
from storage.models import Chat, DialogState

log = logging.getLogger(__name__)

# Handlers get the update's Context (a Services with the session and the actor resolved once).
Handler = Callable[[Incoming, Context], Awaitable[list[Reply]]]
Recogniser = Callable[[Incoming, Context], Awaitable[list[Reply] | None]]
# A dialog handler returns None when the text is not an answer to its step: the dialog has let go
# and the text is routed as if no dialog were open (so a referral is not swallowed by a question).
DialogHandler = Callable[[Incoming, Context, DialogState], Awaitable[list[Reply] | None]]


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


@dataclass(frozen=True)
class Handled:
    """What handling one update produced: its replies, and the chat rows it resolved on the way
    (so queueing a reply to one of them needs no second lookup)."""

    replies: list[Reply]
    chats: Mapping[tuple[str, str], Chat]


def _reading(incoming: Incoming, services: Services) -> Understanding | None:
    """The model's reading of free text, for every recogniser that looks at it: made once, and
    before the update's first statement, so the work is not done while holding SQLite's writer."""
    if incoming.kind is not EventKind.MESSAGE or incoming.command is not None or not incoming.text.strip():
        return None
    if len(incoming.text) > services.settings.max_text_length:
        return None
    return understand(incoming.text)


class Dispatcher:
    def __init__(self, routes: Routes, services: Services) -> None:
        self.routes = routes
        self.services = services

    async def dispatch(self, incoming: Incoming) -> list[Reply]:
        """:meth:`handle` in a transaction of its own (tests, callers that queue nothing)."""
        async with self.services.db() as session:
            handled = await self.handle(session, incoming)
            await session.commit()
        return handled.replies

    async def handle(self, session: AsyncSession, incoming: Incoming) -> Handled:
        """Run the owning handler in ``session``; the caller adds the replies' outbox rows and commits.
        Any failure becomes the catalog's apology, logged with context."""
        chats: dict[tuple[str, str], Chat] = {}
        try:
            replies = await self._route(incoming, session, chats, _reading(incoming, self.services))
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
            # Undo the handler's half-written rows (no savepoint per update: two more statements
            # for every message, for the rare failure); the chat and person rows are made again.
            await session.rollback()
            chats.clear()
            await self.context(session, incoming, chats)
            return Handled([Reply.say("error.generic")], chats)
        await record_refusals(session, incoming, replies, self.services)
        return Handled(quiet_group_replies(incoming, replies), chats)

    async def _route(
        self,
        incoming: Incoming,
        session: AsyncSession,
        chats: dict[tuple[str, str], Chat],
        understood: Understanding | None = None,
    ) -> list[Reply]:
        if len(incoming.text) > self.services.settings.max_text_length:
            return [] if incoming.is_group else [Reply.say("error.too_long")]
        ctx = await self.context(session, incoming, chats, understood)
        if incoming.kind is EventKind.CALLBACK:
            return await self._callback(incoming, ctx)
        if incoming.kind is not EventKind.MESSAGE:
            handler = self.routes.events.get(incoming.kind)
            return await handler(incoming, ctx) if handler else []
        if incoming.command is not None:
            return await self._command(incoming, ctx, chats)
        dialog = ctx.dialog
        if dialog is not None and dialog.name in self.routes.dialogs:
            answered = await self.routes.dialogs[dialog.name](incoming, ctx, dialog)
            if answered is not None:
                return answered
        for recognise in self.routes.recognisers:
            replies = await recognise(incoming, ctx)
            if replies is not None:
                return replies
        if self.routes.fallback is not None:
            return await self.routes.fallback(incoming, ctx)
        return []

    async def context(
        self,
        session: AsyncSession,
        incoming: Incoming,
        chats: dict[tuple[str, str], Chat],
        understood: Understanding | None = None,
    ) -> Context:
        """The chat and person rows (created on first contact), their roles and the live dialog:
        read once, in the update's own transaction, for every handler that runs on it."""
        actor, dialog = await resolve(session, incoming, self.services)
        chats[(actor.chat.platform, actor.chat.external_id)] = actor.chat
        return Context.of(self.services, session, actor, dialog, understood)

    async def _command(
        self, incoming: Incoming, ctx: Context, chats: dict[tuple[str, str], Chat]
    ) -> list[Reply]:
        incoming = deep_link_command(incoming)
        moved = await continue_privately(incoming, ctx)
        if isinstance(moved, list):
            return moved
        if moved is not None:  # the replies belong in the sender's private chat, not the group
            private = await self.context(ctx.session, moved, chats)
            return [
                r if r.target or r.private_to_sender else replace(r, private_to_sender=True)
                for r in await self._command(moved, private, chats)
            ]
        name = self.routes.aliases.get(incoming.command or "", incoming.command or "")
        command = self.routes.commands.get(name)
        if command is None:
            return [Reply.say("error.unknown_command", command=incoming.command or "")]
        if command.where is Where.PRIVATE and incoming.is_group:
            return [Reply.say("error.private_only", command=name)]
        if command.where is Where.GROUP and not incoming.is_group:
            return [Reply.say("error.group_only", command=name)]
        return await command.handler(incoming, ctx)

    async def _callback(self, incoming: Incoming, ctx: Context) -> list[Reply]:
        prefix = (incoming.callback_data or "").split(":", 1)[0]
        handler = self.routes.callbacks.get(prefix)
        if handler is None:
            log.info("button with unknown data %r", incoming.callback_data)
            return [Reply.say("error.stale_button")]
        return await handler(incoming, ctx)
