"""Neutral :class:`Reply` → WhatsApp Cloud API message bodies.

Text follows :mod:`messages.markup` (``*vet*``, no HTML, user markup neutralised).
Buttons: up to 3 → reply buttons, up to 10 → a list, more → numbered text the user answers with a
number (the options are returned so the caller can remember them). WhatsApp cannot edit a sent
message, so an ``edit`` reply is simply sent anew.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.types import Button, Msg, Reply
from messages.catalog import Catalog
from messages.markup import whatsapp_text

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
BUTTON_TITLE_LIMIT = 20
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
TEMPLATE_PARAM_LIMIT = 900


def render_text(catalog: Catalog, msg: Msg, locale: str | None = None) -> str:
    return whatsapp_text(catalog, msg, locale)


def plain_label(catalog: Catalog, msg: Msg, locale: str | None, limit: int) -> str:
    """A button or row title: no markup at all, cut to WhatsApp's limit."""
    text = render_text(catalog, msg, locale).replace("*", "").replace("_", "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Rendered:
    """The bodies to POST, in order, and (for numbered menus) the data each number stands for."""

    bodies: tuple[dict[str, Any], ...]
    numbered: tuple[str, ...] = ()


def render_reply(reply: Reply, catalog: Catalog, to: str, locale: str | None = None) -> Rendered:
    text = "\n\n".join(render_text(catalog, part, locale) for part in reply.parts)
    buttons = [button for row in reply.buttons for button in row]
    bodies: list[dict[str, Any]] = []
    numbered: tuple[str, ...] = ()
    if not buttons:
        bodies += [text_body(to, chunk) for chunk in split_text(text)]
    elif len(buttons) <= MAX_LIST_ROWS:
        head, body_text = _interactive_text(text, catalog, locale)
        bodies += [text_body(to, chunk) for chunk in head]
        if len(buttons) <= MAX_REPLY_BUTTONS:
            bodies.append(_buttons_body(to, body_text, buttons, catalog, locale))
        else:
            bodies.append(_list_body(to, body_text, buttons, catalog, locale))
    else:
        menu = _numbered_menu(buttons, catalog, locale)
        bodies += [text_body(to, chunk) for chunk in split_text(f"{text}\n\n{menu}".strip())]
        numbered = tuple(button.data for button in buttons)
    if reply.location is not None:
        bodies.append(location_body(to, reply.location.latitude, reply.location.longitude))
    return Rendered(tuple(body for body in bodies if body), numbered)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut long text at paragraph, then line, then hard boundaries; empty text sends nothing."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*chunks, rest] if rest else chunks


def _interactive_text(text: str, catalog: Catalog, locale: str | None) -> tuple[list[str], str]:
    # An interactive body holds 1024 characters and may not be empty: long text goes first as text.
    if text and len(text) <= INTERACTIVE_BODY_LIMIT:
        return [], text
    return split_text(text), render_text(catalog, Msg("whatsapp.choose"), locale)


def text_body(to: str, text: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": text, "preview_url": False},
    }


def location_body(to: str, latitude: float, longitude: float) -> dict[str, Any]:
    location = {"latitude": latitude, "longitude": longitude}
    return {"messaging_product": "whatsapp", "to": to, "type": "location", "location": location}


def _buttons_body(
    to: str, text: str, buttons: list[Button], catalog: Catalog, locale: str | None
) -> dict[str, Any]:
    replies = [
        {
            "type": "reply",
            "reply": {"id": b.data, "title": plain_label(catalog, b.label, locale, BUTTON_TITLE_LIMIT)},
        }
        for b in buttons
    ]
    interactive = {"type": "button", "body": {"text": text}, "action": {"buttons": replies}}
    return {"messaging_product": "whatsapp", "to": to, "type": "interactive", "interactive": interactive}


def _list_body(
    to: str, text: str, buttons: list[Button], catalog: Catalog, locale: str | None
) -> dict[str, Any]:
    rows = []
    for button in buttons:
        row = {"id": button.data, "title": plain_label(catalog, button.label, locale, ROW_TITLE_LIMIT)}
        full = plain_label(catalog, button.label, locale, ROW_DESCRIPTION_LIMIT)
        if full != row["title"]:  # a cut title: the description shows the rest
            row["description"] = full
        rows.append(row)
    action = {
        "button": plain_label(catalog, Msg("whatsapp.list_button"), locale, BUTTON_TITLE_LIMIT),
        "sections": [{"rows": rows}],
    }
    interactive = {"type": "list", "body": {"text": text}, "action": action}
    return {"messaging_product": "whatsapp", "to": to, "type": "interactive", "interactive": interactive}


def _numbered_menu(buttons: list[Button], catalog: Catalog, locale: str | None) -> str:
    lines = [
        f"{n}. {plain_label(catalog, b.label, locale, ROW_DESCRIPTION_LIMIT)}"
        for n, b in enumerate(buttons, 1)
    ]
    return "\n".join([*lines, "", render_text(catalog, Msg("whatsapp.numbered_hint"), locale)])


def template_param(text: str) -> str:
    """Meta refuses template parameters with newlines, tabs or more than 4 spaces in a row."""
    flat = re.sub(r"\s*\n\s*", " · ", text.strip())
    flat = re.sub(r"[\t ]{2,}", " ", flat)
    return flat if len(flat) <= TEMPLATE_PARAM_LIMIT else flat[: TEMPLATE_PARAM_LIMIT - 1] + "…"


def template_body(to: str, name: str, language: str, params: list[str]) -> dict[str, Any]:
    """An approved template message (the only kind allowed outside the 24 h window)."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if params:
        parameters = [{"type": "text", "text": template_param(p)} for p in params]
        template["components"] = [{"type": "body", "parameters": parameters}]
    return {"messaging_product": "whatsapp", "to": to, "type": "template", "template": template}
