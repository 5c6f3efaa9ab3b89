"""The fixed taxonomy: urgency, old ids, and that every situation the model can name has a service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.referrals.situations import BY_ID
from handlers.reports.categories import CHOICES, compatible
from handlers.reports.draft import Draft
from handlers.understanding.taxonomy import SITUATIONS, Category, urgent
from messages.catalog import Catalog

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("category", "in_progress", "danger", "expected"),
    [
        ("inbraak", True, False, True),
        ("inbraak", False, False, False),
        ("geweld", True, False, True),
        ("geweld", None, False, False),
        ("brand_of_ongeval", None, False, True),
        ("diefstal", True, False, False),
        ("overlast", None, True, True),
        ("inbraak_bezig", None, False, True),  # an old id still reads right
    ],
)
def test_urgency(category: str, in_progress: bool | None, danger: bool, expected: bool) -> None:
    assert urgent(category, in_progress, danger) is expected


def test_every_situation_has_a_hulp_entry() -> None:
    assert set(SITUATIONS) <= set(BY_ID)


def test_every_category_and_choice_has_a_label_in_both_locales() -> None:
    catalog = Catalog.load()
    for category in Category:
        assert catalog.has(f"reports.category.{category.value}")
    assert (Category.INBRAAK, True) in CHOICES and (Category.INBRAAK, False) in CHOICES
    assert len(CHOICES) == len(Category) + 1


def test_a_dialog_saved_with_an_old_id_is_read_in_the_new_taxonomy() -> None:
    draft = Draft.from_data({"category": "inbraak_bezig", "place": "Reeweg 4"})
    assert (draft.category, draft.in_progress) == ("inbraak", True)
    assert draft.urgent(NOW)
    assert Draft.from_data({"category": "verdacht"}).category == "verdachte_situatie"


def test_linking_compatibility_uses_the_new_ids() -> None:
    assert compatible(Category.INBRAAK, Category.VERDACHTE_SITUATIE)
    assert not compatible(Category.BRAND_OF_ONGEVAL, Category.ONLINE_FRAUDE)
    assert compatible(Category.ANDERS, Category.DRUGS)
