"""signal-cli ``receive`` events → what happened, in our terms (pure functions, no I/O).

The JSON is signal-cli's (``json/JsonMessageEnvelope.java``, ``JsonDataMessage.java``,
``JsonGroupInfo.java``, ``JsonReaction.java``), e.g.::

    {"account": "+31850000000",
     "envelope": {"sourceNumber": "+31611111111", "sourceUuid": "a1b2…", "sourceName": "Ans",
                  "sourceDevice": 1, "timestamp": 1764590000000,
                  "dataMessage": {"timestamp": 1764590000000, "message": "Verdachte man bij de school",
                                  "groupInfo": {"groupId": "base64…=", "groupName": "Buurt Noord",
                                                "revision": 3, "type": "DELIVER"}}}}

A group change (someone added, the bot added or invited, a name change) arrives as a data message
without text whose ``groupInfo.type`` is ``"UPDATE"`` (older versions sent ``"DELIVER"`` with no
text: signal-cli issue #1219); what changed is not in the envelope, so the intake asks
``listGroups``. Reactions, edits, receipts, typing, sync messages from the account's own devices,
stories and calls are either mapped below or ignored. Anything malformed is ``None``: it must never
raise into the event loop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

OBJECT_REPLACEMENT = "\ufffc"  # where Signal puts an @mention in the text


@dataclass(frozen=True)
class Who:
    """The sender: the ACI uuid when known (stable; the number may be hidden), else the number."""

    id: str
    name: str
    number: str | None = None


@dataclass(frozen=True)
class Said:
    """A text (or picture) message, new or edited, in a group or 1:1."""

    who: Who
    timestamp: int
    text: str
    group_id: str | None = None
    group_name: str | None = None
    has_photo: bool = False
    is_edit: bool = False
    quote_timestamp: int | None = None


@dataclass(frozen=True)
class Reacted:
    who: Who
    timestamp: int
    emoji: str
    target_author: str
    target_timestamp: int
    is_remove: bool
    group_id: str | None = None


@dataclass(frozen=True)
class GroupChanged:
    who: Who
    timestamp: int
    group_id: str
    group_name: str | None = None


Event = Said | Reacted | GroupChanged


def parse_event(text: str, own_number: str = "") -> Event | None:
    """One ``receive`` event's JSON text → an event, or None (ignored, unreadable, our own)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    params = data.get("params")  # the same envelope wrapped as a JSON-RPC notification
    if isinstance(params, dict):
        data = params.get("result", params) if isinstance(params.get("result"), dict) else params
    envelope = data.get("envelope")
    if not isinstance(envelope, dict):
        return None
    return parse_envelope(envelope, own_number or str(data.get("account") or ""))


def parse_envelope(envelope: dict[str, Any], own_number: str = "") -> Event | None:
    who = _who(envelope)
    timestamp = envelope.get("timestamp")
    if who is None or not _is_int(timestamp) or (own_number and who.number == own_number):
        return None
    data, is_edit = envelope.get("dataMessage"), False
    edit = envelope.get("editMessage")
    if isinstance(edit, dict) and isinstance(edit.get("dataMessage"), dict):
        data, is_edit = edit["dataMessage"], True
    if not isinstance(data, dict):
        return None  # receipts, typing, sync, calls, stories: nothing for the bot
    group = data.get("groupInfo")
    group_id = group.get("groupId") if isinstance(group, dict) else None
    group_id = group_id if isinstance(group_id, str) and group_id else None
    group_name = _str(group.get("groupName")) if isinstance(group, dict) else None
    reaction = data.get("reaction")
    if isinstance(reaction, dict):
        return _reaction(who, timestamp, reaction, group_id)
    body = data.get("message")
    message = body if isinstance(body, str) else ""
    has_photo = _has_picture(data.get("attachments"))
    if group_id is not None and not message.strip() and not has_photo and not is_edit:
        return GroupChanged(who, timestamp, group_id, group_name)
    if not message.strip() and not has_photo:
        return None
    quote = data.get("quote")
    quoted = quote.get("id") if isinstance(quote, dict) else None
    return Said(
        who,
        timestamp,
        clean_mentions(message),
        group_id,
        group_name,
        has_photo,
        is_edit,
        quoted if _is_int(quoted) else None,
    )


def clean_mentions(text: str) -> str:
    """``"￼ /melding"`` (the bot @mentioned first) → ``"/melding"``: mentions are placeholders."""
    return re.sub(f"[ \t]*{OBJECT_REPLACEMENT}[ \t]*", " ", text).strip()


def _reaction(who: Who, timestamp: int, reaction: dict[str, Any], group_id: str | None) -> Reacted | None:
    emoji = reaction.get("emoji")
    target_ts = reaction.get("targetSentTimestamp")
    author = (
        reaction.get("targetAuthorUuid") or reaction.get("targetAuthorNumber") or reaction.get("targetAuthor")
    )
    if not isinstance(emoji, str) or not _is_int(target_ts) or not isinstance(author, str):
        return None
    return Reacted(who, timestamp, emoji, author, target_ts, reaction.get("isRemove") is True, group_id)


def _who(envelope: dict[str, Any]) -> Who | None:
    uuid, number = _str(envelope.get("sourceUuid")), _str(envelope.get("sourceNumber"))
    ident = uuid or number or _str(envelope.get("source"))
    if not ident:
        return None
    return Who(ident, _str(envelope.get("sourceName")) or "", number)


def _has_picture(attachments: object) -> bool:
    if not isinstance(attachments, list):
        return False
    return any(
        isinstance(a, dict) and str(a.get("contentType") or "").startswith("image/") for a in attachments
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
