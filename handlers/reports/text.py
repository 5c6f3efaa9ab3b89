"""Text normalisation shared by the report parser's extractors.

Residents type on phones: odd dashes, invisible bidi marks, full-width digits, emoji. We normalise
once, keeping a lower-cased twin of exactly the same length so spans found in one are valid in the
other (``str.lower`` can change the length of a few characters, e.g. "İ").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Zero-width characters and bidi controls carry no meaning for us but split words invisibly.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"[^\S\n]+")
# Lone surrogates (from broken clients) cannot be encoded for sending or printing.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):  # nearly always; only a few characters ("İ") grow when lowered
        return low
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


@dataclass(frozen=True)
class Text:
    """A normalised message: ``raw`` for showing, ``low`` (same length) for matching."""

    raw: str
    low: str

    @classmethod
    def of(cls, text: str) -> Text:
        norm = unicodedata.normalize("NFKC", _SURROGATES.sub("\ufffd", text))
        norm = _INVISIBLE.sub("", norm)
        norm = _DASHES.sub("-", norm)
        norm = _SPACES.sub(" ", norm).strip()
        return cls(norm, _lower_same_length(norm))


def tidy(phrase: str) -> str:
    """Trim a phrase cut out of a message: surrounding spaces and punctuation."""
    return phrase.strip(" \n\t,.;:!?-\"'()[]")
