"""Report categories as the reports package uses them: the shared taxonomy plus the linking rule.

The ids live in :mod:`handlers.understanding.taxonomy`; which category a text is about is decided by
the trained model in :mod:`handlers.understanding`, not here.
"""

from __future__ import annotations

from handlers.types import Msg
from handlers.understanding.taxonomy import Category, parse_category, urgent

# Reports of one incident are often filed under neighbouring categories by different residents.
_COMPATIBLE: tuple[frozenset[Category], ...] = (
    frozenset({Category.VERDACHTE_SITUATIE, Category.INBRAAK, Category.DIEFSTAL}),
    frozenset({Category.VERNIELING, Category.OVERLAST}),
    frozenset({Category.GEWELD, Category.STRAATINTIMIDATIE, Category.VERDACHTE_SITUATIE}),
    frozenset({Category.DRUGS, Category.OVERLAST, Category.VERDACHTE_SITUATIE}),
)


def compatible(first: Category, second: Category) -> bool:
    """Whether two reports could describe the same incident, judged by category alone."""
    if first == second or Category.ANDERS in (first, second):
        return True
    return any(first in group and second in group for group in _COMPATIBLE)


# The /melding category buttons, in order: (category, in_progress). Inbraak is asked as "bezig" or
# "achteraf" because that decides whether 112 comes first.
CHOICES: tuple[tuple[Category, bool | None], ...] = (
    (Category.VERDACHTE_SITUATIE, None),
    (Category.INBRAAK, True),
    (Category.INBRAAK, False),
    *((c, None) for c in Category if c not in (Category.VERDACHTE_SITUATIE, Category.INBRAAK)),
)


def choice_data(category: Category, in_progress: bool | None) -> str:
    """Button data for a choice: "inbraak:nu", "inbraak:na" or just the id."""
    return category.value + ("" if in_progress is None else (":nu" if in_progress else ":na"))


def label(category: str | None, in_progress: bool | None = None) -> Msg:
    """The category as residents read it; an inbraak says whether it is going on."""
    cat = parse_category(category) or Category.ANDERS
    if cat is Category.INBRAAK and in_progress is not None:
        return Msg.of(
            "understanding.choice.inbraak_bezig" if in_progress else "understanding.choice.inbraak_achteraf"
        )
    return Msg.of(f"reports.category.{cat.value}")


__all__ = ["CHOICES", "Category", "choice_data", "compatible", "label", "urgent"]
