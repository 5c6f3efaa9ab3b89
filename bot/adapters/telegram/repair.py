"""Lenient reading of updates PTB refuses: fill fields older/other Bot API versions leave out.

Telegram itself always sends every required field, but updates also come from older API versions,
other servers and hand-written fixtures (e.g. the docs' examples without ``chat.type`` or
``from.is_bot``). Rather than dropping a resident's message, we fill the gaps we can infer safely, and
as a last resort keep only the fields the adapter reads.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    Update,
)
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

JSON = dict[str, Any]

_USER_KEYS = frozenset(
    {
        "from",
        "user",
        "new_chat_members",
        "new_chat_participant",
        "left_chat_member",
        "left_chat_participant",
        "forward_from",
        "via_bot",
    }
)
_CHAT_KEYS = frozenset({"chat", "sender_chat", "forward_from_chat", "voter_chat"})
_MEMBER_KEYS = frozenset({"old_chat_member", "new_chat_member"})
_MEMBER_CLASSES: dict[str, type] = {
    "administrator": ChatMemberAdministrator,
    "kicked": ChatMemberBanned,
    "left": ChatMemberLeft,
    "member": ChatMemberMember,
    "creator": ChatMemberOwner,
    "restricted": ChatMemberRestricted,
}
# What the adapter reads of a message; everything else may go when nothing else works.
_CORE_MESSAGE_KEYS = frozenset(
    {
        "message_id",
        "date",
        "chat",
        "from",
        "sender_chat",
        "text",
        "entities",
        "caption",
        "location",
        "new_chat_members",
        "migrate_to_chat_id",
        "edit_date",
        "is_automatic_forward",
    }
)
_MESSAGE_KEYS = ("message", "edited_message")


def _chat_type(chat_id: object) -> str:
    text = str(chat_id)
    if not text.startswith("-"):
        return "private"
    return "supergroup" if text.startswith("-100") else "group"


def _member_defaults(member: JSON) -> JSON:
    cls = _MEMBER_CLASSES.get(str(member.get("status")))
    if cls is None:
        return member
    filled = dict(member)
    for name, param in inspect.signature(cls).parameters.items():
        if name in filled:
            continue
        if name.startswith(("can_", "is_")):  # newer rights some versions insist on; absent = not granted
            filled[name] = False
        elif name == "until_date" and param.default is inspect.Parameter.empty:
            filled[name] = 0
    return filled


def fill_gaps(value: Any, key: str | None = None) -> Any:
    """A copy of ``value`` with inferable required fields added."""
    if isinstance(value, list):
        return [fill_gaps(item, key) for item in value]
    if not isinstance(value, dict):
        return value
    out = {k: fill_gaps(v, k) for k, v in value.items()}
    if key in _CHAT_KEYS and "id" in out and "type" not in out:
        out["type"] = _chat_type(out["id"])
    if key in _USER_KEYS and "id" in out and "first_name" in out and "is_bot" not in out:
        out["is_bot"] = False
    if key in _MEMBER_KEYS:
        out = _member_defaults(out)
    return out


def _core_only(data: JSON) -> JSON:
    out = dict(data)
    for key in _MESSAGE_KEYS:
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if k in _CORE_MESSAGE_KEYS}
    return out


def lenient_update(data: JSON, bot: Bot) -> Update | None:
    """PTB's Update, repaired if needed; None (logged) when even the core cannot be read."""
    attempts = (lambda: data, lambda: fill_gaps(data), lambda: _core_only(fill_gaps(data)))
    error: Exception | None = None
    for attempt in attempts:
        try:
            return Update.de_json(attempt(), bot)
        except Exception as exc:  # PTB raises TypeError/ValueError/KeyError on shapes it cannot read
            error = exc
    log.warning("unreadable telegram update %s ignored: %s", data.get("update_id"), error)
    return None


class LenientBot(ExtBot[Any]):
    """An ExtBot whose long polling reads ``getUpdates`` as raw JSON.

    PTB parses a ``getUpdates`` batch all at once; one update it refuses (an older or newer Bot API
    shape) failed the whole batch, so the offset never moved on. Our poller (bot/adapters/telegram/polling.py)
    stores the batch as it came and each update is read on its own later, with
    :func:`lenient_update`: an update nobody can read is logged and passed, the others go on.
    """

    async def raw_updates(self, params: JSON, read_timeout: float) -> Any:
        """``getUpdates`` as Telegram's JSON, unparsed: the inbox stores updates as they came."""
        return await self._post("getUpdates", params, read_timeout=read_timeout)
