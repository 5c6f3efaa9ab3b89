"""The reports catalog: both locales, same keys and placeholders, a label for every category."""

from __future__ import annotations

import re

from handlers.reports.categories import Category
from messages.catalog import Catalog, placeholders


def _reports_keys(catalog: Catalog, locale: str) -> dict[str, str]:
    return {key: text for key, text in catalog.texts[locale].items() if key.startswith("reports.")}


def test_nl_and_en_have_the_same_keys_and_placeholders() -> None:
    catalog = Catalog.load()
    nl, en = _reports_keys(catalog, "nl"), _reports_keys(catalog, "en")
    assert nl.keys() == en.keys()
    for key, text in nl.items():
        assert placeholders(text) == placeholders(en[key]), key


def test_every_category_and_status_has_a_label() -> None:
    catalog = Catalog.load()
    for category in Category:
        assert catalog.has(f"reports.category.{category.value}")
    for status in ("open", "doorgegeven", "closed"):
        assert catalog.has(f"reports.status.{status}")


def test_templates_use_only_bold_and_italic_tags() -> None:
    catalog = Catalog.load()
    for locale in ("nl", "en"):
        for key, text in _reports_keys(catalog, locale).items():
            tags = set(re.findall(r"</?([a-zA-Z]+)", text))
            assert tags <= {"b", "i"}, (locale, key, tags)
