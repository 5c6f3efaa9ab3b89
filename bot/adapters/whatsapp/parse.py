"""WhatsApp Cloud API webhook bodies → neutral values (no aiohttp here, so it is easy to test).

A body holds ``entry[].changes[].value`` with ``messages[]`` (each with a ``wamid``), ``statuses[]``
for what we sent, and ``errors[]``. Messages become :class:`Incoming`; statuses become
:class:`DeliveryStatus`; anything the bot does not act on (reactions, contacts, stickers, system
notices, edits, revokes, other webhook fields) is counted as ignored and logged, never raised.
Meta's payloads change (BSUIDs without ``wa_id``, placeholder strings in docs): every read is
defensive.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot.adapters.whatsapp.words import DEFAULT_COMMAND_WORDS, parse_command
from handlers.clean import clean_incoming
from handlers.types import ChatKind, EventKind, Incoming, Location, Platform, Sender

log = logging.getLogger(__name__)


class MalformedWebhook(ValueError):
    """The body is not a WhatsApp webhook at all (the endpoint answers 400)."""


@dataclass(frozen=True)
class DeliveryStatus:
    """What Meta reports about a message we sent: sent, delivered, read or failed (+ error code)."""

    message_id: str  # the wamid our send returned
    status: str
    recipient_id: str
    at: datetime
    error_code: int | None = None
    error_title: str | None = None


@dataclass
class Parsed:
    incoming: list[Incoming] = field(default_factory=list)
    statuses: list[DeliveryStatus] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # why each skipped item was skipped
    # wamid → a webhook body holding only that message (with its contact): what the inbox stores,
    # so each message is deduped and retried on its own however Meta batches a redelivery.
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        return text or None
    return None


def _timestamp(value: object, now: datetime) -> datetime:
    """Meta's epoch seconds; never later than ``now`` (a retried webhook must not reopen the window)."""
    try:
        at = datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(at, now)


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def parse_webhook(body: object, now: datetime, words: Mapping[str, str] = DEFAULT_COMMAND_WORDS) -> Parsed:
    """Every message and status in one webhook body, in order."""
    if not isinstance(body, dict) or not isinstance(body.get("entry"), list):
        raise MalformedWebhook("not a webhook body: no entry list")
    parsed = Parsed()
    for entry in body["entry"]:
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            if change.get("field") != "messages":
                parsed.ignored.append(f"field {change.get('field')!r}")
                continue
            _parse_value(_dict(change.get("value")), now, words, parsed)
    return parsed


def _parse_value(value: dict[str, Any], now: datetime, words: Mapping[str, str], parsed: Parsed) -> None:
    for error in _list(value.get("errors")):
        log.warning("whatsapp webhook error %s: %s", _dict(error).get("code"), _dict(error).get("title"))
    contacts = [_dict(c) for c in _list(value.get("contacts"))]
    for message in _list(value.get("messages")):
        message = _dict(message)
        contact = _contact_for(message, contacts)
        incoming = _message(message, contact, now, words)
        if isinstance(incoming, Incoming):
            parsed.incoming.append(clean_incoming(incoming))
            parsed.bodies[incoming.delivery_id or ""] = single_message_body(value, contact, message)
        else:
            parsed.ignored.append(incoming)
    for status in _list(value.get("statuses")):
        delivery = _status(_dict(status), now)
        if delivery is not None:
            parsed.statuses.append(delivery)
        else:
            parsed.ignored.append("status without id")


def single_message_body(
    value: dict[str, Any], contact: dict[str, Any], message: dict[str, Any]
) -> dict[str, Any]:
    """A webhook body with just this message, which :func:`parse_webhook` reads back the same way."""
    one = {"metadata": value.get("metadata"), "contacts": [contact] if contact else [], "messages": [message]}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": one}]}],
    }


def _contact_for(message: dict[str, Any], contacts: list[dict[str, Any]]) -> dict[str, Any]:
    sender = _str(message.get("from"))
    for contact in contacts:
        if sender is not None and _str(contact.get("wa_id")) == sender:
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def _sender_id(message: dict[str, Any], contact: dict[str, Any]) -> str | None:
    # The phone number (wa_id) is what we can send to; BSUID-only users (2026) have just user_id.
    return (
        _str(message.get("from"))
        or _str(contact.get("wa_id"))
        or _str(message.get("from_user_id"))
        or _str(contact.get("user_id"))
    )


def _message(
    message: dict[str, Any], contact: dict[str, Any], now: datetime, words: Mapping[str, str]
) -> Incoming | str:
    """One message → Incoming, or the reason it is ignored."""
    kind = _str(message.get("type")) or "?"
    for error in _list(message.get("errors")):
        log.info("whatsapp message error %s on type %s", _dict(error).get("code"), kind)
    sender_id = _sender_id(message, contact)
    wamid = _str(message.get("id"))
    if sender_id is None or wamid is None:
        return f"{kind} without sender or id"
    profile = _dict(contact.get("profile"))
    base = Incoming(
        platform=Platform.WHATSAPP,
        chat_id=sender_id,
        chat_kind=ChatKind.PRIVATE,
        kind=EventKind.MESSAGE,
        received_at=_timestamp(message.get("timestamp"), now),
        sender=Sender(sender_id, _str(profile.get("name")) or "", _str(profile.get("username"))),
        message_id=wamid,
        delivery_id=wamid,
        reply_to_message_id=_str(_dict(message.get("context")).get("id")),
    )
    return _content(kind, message, base, words)


def _content(kind: str, message: dict[str, Any], base: Incoming, words: Mapping[str, str]) -> Incoming | str:
    if kind == "text":
        return _with_text(base, _str(_dict(message.get("text")).get("body")) or "", words)
    if kind == "interactive":
        return _interactive(_dict(message.get("interactive")), base)
    if kind == "button":  # a template's quick-reply button
        return _template_button(_dict(message.get("button")), base, words)
    if kind == "location":
        return _location(_dict(message.get("location")), base)
    if kind == "image":
        caption = _str(_dict(message.get("image")).get("caption")) or ""
        return _replace(base, text=caption, has_photo=True)
    return f"type {kind}"  # reaction, contacts, sticker, audio, video, document, system, edit, revoke …


def _with_text(base: Incoming, text: str, words: Mapping[str, str]) -> Incoming:
    command, args = parse_command(text, words)
    return _replace(base, text=text, command=command, args=args)


def _template_button(button: dict[str, Any], base: Incoming, words: Mapping[str, str]) -> Incoming | str:
    """A quick reply like "Stop" / "Afmelden" is a command word; any other payload is our button data."""
    payload, label = _str(button.get("payload")), _str(button.get("text"))
    for candidate in (payload, label):
        if candidate and parse_command(candidate, words)[0] is not None:
            return _with_text(base, candidate, words)
    return _callback(base, payload) if payload else "button without payload"


def _interactive(interactive: dict[str, Any], base: Incoming) -> Incoming | str:
    reply_type = _str(interactive.get("type"))
    if reply_type in {"button_reply", "list_reply"}:
        data = _str(_dict(interactive.get(reply_type)).get("id"))
        return _callback(base, data) if data else f"{reply_type} without id"
    return f"interactive {reply_type}"


def _location(location: dict[str, Any], base: Incoming) -> Incoming | str:
    latitude, longitude = _float(location.get("latitude")), _float(location.get("longitude"))
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return "location without usable coordinates"
    return _replace(base, location=Location(latitude, longitude))


def _callback(base: Incoming, data: str | None) -> Incoming:
    return _replace(base, kind=EventKind.CALLBACK, callback_data=data)


def _replace(base: Incoming, **changes: Any) -> Incoming:
    return replace(base, **changes)


def _status(status: dict[str, Any], now: datetime) -> DeliveryStatus | None:
    wamid, state = _str(status.get("id")), _str(status.get("status"))
    if wamid is None or state is None:
        return None
    error = _dict(next(iter(_list(status.get("errors"))), None))
    code = _str(error.get("code"))
    return DeliveryStatus(
        message_id=wamid,
        status=state,
        recipient_id=_str(status.get("recipient_id")) or "",
        at=_timestamp(status.get("timestamp"), now),
        error_code=int(code) if code is not None and code.isdigit() else None,
        error_title=_str(error.get("title")),
    )
