"""WhatsApp's text markup, platform-free so handlers can prepare forward kits with it.

WhatsApp has no HTML: the catalog's trusted ``<b>``/``<i>`` become ``*…*``/``_…_``. Parameters are
user text: they are not HTML-escaped (a resident's "<" stays "<"), but WhatsApp's own markup
characters are swapped for look-alikes, so a description like ``*GEVAARLIJK*`` cannot restyle a message.
"""

from __future__ import annotations

from handlers.types import Msg
from messages.catalog import Catalog

_TAGS = {"<b>": "*", "</b>": "*", "<i>": "_", "</i>": "_"}
_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ʹ"})


def whatsapp_tags(template: str) -> str:
    """Catalog tags → WhatsApp markup (applied to trusted templates only)."""
    for tag, mark in _TAGS.items():
        template = template.replace(tag, mark)
    return template


def whatsapp_escape(text: str) -> str:
    """Escape one user parameter for WhatsApp: markup characters become look-alikes."""
    return text.translate(_LOOKALIKES)


def whatsapp_text(catalog: Catalog, msg: Msg, locale: str | None = None) -> str:
    """One catalog message as WhatsApp shows it (``*vet*``, ``_schuin_``, no HTML)."""
    return catalog.render(msg, locale, escape=whatsapp_escape, markup=whatsapp_tags)
