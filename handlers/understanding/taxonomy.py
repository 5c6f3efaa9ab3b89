"""The one taxonomy every part of Buurtbot shares: corpus labels, the model, stored reports, exports.

Ids are fixed: they are stored in the database, travel in button data and name catalog keys
(``reports.category.<id>``, ``referrals.situation.<id>``). Change them only with a migration.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a message is: something seen (report), someone needing help, chatter, or a question."""

    REPORT = "report"
    HELP = "help"
    CHATTER = "chatter"
    QUESTION = "question"


class Category(StrEnum):
    """What a report is about; ``in_progress`` (stored beside it) says whether it is happening now."""

    VERDACHTE_SITUATIE = "verdachte_situatie"
    INBRAAK = "inbraak"
    DIEFSTAL = "diefstal"
    VERNIELING = "vernieling"
    BABBELTRUC = "babbeltruc"
    ONLINE_FRAUDE = "online_fraude"
    OVERLAST = "overlast"
    VERMISSING = "vermissing"
    BRAND_OF_ONGEVAL = "brand_of_ongeval"
    GEWELD = "geweld"
    DRUGS = "drugs"
    STRAATINTIMIDATIE = "straatintimidatie"
    ANDERS = "anders"


# The help situations of /hulp the recogniser can point to (handlers/referrals/situations.py holds
# their services; /hulp also has menu-less extras such as "verkeer" and "burgernet").
SITUATIONS: tuple[str, ...] = (
    "thuis",
    "anoniem",
    "discriminatie",
    "opgelicht",
    "verward",
    "lastig",
    "kapot",
    "praten",
    "zelfdoding",
    "seksueel",
    "slachtoffer",
    "nood",
)

# Ids stored before this taxonomy (migration 0015_taxonomy maps them); the bool is in_progress.
LEGACY: dict[str, tuple[Category, bool | None]] = {
    "verdacht": (Category.VERDACHTE_SITUATIE, None),
    "inbraak_bezig": (Category.INBRAAK, True),
    "inbraak_achteraf": (Category.INBRAAK, False),
    "online_oplichting": (Category.ONLINE_FRAUDE, None),
    "brand_ongeval": (Category.BRAND_OF_ONGEVAL, None),
}

# Happening now, these put "bel eerst 112" before anything else.
URGENT_WHEN_IN_PROGRESS: frozenset[Category] = frozenset({Category.INBRAAK, Category.GEWELD})
URGENT_ALWAYS: frozenset[Category] = frozenset({Category.BRAND_OF_ONGEVAL})


def urgent(category: str | None, in_progress: bool | None, danger_now: bool = False) -> bool:
    """Someone may be in danger right now: call 112 first.

    An inbraak or geweld that is going on, any fire or accident, or danger words in the message.
    """
    if danger_now:
        return True
    if in_progress is None and category in LEGACY:
        in_progress = LEGACY[category][1]
    cat = parse_category(category)
    if cat in URGENT_ALWAYS:
        return True
    return bool(in_progress) and cat in URGENT_WHEN_IN_PROGRESS


def parse_category(value: str | None) -> Category | None:
    """A stored or typed id as a Category (old ids included); None when it is not one."""
    if value is None:
        return None
    if value in LEGACY:
        return LEGACY[value][0]
    try:
        return Category(value)
    except ValueError:
        return None
