"""Message catalogs: every text a user reads, per locale, as TOML files in ``messages/<locale>/``.

Each locale directory holds one file per feature (``core.toml``, ``reports.toml`` …). Keys are
flattened with dots (``[start] private = "…"`` becomes ``start.private``) and must be unique across
the files of a locale. Templates may use the trusted tags ``<b>`` and ``<i>``; parameters are user
text and are escaped by the adapter that renders them.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from messages.msg import Msg

MESSAGES_DIR = Path(__file__).resolve().parent
LOCALES: tuple[str, ...] = ("nl", "en")


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent."""


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str], origin: Path) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(key, value, out, origin)
        elif isinstance(value, str):
            if key in out:
                raise CatalogError(f"{origin}: key {key!r} is defined twice")
            out[key] = value
        else:
            raise CatalogError(f"{origin}: key {key!r} must be text")


def load_locale(directory: Path) -> dict[str, str]:
    """Read every ``*.toml`` of one locale directory into a flat key → template mapping."""
    texts: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: {exc}") from exc
        _flatten("", data, texts, path)
    return texts


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` fields a template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def identity(text: str) -> str:
    return text


def strip_tags(template: str) -> str:
    """Plain-text rendering of the catalog's trusted tags (console, logs)."""
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        template = template.replace(tag, "")
    return template


@dataclass(frozen=True)
class Catalog:
    """All locales' texts; ``default_locale`` is used when a chat's locale is unknown."""

    texts: Mapping[str, Mapping[str, str]]
    default_locale: str = "nl"

    @classmethod
    def load(cls, root: Path = MESSAGES_DIR, default_locale: str = "nl") -> Catalog:
        texts = {locale: load_locale(root / locale) for locale in LOCALES}
        if default_locale not in texts:
            raise CatalogError(f"unknown default locale {default_locale!r}")
        return cls(texts, default_locale)

    def has(self, key: str) -> bool:
        return key in self.texts[self.default_locale]

    def template(self, key: str, locale: str | None = None) -> str:
        table = self.texts.get(locale or self.default_locale) or self.texts[self.default_locale]
        template = table.get(key) or self.texts[self.default_locale].get(key)
        if template is None:
            raise KeyError(f"no catalog text for {key!r}")
        return template

    def render(
        self,
        msg: Msg,
        locale: str | None = None,
        escape: Callable[[str], str] = identity,
        markup: Callable[[str], str] = identity,
    ) -> str:
        """Fill a template; every parameter passes through ``escape`` (e.g. HTML escaping).

        ``markup`` rewrites the trusted ``<b>``/``<i>`` tags of the template itself for the platform
        (kept for Telegram HTML, ``*bold*`` for WhatsApp, removed for the console) before filling.
        """
        template = markup(self.template(msg.key, locale))
        values = {name: self._param(value, locale, escape, markup) for name, value in msg.params.items()}
        missing = placeholders(template) - values.keys()
        if missing:
            raise KeyError(f"{msg.key!r} needs parameters {sorted(missing)}")
        return template.format_map(values)

    def _param(
        self, value: object, locale: str | None, escape: Callable[[str], str], markup: Callable[[str], str]
    ) -> str:
        # A nested Msg is catalog text (trusted, its own params escaped); anything else is user text.
        if isinstance(value, Msg):
            return self.render(value, locale, escape, markup)
        if isinstance(value, list | tuple):  # a list of lines, e.g. the /help entries
            return "\n".join(self._param(item, locale, escape, markup) for item in value)
        return escape(str(value))
