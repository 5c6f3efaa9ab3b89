"""Neutral message types shared by every adapter and every handler.

Adapters (``bot/``) turn platform payloads into :class:`Incoming` and render :class:`Reply`
values back. Handlers only ever see these types, so they work the same on Telegram, WhatsApp
and the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from messages.msg import Msg as Msg  # re-exported: handlers build replies from it


class Platform(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SIGNAL = "signal"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    # A WhatsApp group the bot cannot join: alerts for it go to its coordinators as a forward kit.
    WHATSAPP_GROUP = "whatsapp-group"


class EventKind(StrEnum):
    MESSAGE = "message"  # text, command, location or photo
    CALLBACK = "callback"  # a button was pressed
    BOT_ADDED = "bot_added"
    BOT_REMOVED = "bot_removed"
    BOT_PROMOTED = "bot_promoted"
    MEMBERS_JOINED = "members_joined"
    CHAT_MIGRATED = "chat_migrated"  # group became a supergroup; ``new_chat_id`` holds the new id


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Sender:
    """Who sent the update. ``is_chat_admin`` is the platform's own word (incl. anonymous admins)."""

    external_id: str
    display_name: str
    username: str | None = None
    is_chat_admin: bool = False


def _empty_params() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Incoming:
    """One thing that happened in one chat, free of any platform type."""

    platform: Platform
    chat_id: str
    chat_kind: ChatKind
    kind: EventKind
    received_at: datetime
    sender: Sender | None = None
    chat_title: str | None = None
    text: str = ""
    command: str | None = None  # lower case, without "/" and "@botname"
    args: str = ""
    location: Location | None = None
    callback_data: str | None = None
    message_id: str | None = None
    reply_to_message_id: str | None = None
    has_photo: bool = False
    is_edit: bool = False
    new_chat_id: str | None = None
    joined_count: int = 0
    # An id the platform repeats on redelivery (update_id, wamid): used for de-duplication.
    delivery_id: str | None = None
    # A command given in this group and continued in the private chat (/melding): its wijk applies.
    from_group: str | None = None

    @property
    def is_group(self) -> bool:
        return self.chat_kind is not ChatKind.PRIVATE


@dataclass(frozen=True)
class Button:
    """An inline button. ``data`` is at most 64 bytes (Telegram's limit); state lives in the DB."""

    label: Msg
    data: str


@dataclass(frozen=True)
class Target:
    """Where a reply goes when it is not the chat the update came from."""

    platform: Platform
    chat_id: str


@dataclass(frozen=True)
class Reply:
    """One message to send (or to edit).

    ``parts`` are rendered one per paragraph. ``track`` names the sent message (e.g. ``card:M-0042``)
    so a later reply with ``edit`` set to the same name edits it instead of posting anew.
    """

    parts: tuple[Msg, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    target: Target | None = None
    track: str | None = None
    edit: str | None = None
    private_to_sender: bool = False  # send to the sender's private chat instead of this chat
    location: Location | None = None
    # The answer to a button press: Telegram shows it as a toast (answerCallbackQuery); elsewhere
    # it goes to the sender's private chat. Never a message in a group.
    toast: bool = False
    # A picture to send with the text (a PNG file the adapters can read, e.g. a digest chart).
    photo: str | None = None

    @staticmethod
    def say(key: str, **params: object) -> Reply:
        return Reply((Msg.of(key, **params),))


def button_action(callback_data: str | None) -> tuple[str, str]:
    """``"prefix:action:subject"`` (the shape of our buttons) → ``("action", "subject")``; missing parts
    are empty, so a malformed or foreign button is simply an unknown action."""
    _, action, subject = [*(callback_data or "").split(":", 2), "", ""][:3]
    return action, subject


def split_command(text: str, bot_username: str | None = None) -> tuple[str | None, str]:
    """``"/Melding@buurtbot tekst"`` → ``("melding", "tekst")``; not a command → ``(None, "")``.

    A command addressed to another bot (``/start@otherbot``) is not ours: ``(None, "")``.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None, ""
    parts = stripped[1:].split(maxsplit=1)
    head, args = parts[0], (parts[1] if len(parts) > 1 else "")
    head, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None, ""
    if not head:
        return None, ""
    return head.lower(), args.strip()
