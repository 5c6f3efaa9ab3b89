"""Recognise, in free text, a moment where someone needs a help service.

The trained model (:mod:`handlers.understanding`) says whether a message asks for help and which
`/hulp` situation fits; its safety table says whether there is danger right now. A miss is cheap
(the `/hulp` menu exists); a false hit in a quiet alarm group is not, so only a help request, or a
report the model is fairly sure needs help, gets a referral.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from handlers.understanding.taxonomy import Kind
from handlers.understanding.understand import Understanding, understand

MAX_CHARS = 2000  # longer texts are cut: a referral never depends on the tail of an essay
# A report (not a help request) gets a referral only when the model is this sure it needs help.
REPORT_NEEDS_HELP = 0.65
# A help request gets a referral when the kind and the situation are this sure; a vaguer one gets
# the /hulp menu from the private fallback (or nothing in a group).
HELP_SURE = 0.4
SITUATION_SURE = 0.25


def normalise(text: str) -> str:
    """'Mijn buurvrouw wordt, volgens mij, GESLAGEN!' → ' mijn buurvrouw wordt volgens mij geslagen '."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS])
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


@dataclass(frozen=True)
class Recognised:
    situation: str
    danger: bool  # words of acute danger: the answer leads with "bel nu 112"
    age: int | None = None  # "ik ben 15": picks the right talk line


_AGE = re.compile(r"\b(?:ik ben|i am|i m|im) (\d{1,2})(?: jaar| years?)?\b")


def from_understanding(understood: Understanding, text: str, folded: str | None = None) -> Recognised | None:
    """The referral for an already understood message, or None (chatter, reports, questions)."""
    if understood.situation is None:
        return None
    if understood.kind is not Kind.HELP and understood.help_probability < REPORT_NEEDS_HELP:
        return None
    if understood.kind is Kind.HELP and understood.kind_confidence < HELP_SURE:
        return None
    if understood.situation_confidence < SITUATION_SURE:
        return None
    age_match = _AGE.search(folded if folded is not None else normalise(text))
    age = int(age_match.group(1)) if age_match else None
    # "Bel nu 112" leads only on explicit danger words; a situation with possible danger (thuis,
    # zelfdoding …) always gets its "bel 112 bij gevaar" line anyway (see answer.referral).
    danger = bool(understood.danger_words) or understood.situation == "nood"  # nood is 112 now
    return Recognised(understood.situation, danger, age)


def recognise(text: str, understood: Understanding | None = None) -> Recognised | None:
    """The situation a message is about, or None for everything else (chatter, thanks, reports);
    ``understood`` is the model's reading of ``text`` when the caller has it already."""
    folded = normalise(text)  # once: for the length and for the age
    if len(folded) < 6:
        return None
    return from_understanding(understood or understand(text[:MAX_CHARS]), text, folded)
