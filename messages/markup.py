"""WhatsApp's text markup, platform-free so handlers can prepare forward kits with it.

WhatsApp has no HTML: the catalog's trusted ``<b>``/``<i>`` become ``*…*``/``_…_``. Parameters are
user text: they are not HTML-escaped (a resident's "<" stays "<"), but WhatsApp's own markup
characters are swapped for look-alikes, so a description like ``*GEVAARLIJK*`` cannot restyle a message.

Tags are converted after the parameters are filled in, so user text must not be able to spell a
catalog tag either: :func:`whatsapp_escape` holds every "<" of user text as a private marker that
:func:`whatsapp_tags` turns back into "<" only after converting the trusted tags. A resident's
``<b>`` is therefore shown as typed and never becomes ``*``.
"""

from __future__ import annotations

from messages.catalog import Catalog
from messages.msg import Msg

_TAGS = {"<b>": "*", "</b>": "*", "<i>": "_", "</i>": "_"}
# A private-use character stands in for user text's "<" until the tags are converted.
_USER_LT = "\ue000"
_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ʹ", "<": _USER_LT, _USER_LT: "\ufffd"})


def whatsapp_tags(text: str) -> str:
    """Catalog tags → WhatsApp markup; "<" held by :func:`whatsapp_escape` comes back as "<"."""
    for tag, mark in _TAGS.items():
        text = text.replace(tag, mark)
    return text.replace(_USER_LT, "<")


def whatsapp_escape(text: str) -> str:
    """Escape one user parameter for WhatsApp: markup characters become look-alikes, "<" is held."""
    return text.translate(_LOOKALIKES)


def whatsapp_text(catalog: Catalog, msg: Msg, locale: str | None = None) -> str:
    """One catalog message as WhatsApp shows it (``*vet*``, ``_schuin_``, no HTML)."""
    return whatsapp_tags(catalog.render(msg, locale, escape=whatsapp_escape))
