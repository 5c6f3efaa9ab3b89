"""Every text exists in every locale with the same placeholders; code only names keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from messages.catalog import LOCALES, Catalog, CatalogError, load_locale, placeholders

ROOT = Path(__file__).resolve().parent.parent
CATALOG = Catalog.load()
ALLOWED_TAGS = {"<b>", "</b>", "<i>", "</i>"}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_every_key(locale: str) -> None:
    keys = {loc: set(CATALOG.texts[loc]) for loc in LOCALES}
    union = set().union(*keys.values())
    assert sorted(union - keys[locale]) == []


def test_placeholders_match_across_locales() -> None:
    mismatched = [
        key
        for key, template in CATALOG.texts["nl"].items()
        if key in CATALOG.texts["en"] and placeholders(template) != placeholders(CATALOG.texts["en"][key])
    ]
    assert mismatched == []


def test_templates_use_only_trusted_tags() -> None:
    bad = {
        (locale, key): tags
        for locale in LOCALES
        for key, template in CATALOG.texts[locale].items()
        if (tags := set(re.findall(r"</?[a-zA-Z][^>]*>", template)) - ALLOWED_TAGS)
    }
    assert bad == {}


def _keys_named_in_code() -> set[str]:
    pattern = re.compile(r"""(?:Msg\.of|Reply\.say|\bsay)\(\s*["']([a-z_]+(?:\.[a-z0-9_-]+)+)["']""")
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_code_names_only_existing_keys() -> None:
    missing = sorted(key for key in _keys_named_in_code() if not CATALOG.has(key))
    assert missing == []


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x]\ny = "one"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('x.y = "two"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="defined twice"):
        load_locale(tmp_path)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("x = \n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad\.toml"):
        load_locale(tmp_path)
