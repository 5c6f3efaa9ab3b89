"""The `/hulp` menu: situations in plain words, each leading to the one or two right services.

Labels and intros are catalog keys (``referrals.situation.<id>.label`` / ``.intro``); services are
ids from ``messages/services.toml``. The routing follows nl-catalogue.md §0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    id: str  # short: it travels in callback data ("hulp:<id>")
    services: tuple[str, ...]  # service ids, most important first
    # There can be danger: the answer starts with "bel 112" (and the 112 card if danger is seen).
    danger: bool = False
    # About a person's private life: in a group only a discreet pointer, the rest in private.
    sensitive: bool = True
    # Catalog keys of extra steps shown before the services (e.g. "call your bank first").
    steps: tuple[str, ...] = ()
    # Words for `/hulp WOORD` (already normalised: lower case, no accents).
    words: tuple[str, ...] = ()
    in_menu: bool = True


SITUATIONS: tuple[Situation, ...] = (
    Situation("anoniem", ("meld_misdaad_anoniem",), words=("anoniem", "tip", "mma", "misdaad", "0800-7000")),
    Situation(
        "thuis",
        ("veilig_thuis",),
        danger=True,
        words=(
            "thuis",
            "huiselijk",
            "geweld",
            "mishandeling",
            "kindermishandeling",
            "ouderenmishandeling",
            "veiligthuis",
            "0800-2000",
        ),
    ),
    Situation(
        "discriminatie",
        ("discriminatie",),
        steps=("referrals.step.discriminatie_aangifte",),
        words=("discriminatie", "gediscrimineerd", "racisme", "radar"),
    ),
    Situation(
        "opgelicht",
        ("fraudehelpdesk", "politie"),
        steps=("referrals.step.bank_first",),
        words=("opgelicht", "oplichting", "fraude", "phishing", "oplichter", "fraudehelpdesk", "nepagent"),
    ),
    Situation(
        "verward",
        ("zorgwekkend_gedrag",),
        danger=True,
        words=("verward", "zorg", "overlast", "zorgwekkend", "vervuild"),
    ),
    Situation(
        "kapot",
        ("fixi", "gemeente"),
        sensitive=False,
        words=("kapot", "fixi", "lantaarnpaal", "straat", "stoeptegel", "afval", "gemeente", "14078"),
    ),
    Situation(
        "lastig",
        ("stop_intimidatie",),
        danger=True,
        words=("lastiggevallen", "intimidatie", "straatintimidatie", "nasissen", "nafluiten"),
    ),
    Situation(
        "praten", ("kindertelefoon", "alles_oke"), words=("praten", "kindertelefoon", "alles-oke", "alleen")
    ),
    Situation(
        "zelfdoding",
        ("zelfmoordpreventie_113",),
        danger=True,
        words=("113", "zelfmoord", "zelfdoding", "suicide"),
    ),
    Situation(
        "seksueel", ("seksueel_geweld",), danger=True, words=("seksueel", "verkrachting", "aanranding", "csg")
    ),
    Situation(
        "verkeer", ("gemeente", "veilig_verkeer"), sensitive=False, words=("verkeer", "vvn"), in_menu=False
    ),
    Situation(
        "nood",
        ("alarm_112", "politie"),
        sensitive=False,
        words=("112", "nood", "politie", "spoed"),
        in_menu=False,
    ),
    Situation("slachtoffer", ("slachtofferhulp",), words=("slachtoffer", "slachtofferhulp"), in_menu=False),
    Situation("burgernet", ("burgernet",), sensitive=False, words=("burgernet",), in_menu=False),
)

BY_ID: dict[str, Situation] = {s.id: s for s in SITUATIONS}


def by_word(word: str) -> Situation | None:
    """`/hulp WOORD`: the situation whose word list holds the word (or a word starting with it)."""
    word = word.strip().lower()
    if not word:
        return None
    if word in BY_ID:
        return BY_ID[word]
    for situation in SITUATIONS:
        if word in situation.words:
            return situation
    if len(word) >= 4:
        for situation in SITUATIONS:
            if any(w.startswith(word) or word.startswith(w) for w in situation.words if len(w) >= 4):
                return situation
    return None
