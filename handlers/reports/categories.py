"""Report categories and the Dutch words that point to each.

Ids are stable (stored in the database, used in button data); labels live in the message catalog
under ``reports.category.<id>``. Patterns are regular expressions over lower-cased text; a "strong"
cue alone is enough to call a message a report, a "weak" one needs other details beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    VERDACHT = "verdacht"
    INBRAAK_BEZIG = "inbraak_bezig"
    INBRAAK_ACHTERAF = "inbraak_achteraf"
    DIEFSTAL = "diefstal"
    VERNIELING = "vernieling"
    BABBELTRUC = "babbeltruc"
    ONLINE_OPLICHTING = "online_oplichting"
    OVERLAST = "overlast"
    VERMISSING = "vermissing"
    BRAND_ONGEVAL = "brand_ongeval"
    ANDERS = "anders"


# Categories where someone may be in danger right now: "bel eerst 112" comes before anything else.
URGENT: frozenset[Category] = frozenset({Category.INBRAAK_BEZIG, Category.BRAND_ONGEVAL})

# Reports of one incident are often filed under neighbouring categories by different residents.
_COMPATIBLE: tuple[frozenset[Category], ...] = (
    frozenset({Category.VERDACHT, Category.INBRAAK_BEZIG, Category.INBRAAK_ACHTERAF, Category.DIEFSTAL}),
    frozenset({Category.VERNIELING, Category.OVERLAST}),
)


def compatible(first: Category, second: Category) -> bool:
    """Whether two reports could describe the same incident, judged by category alone."""
    if first == second or Category.ANDERS in (first, second):
        return True
    return any(first in group and second in group for group in _COMPATIBLE)


@dataclass(frozen=True)
class Cue:
    category: Category
    pattern: re.Pattern[str]
    strong: bool


def _cue(category: Category, pattern: str, strong: bool = True) -> Cue:
    return Cue(category, re.compile(r"(?<!\w)(?:" + pattern + r")"), strong)


# Order matters only for ties: the first category with the highest score wins.
CUES: tuple[Cue, ...] = (
    _cue(
        Category.INBRAAK_BEZIG,
        r"inbraak (?:is )?(?:bezig|gaande|aan de gang)|wordt (?:nu )?ingebroken"
        r"|(?:zijn|is|zijn ze|is hij|is er iemand) (?:nu )?(?:aan het )?in ?(?:te )?breken|breken (?:nu )?in"
        r"|breekt (?:nu )?in|proberen? (?:in te breken|binnen te komen)|inbrekers? (?:in|bij|op)"
        r"|aan het inbreken|klimt? (?:over|door|naar binnen)|gaat? (?:door|via) (?:het|een) raam",
    ),
    _cue(
        Category.INBRAAK_ACHTERAF,
        r"(?:is|zijn|werd|was|hebben) (?:er )?(?:\w+ )?ingebroken|ingebroken"
        r"|inbraak (?:gehad|gepleegd)|opengebroken|(?:raam|deur|slot) (?:is )?geforceerd|inbraak"
        r"|inbraaksporen|braaksporen",
    ),
    _cue(
        Category.DIEFSTAL,
        r"gestolen|gejat|gepikt|diefstal|dief|dieven|weggenomen|beroofd|beroving|overval"
        r"|zakkenroller|tasjesdief|gegrepen uit|meegenomen zonder",
    ),
    _cue(
        Category.VERNIELING,
        r"vernield|vernieling|vernielingen|kapot ?gemaakt|kapotgetrapt|ingegooid"
        r"|ingeslagen|bekrast|graffiti|beklad|lek ?gestoken|ingetrapt|vandalisme|vandalen",
    ),
    _cue(
        Category.BABBELTRUC,
        r"babbeltruc|nep-?agent|nep-?politie|valse (?:agent|politie|meteropnemer)"
        r"|meteropnemer|glaasje water|deed zich voor als"
        r"|(?:belt|belde|stond) aan (?:de|bij) (?:deur|ouderen)"
        r"|aan de deur (?:voor|om|met)|zogenaamd van (?:de )?(?:bank|gemeente|energie|politie)",
    ),
    _cue(
        Category.ONLINE_OPLICHTING,
        r"phishing|oplichting|opgelicht|oplichter|hoi mam|hallo mam|hoi pap"
        r"|nieuw nummer|tikkie|betaalverzoek|nep-?sms|nepmail|nep-?mail|verificatiecode|spoofing"
        r"|bankhelpdesk|whatsapp-?fraude|vriend in nood|valse (?:link|sms|mail)",
    ),
    _cue(
        Category.OVERLAST,
        r"overlast|herrie|lawaai|harde muziek|hangjongeren|hangen (?:rond|hier)"
        r"|vuurwerk|blowen|scheuren|toeteren|geschreeuw|schreeuwen",
        strong=False,
    ),
    _cue(
        Category.VERMISSING,
        r"vermist|vermissing|vermiste|niet thuisgekomen|weggelopen|wordt gezocht"
        r"|(?:zoon|dochter|kind|jongen|meisje|vader|moeder|opa|oma|man|vrouw) (?:is )?kwijt"
        r"|dementerende?|verward(?:e)? (?:man|vrouw|oudere)",
    ),
    _cue(
        Category.BRAND_ONGEVAL,
        r"brand|brandt|in de fik|vlammen|rookontwikkeling|rook uit|ongeluk"
        r"|ongeval|aanrijding|aangereden|doorgereden|onwel|reanimatie|reanimeren|aed|gewond|bewusteloos"
        r"|ligt op (?:straat|de grond)|gevallen en",
    ),
    _cue(
        Category.VERDACHT,
        r"verdacht|verdachte|verdachten|loert|loeren|gluurt|gluren|rommelt|sluipt|sluipen"
        r"|voelt aan|voelde aan|prob\w* (?:\w+ )?(?:deur\w*|klink\w*|sloten|ramen|poort\w*)|deurklink\w*"
        r"|kijkt? in (?:auto|ramen|huizen|tuinen)|keek in|kijken naar binnen|kijkt naar binnen"
        r"|ongure?|rij\w* [^.,;!?]{0,25}rondjes|rondjes (?:rijden|lopen|rijdt|rijdend)|fotografeert"
        r"|maakt foto'?s van huizen|rammel\w*"
        r"|(?:aan|bij) (?:de )?(?:deuren|deur|klinken|ramen|auto'?s)"
        r" (?:voelt|voelde|voelen|trekt|trok|morrelt)"
        r"|met zaklamp|zaklampen|schijnt met|in de gaten houden",
    ),
    _cue(
        Category.VERDACHT,
        r"loopt (?:hier )?rond|lopen (?:hier )?rond|hangt rond|rondhangen|rondlopen"
        r"|capuchon op|handschoenen aan|bivakmuts",
        strong=False,
    ),
)
