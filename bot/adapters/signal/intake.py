"""Signal events → the inbox → ``Incoming`` → the router.

Each ``receive`` event that means something (a message, an edit, a reaction, a group change) is
stored as an inbox row under ``<sender>:<timestamp>`` before anything else happens: Signal
identifies a message by its author and timestamp, so a redelivery adds nothing. Receipts, typing
and sync events are not stored at all. Handling reads the row back (bot/inbox.py), so an event
that failed — or arrived just before a crash — is handled again later. One chat's events are
handled one at a time, in the order they came.

Numbers and keycap reactions become button presses (``menus.py``); a group change becomes "bot
added" (the bot is a member of a group it did not know, an invitation is accepted first), "bot
removed", or "members joined" (the group grew), judged against ``listGroups``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.adapters.signal.groups import GroupDirectory, GroupInfo
from bot.adapters.signal.menus import keycap_number, latest_menu, menu_of_message, number_of, pick
from bot.adapters.signal.parse import Event, GroupChanged, Reacted, Said, Who, parse_event
from bot.adapters.signal.rpc import SignalRpc
from bot.app import App
from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender, split_command
from storage.chats import get_chat
from storage.inbox import InboxRow, NewInbound

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
STORE_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)


def inbox_key(event: Event) -> str:
    return f"{event.who.id}:{event.timestamp}"


class SignalIntake:
    def __init__(
        self,
        app: App,
        rpc: SignalRpc,
        groups: GroupDirectory,
        own_number: str,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._app = app
        self._rpc = rpc
        self._groups = groups
        self._own = own_number
        self._sleep = sleep
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}
        self.ignored = 0  # events not stored (receipts, typing, malformed): tests and logs
        self.received = 0  # events taken from the stream (stored or ignored)
        self._arrived = asyncio.Condition()
        app.inbox.add_handler(Platform.SIGNAL, self.handle_row)

    async def on_event(self, text: str) -> None:
        """One event from the stream: stored (retrying while the database is away), then handled."""
        try:
            await self._store(text)
        finally:
            async with self._arrived:
                self.received += 1
                self._arrived.notify_all()

    async def wait_received(self, count: int) -> None:
        """Until ``count`` events came off the stream (tests, benchmarks: no sleeping)."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.received >= count)

    async def _store(self, text: str) -> None:
        event = parse_event(text, self._own)
        if event is None:
            self.ignored += 1
            return
        item = NewInbound(Platform.SIGNAL, inbox_key(event), text)
        attempt = 0
        while True:
            try:
                await self._app.inbox.take([item])
                return
            except Exception as error:
                # Never drop it: while we wait the stream is not read, so the daemon (receive mode
                # on-connection) leaves what follows on Signal's servers; nothing later is lost either.
                pause = STORE_RETRY_SECONDS[min(attempt, len(STORE_RETRY_SECONDS) - 1)]
                attempt += 1
                log.warning(
                    "signal: event not stored (%s), try %d; again in %.0f s",
                    type(error).__name__,
                    attempt,
                    pause,
                )
                await self._sleep(pause)

    async def handle_row(self, row: InboxRow) -> bool:
        event = parse_event(row.payload, self._own)
        if event is None:
            return False
        chat = event.group_id or event.who.id
        async with self._turn(chat):
            incoming = await self.incoming(event, row.received_at, row.external_key)
            if incoming is None:
                return False
            await self._app.handle(incoming, row.id)
        return True

    async def incoming(self, event: Event, at: datetime, key: str) -> Incoming | None:
        match event:
            case Said():
                return await self._said(event, at, key)
            case Reacted():
                return await self._reacted(event, at, key)
            case GroupChanged():
                return await self._group_changed(event, at, key)

    async def _said(self, said: Said, at: datetime, key: str) -> Incoming | None:
        group = await self._groups.get(said.group_id) if said.group_id else None
        base = self._base(said.who, said.group_id, said.group_name, group, at, key)
        number = number_of(said.text)
        if number is not None and not said.is_edit:
            chat_row = await self._chat_row(base.chat_id)
            if chat_row is not None:
                async with self._app.services.db() as session:
                    if said.quote_timestamp is not None:
                        menu = await menu_of_message(session, chat_row, said.quote_timestamp)
                    else:
                        menu = await latest_menu(session, chat_row)
                if data := pick(menu, number):
                    return replace(base, kind=EventKind.CALLBACK, callback_data=data)
        command, args = split_command(said.text)
        return replace(
            base,
            text=said.text,
            command=command,
            args=args,
            message_id=str(said.timestamp),
            reply_to_message_id=str(said.quote_timestamp) if said.quote_timestamp else None,
            has_photo=said.has_photo,
            is_edit=said.is_edit,
        )

    async def _reacted(self, reacted: Reacted, at: datetime, key: str) -> Incoming | None:
        number = keycap_number(reacted.emoji)
        if number is None or reacted.is_remove:
            return None  # other reactions mean nothing to the bot (quiet groups)
        group = await self._groups.get(reacted.group_id) if reacted.group_id else None
        base = self._base(reacted.who, reacted.group_id, None, group, at, key)
        chat_row = await self._chat_row(base.chat_id)
        if chat_row is None:
            return None
        async with self._app.services.db() as session:
            menu = await menu_of_message(session, chat_row, reacted.target_timestamp)
        data = pick(menu, number)
        if data is None:
            return None
        return replace(
            base, kind=EventKind.CALLBACK, callback_data=data, message_id=str(reacted.target_timestamp)
        )

    async def _group_changed(self, changed: GroupChanged, at: datetime, key: str) -> Incoming | None:
        before = self._groups.known(changed.group_id)
        group = await self._groups.get(changed.group_id, fresh=True)
        if group is not None and not group.is_member and self._own in group.pending:
            answer = await self._rpc.accept_invite(changed.group_id)
            log.info("signal: invited to a group; accepted: %s", answer.ok)
            group = await self._groups.get(changed.group_id, fresh=True) if answer.ok else group
        base = self._base(changed.who, changed.group_id, changed.group_name, group, at, key)
        async with self._app.services.db() as session:
            chat = await get_chat(session, Platform.SIGNAL, changed.group_id)
        known = chat is not None and chat.active
        if group is None or not group.is_member:
            return replace(base, kind=EventKind.BOT_REMOVED) if known else None
        if not known:
            return replace(base, kind=EventKind.BOT_ADDED)
        if before is not None and group.size > before.size:
            return replace(base, kind=EventKind.MEMBERS_JOINED, joined_count=group.size - before.size)
        return None  # a name, picture or permission change: nothing to say

    def _base(
        self,
        who: Who,
        group_id: str | None,
        group_name: str | None,
        group: GroupInfo | None,
        at: datetime,
        key: str,
    ) -> Incoming:
        is_admin = group is not None and bool({who.id, who.number} & group.admins)
        title = (group.name if group is not None and group.name else group_name) if group_id else who.name
        return Incoming(
            platform=Platform.SIGNAL,
            chat_id=group_id or who.id,
            chat_kind=ChatKind.GROUP if group_id else ChatKind.PRIVATE,
            kind=EventKind.MESSAGE,
            received_at=at,
            sender=Sender(who.id, who.name or (who.number or ""), None, is_admin),
            chat_title=title or None,
            delivery_id=key,
        )

    async def _chat_row(self, external_id: str) -> int | None:
        async with self._app.services.db() as session:
            chat = await get_chat(session, Platform.SIGNAL, external_id)
        return chat.id if chat is not None else None

    @contextlib.asynccontextmanager
    async def _turn(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def idle(self) -> None:
        await self._app.inbox.idle()
