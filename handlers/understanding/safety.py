"""Safety overrides the model: word forms of acute danger always mean "bel 112" first.

A small table of normalised word forms (see :func:`features.normalise`), matched as whole token
sequences, never as substrings ("brandweer" is not "brand"). Three strengths:

- ``ALWAYS``: danger whatever the classifier says ("mes", "wordt geslagen", "ligt op de grond").
- ``CALL``: a cry for help ("help!", "helpen!", "help me"): only as an exclamation or on its own, so
  "kan iemand me helpen met de verhuizing" is not one.
- ``NOW``: "nu", "right now": danger only when the message is about an incident or a person at risk
  (the classifier's kind, category or situation says so), so "ik kijk nu even" stays chatter.
- ``CONTEXT``: forms that are danger for one situation ("op de brug" when someone speaks of suicide,
  "aan de deur" when a scammer is at the door).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from handlers.understanding.features import marked_tokens, normalise

ALWAYS: tuple[str, ...] = (
    # violence against a person, now
    "slaat", "slaan haar", "slaan hem", "wordt geslagen", "word geslagen", "worden geslagen",
    "wordt gestoken", "neergestoken", "steekt", "steken hem", "steekpartij", "schopt", "wordt geschopt",
    "wurgt", "wordt gewurgd", "wordt mishandeld", "mes", "messen", "pistool", "vuurwapen", "geweer",
    "schiet", "schieten", "geschoten", "schoten", "bedreigt met",
    # fire, accidents, someone down
    "brand", "brandt", "staat in brand", "in de fik", "vlammen", "ligt op de grond",
    "ligt iemand op de grond",
    "op de grond ligt", "ligt op straat", "ligt iemand op straat", "ligt bewusteloos",
    "bewusteloos", "reanimeren", "reanimatie", "ademt niet", "bloedt", "verdrinkt", "te water",
    # English
    "knife", "gun", "pistol", "fire", "on fire", "stabbed", "stabbing", "shooting", "shot",
    "being beaten", "beating her", "beating him", "hitting her", "hitting him", "unconscious",
    "not breathing", "bleeding", "lying on the ground",
)  # fmt: skip
# Idioms that contain an ALWAYS form but mean no danger.
IDIOMS: tuple[str, ...] = (
    "slaat nergens op", "slaat aan", "slaat alarm", "slaat toe", "slaat op", "slaat je slag", "fire alarm",
    "fire brigade", "fire station", "shot of",
)  # fmt: skip
CALL: tuple[str, ...] = ("help", "helpen", "hulp", "help me", "help mij", "help us", "help ons", "sos")
_CALL_FIRST = frozenset(form.split()[0] for form in CALL)
NOW: tuple[str, ...] = ("nu", "op dit moment", "right now", "now", "op heterdaad", "bezig", "in progress")
CONTEXT: dict[str, tuple[str, ...]] = {
    "zelfdoding": (
        "op de brug", "op het spoor", "voor de trein", "pillen", "afscheidsbrief", "springen", "op het dak",
        "touw", "bridge", "pills", "jump",
    ),
    "opgelicht": ("aan de deur", "voor de deur", "bij de deur", "onderweg", "komt langs", "staat hier"),
    "seksueel": ("volgt me", "volgt mij", "nu"),
    "lastig": ("volgt me", "volgt mij", "bedreigt"),
}  # fmt: skip

# Where "nu" is enough: an incident or a person at risk.
NOW_CATEGORIES = frozenset({"inbraak", "geweld", "brand_of_ongeval", "vermissing"})
NOW_SITUATIONS = frozenset({"thuis", "zelfdoding", "seksueel", "nood", "verward", "lastig"})


def _index(forms: Sequence[str]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Forms by their first word, so a text is scanned once, not once per form."""
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for form in forms:
        parts = tuple(form.split())
        by_first[parts[0]].append((form, parts))
    return dict(by_first)


def _find(words: Sequence[str], form: str) -> list[int]:
    parts = form.split()
    n = len(parts)
    return [i for i in range(len(words) - n + 1) if list(words[i : i + n]) == parts]


def _scan(words: Sequence[str], index: dict[str, list[tuple[str, tuple[str, ...]]]]) -> list[tuple[str, int]]:
    """Every (form, position) of the indexed forms in ``words``."""
    hits = []
    for at, word in enumerate(words):
        for form, parts in index.get(word, ()):
            if tuple(words[at : at + len(parts)]) == parts:
                hits.append((form, at))
    return hits


_ALWAYS = _index(ALWAYS)
_NOW = _index(NOW)
_CONTEXT = {situation: _index(forms) for situation, forms in CONTEXT.items()}


def _covered(words: Sequence[str], start: int, length: int) -> bool:
    """Whether the match at ``start`` lies inside one of the idioms."""
    for idiom in IDIOMS:
        for at in _find(words, idiom):
            if at <= start and start + length <= at + len(idiom.split()):
                return True
    return False


def always_forms(words: Sequence[str]) -> list[str]:
    found = []
    for form, at in _scan(words, _ALWAYS):
        if form not in found and not _covered(words, at, len(form.split())):
            found.append(form)
    return found


def call_forms(words: Sequence[str]) -> list[str]:
    """ "help!", "HELP", "help, ..." or "help me" — an exclamation, not a request for a hand."""
    found: list[str] = []
    if not any(w in _CALL_FIRST for w in words):
        return found
    alone = len([w for w in words if w.isalnum()]) <= 3
    for form in CALL:
        size = len(form.split())
        for at in _find(words, form):
            after = words[at + size] if at + size < len(words) else None
            cry = after == "!" or (at == 0 and after == ",")
            if cry or alone or (form.endswith((" me", " mij", " us", " ons")) and at == 0):
                found.append(form)
                break
    return found


def danger_words(
    text: str,
    category: str | None = None,
    situation: str | None = None,
    incident: bool = False,
    marked: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The danger forms in ``text``; ``incident`` (report or help) lets "nu" and context forms count.
    ``marked`` are the text's :func:`features.marked_tokens` when the caller has them already."""
    words = marked if marked is not None else marked_tokens(normalise(text))
    found = always_forms(words) + call_forms(words)
    if incident and (category in NOW_CATEGORIES or situation in NOW_SITUATIONS):
        found += [form for form, _ in _scan(words, _NOW)]
    if situation in _CONTEXT:
        found += [form for form, _ in _scan(words, _CONTEXT[situation])]
    return tuple(dict.fromkeys(found))
