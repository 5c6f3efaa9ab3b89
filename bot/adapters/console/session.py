"""The console chat: the embedded default and the test harness.

Each input line is a message from the current speaker in the current chat; lines starting with ``:``
are console controls. Replies go through the same outbox as on every platform and are printed as
``[Chat] buurtbot: …``; buttons are printed numbered, and a line with just that number presses it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.app import App
from bot.delivery import ChatAddress, Outcome, Sent
from handlers.access import resolve_actor
from handlers.clean import clean_text
from handlers.types import (
    ChatKind,
    EventKind,
    Incoming,
    Location,
    Msg,
    Platform,
    Reply,
    Sender,
    split_command,
)
from messages.catalog import strip_tags
from storage.chats import area_key, create_area, find_area, get_chat
from storage.models import RoleName
from storage.people import grant_role, revoke_role, roles_of

BOT_NAME = "buurtbot"
Write = Callable[[str], None]


class ConsoleTransport:
    """Prints replies; remembers the buttons of the last message per chat so a number presses one."""

    platform = Platform.CONSOLE

    def __init__(self, app: App, write: Write) -> None:
        self._app = app
        self._write = write
        self._next_id = 0
        self.buttons: dict[str, list[str]] = {}

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        catalog = self._app.services.catalog
        locale = chat.locale

        def render(msg: Msg) -> str:
            return catalog.render(msg, locale, markup=strip_tags)

        text = "\n\n".join(render(part) for part in reply.parts)
        label = chat.title or chat.external_id
        where = label if chat.kind != ChatKind.PRIVATE else f"privé {label}"
        edited = f" {render(Msg.of('console.edited'))}" if edit_message_id else ""
        lines = text.splitlines() or [""]
        self._write(f"[{where}] {BOT_NAME}{edited}: {lines[0]}")
        indent = " " * (len(where) + len(BOT_NAME) + 4)
        for line in lines[1:]:
            self._write(f"{indent}{line}" if line else "")
        if reply.location:
            self._write(f"{indent}📍 {reply.location.latitude:.5f}, {reply.location.longitude:.5f}")
        if reply.photo:  # a terminal shows no pictures: the file to open
            self._write(f"{indent}🖼 {reply.photo}")
        flat = [button for row in reply.buttons for button in row]
        if flat:
            self.buttons[chat.external_id] = [button.data for button in flat]
            for number, button in enumerate(flat, start=1):
                self._write(f"{indent}[{number}] {render(button.label)}")
        if edit_message_id:
            return Sent(edit_message_id)
        self._next_id += 1
        return Sent(str(self._next_id))


@dataclass
class ConsoleState:
    speaker: str = "Beheerder"
    group: str | None = None  # None: the private chat with the bot
    admins: dict[str, set[str]] = field(default_factory=dict)  # group key → speaker keys


class ConsoleSession:
    """Drives conversations line by line; used by ``buurtbot console`` and by the tests."""

    def __init__(self, app: App, write: Write) -> None:
        self.app = app
        self.write = write
        self.state = ConsoleState()
        self.transport = ConsoleTransport(app, write)
        self.drain = app.sender({Platform.CONSOLE: self.transport})  # unpaced: drain() after each line

    def say(self, key: str, **params: object) -> None:
        for line in strip_tags(self.app.services.catalog.render(Msg.of(key, **params))).splitlines():
            self.write(line)

    async def start(self) -> None:
        """Make the first speaker a beheerder: the person at the console runs this installation."""
        await self._set_role(self.state.speaker, RoleName.BEHEERDER, None)
        self.say("console.intro", name=self.state.speaker, role=Msg.of("role.beheerder"))

    async def handle_line(self, line: str) -> None:
        line = clean_text(line.rstrip("\r\n"))
        if line.startswith(":"):
            await self._control(line[1:].strip())
        elif line.strip().isdigit() and self._chat_id in self.transport.buttons:
            await self._press(int(line.strip()))
        elif line.strip():
            await self.app.handle(self._incoming(EventKind.MESSAGE, text=line))
        await self.drain.drain()

    # -- conversation -----------------------------------------------------------------------------
    @property
    def _chat_id(self) -> str:
        return area_key(self.state.group) if self.state.group else area_key(self.state.speaker)

    def _incoming(self, kind: EventKind, text: str = "", callback: str | None = None) -> Incoming:
        speaker_key = area_key(self.state.speaker)
        group = self.state.group
        is_admin = group is not None and speaker_key in self.state.admins.get(self._chat_id, set())
        command, args = split_command(text)
        return Incoming(
            platform=Platform.CONSOLE,
            chat_id=self._chat_id,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            chat_title=group or self.state.speaker,
            kind=kind,
            received_at=self.app.services.clock.now(),
            sender=Sender(speaker_key, self.state.speaker, None, is_admin),
            text=text,
            command=command,
            args=args,
            callback_data=callback,
        )

    async def _press(self, number: int) -> None:
        buttons = self.transport.buttons.get(self._chat_id, [])
        if not 1 <= number <= len(buttons):
            self.say("console.no_button", number=number)
            return
        await self.app.handle(self._incoming(EventKind.CALLBACK, callback=buttons[number - 1]))

    # -- controls ---------------------------------------------------------------------------------
    async def _control(self, text: str) -> None:
        word, _, rest = text.partition(" ")
        match word.lower():
            case "als":
                await self._switch_speaker(rest.split())
            case "groep":
                await self._switch_group(rest.strip())
            case "prive" | "privé":
                self.state.group = None
                self.say("console.in_private")
            case "locatie" | "location":
                await self._share_location(rest.split())
            case "help" | "":
                self.say("console.help")
            case _:
                self.say("console.bad_control")

    async def _share_location(self, words: list[str]) -> None:
        """``:locatie 51.7885 4.6790``: the speaker shares a pin, as a phone would."""
        try:
            latitude, longitude = (float(word.replace(",", ".")) for word in words)
        except ValueError:
            self.say("console.bad_control")
            return
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            self.say("console.bad_control")
            return
        incoming = self._incoming(EventKind.MESSAGE)
        await self.app.handle(replace(incoming, location=Location(latitude, longitude)))

    async def _switch_speaker(self, words: list[str]) -> None:
        if not words:
            self.say("console.bad_control")
            return
        name, role_word = words[0], (words[1].lower() if len(words) > 1 else "bewoner")
        area_name = " ".join(words[2:])
        if role_word not in ("bewoner", "beheerder", "coordinator", "coördinator") or (
            role_word.startswith("co") and not area_name
        ):
            self.say("console.bad_control")
            return
        role = (
            RoleName.RESIDENT
            if role_word == "bewoner"
            else (RoleName.BEHEERDER if role_word == "beheerder" else RoleName.COORDINATOR)
        )
        self.state.speaker = name
        area_label = await self._set_role(name, role, area_name or None)
        role_msg = (
            Msg.of("role.coordinator", area=area_label)
            if role is RoleName.COORDINATOR
            else Msg.of(f"role.{role.value}")
        )
        self.say("console.speaking", name=name, role=role_msg)

    async def _set_role(self, name: str, role: RoleName, area_name: str | None) -> str:
        """Give the role in the local database; a resident loses elevated roles."""
        services = self.app.services
        incoming = self._incoming_for(name)
        async with services.db() as session:
            actor = await resolve_actor(session, incoming, services)
            assert actor.person is not None
            now = services.clock.now()
            area_label = ""
            if role is RoleName.RESIDENT:
                for existing in await roles_of(session, actor.person.id):
                    await revoke_role(session, actor.person.id, RoleName(existing.role), existing.area_id)
            else:
                area_id = None
                if area_name:
                    area = await find_area(session, area_name) or await create_area(session, area_name, now)
                    area_id, area_label = area.id, area.name
                await grant_role(session, actor.person.id, role, area_id, now)
            await session.commit()
        return area_label

    def _incoming_for(self, name: str) -> Incoming:
        key = area_key(name)
        return Incoming(
            platform=Platform.CONSOLE,
            chat_id=key,
            chat_kind=ChatKind.PRIVATE,
            chat_title=name,
            kind=EventKind.MESSAGE,
            received_at=self.app.services.clock.now(),
            sender=Sender(key, name),
        )

    async def _switch_group(self, name: str) -> None:
        if not name:
            self.say("console.bad_control")
            return
        self.state.group = name
        key = area_key(name)
        self.say("console.in_group", name=name)
        if key not in self.state.admins:
            # New to this console session: the speaker is its admin. Only a group the bot is not in
            # yet (not in the database, or removed) gets the bot's introduction, so a restarted
            # console does not greet its old groups again.
            self.state.admins[key] = {area_key(self.state.speaker)}
            if not await self._bot_is_in(key):
                await self.app.handle(self._incoming(EventKind.BOT_ADDED))

    async def _bot_is_in(self, group_key: str) -> bool:
        async with self.app.services.db() as session:
            chat = await get_chat(session, Platform.CONSOLE, group_key)
        return chat is not None and chat.active


async def run_console(app: App, interactive: bool | None = None) -> None:
    """Read lines from stdin (a prompt when it is a terminal) until end of input."""
    import asyncio

    interactive = sys.stdin.isatty() if interactive is None else interactive
    session = ConsoleSession(app, lambda text: print(text, flush=True))
    await session.start()
    while True:
        prompt = f"{session.state.speaker}@{session.state.group or 'privé'}> " if interactive else ""
        try:
            line = await asyncio.to_thread(input, prompt) if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            break
        if not interactive and line == "":
            break
        await session.handle_line(line)
