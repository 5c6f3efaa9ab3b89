"""Jinja2 pages for the dashboard: autoescaped templates whose every word comes from the catalogs.

Templates never hold Dutch (or English) text: they call ``t("dashboard.nav.overview")``, which renders
the catalog entry for the viewer's locale with its parameters HTML-escaped. Report texts and names
reach a template only as plain values, which Jinja's autoescape escapes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from handlers.dashboard.viewer import Viewer
from messages.catalog import Catalog
from messages.msg import Msg

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SECURITY_HEADERS = {
    # No scripts at all, nothing from elsewhere: the pages work offline and cannot run injected code.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Translator:
    """``t(key, **params)`` in a template: catalog text, trusted tags kept, parameters escaped."""

    catalog: Catalog
    locale: str | None

    def __call__(self, key: str, **params: object) -> Markup:
        return Markup(self.catalog.render(Msg.of(key, **params), self.locale, escape=html.escape))

    def msg(self, message: Msg) -> Markup:
        return Markup(self.catalog.render(message, self.locale, escape=html.escape))


def setup(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class NavEntry:
    path: str
    label_key: str
    active: bool


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    *,
    catalog: Catalog,
    locale: str | None,
    viewer: Viewer | None = None,
    csrf: str = "",
    nav: tuple[NavEntry, ...] = (),
    status: int = 200,
) -> web.Response:
    full = {
        "t": Translator(catalog, locale),
        "lang": locale or catalog.default_locale,
        "viewer": viewer,
        "csrf": csrf,
        "nav": nav,
        **context,
    }
    response = aiohttp_jinja2.render_template(template, request, full, status=status)
    response.headers.update(SECURITY_HEADERS)
    return response
