"""Neutral :class:`Reply` → the plain texts Signal gets (no markup, no buttons).

signal-cli sends ``message`` as typed (styles would need ``textStyle`` ranges), so the catalog's
``<b>``/``<i>`` are dropped and user text is left alone. Buttons become numbered lines under the
text with a hint; ``menus.py`` turns the answer back into the button. A location becomes a map
link (Signal has no location message). Long text is cut into several messages: Signal clients
show at most 2,000 characters of a message body before turning it into a "long text" attachment.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.types import Msg, Reply
from messages.catalog import Catalog, strip_tags

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Rendered:
    texts: tuple[str, ...]
    numbered: tuple[str, ...] = ()  # button data, in the order of their numbers


def render_text(catalog: Catalog, msg: Msg, locale: str | None) -> str:
    return catalog.render(msg, locale, markup=strip_tags)


def render_reply(reply: Reply, catalog: Catalog, locale: str | None = None) -> Rendered:
    text = "\n\n".join(render_text(catalog, part, locale) for part in reply.parts).strip()
    buttons = [button for row in reply.buttons for button in row]
    if buttons:
        lines = [f"{n}. {render_text(catalog, b.label, locale).strip()}" for n, b in enumerate(buttons, 1)]
        hint = render_text(catalog, Msg.of("signal.numbered_hint"), locale)
        text = "\n\n".join(part for part in (text, "\n".join(lines), hint) if part)
    if reply.location is not None:
        lat, lon = f"{reply.location.latitude:.6f}", f"{reply.location.longitude:.6f}"
        where = render_text(catalog, Msg.of("signal.location", lat=lat, lon=lon), locale)
        text = f"{text}\n\n{where}" if text else where
    return Rendered(tuple(split_text(text)), tuple(b.data for b in buttons))


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut at a paragraph, else a line, else hard (the numbered lines come last, so in the last part)."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*chunks, rest] if rest else chunks
