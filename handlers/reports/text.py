"""Text normalisation and bounded scanning shared by the report parser's extractors.

Residents type on phones: odd dashes, invisible bidi marks, full-width digits, emoji, runs of spaces
and newlines, "!!!!!!!!". We normalise once — collapsing whitespace and long runs of one symbol, so
no extractor ever sees hostile repetition — and keep a lower-cased twin of exactly the same length
so spans found in one are valid in the other (``str.lower`` can change the length of a few
characters, e.g. "İ").

Every regular-expression pass of the extractors goes through :class:`Scan`, which charges the
characters it hands to the regex engine to a :class:`Budget`. The parser gives each message a
budget proportional to its length, so the work per message is linear by construction, and tests
can assert that bound by counting instead of timing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

# Zero-width characters and bidi controls carry no meaning for us but split words invisibly.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[ \n]*")
# The same symbol (not a letter or digit) more than three times in a row: "!!!!!!", "------", "🚨🚨🚨🚨".
_REPEATS = re.compile(r"([^\w\s])\1{3,}")
# Lone surrogates (from broken clients) cannot be encoded for sending or printing.
_SURROGATES = re.compile("[\ud800-\udfff]")
# A word for the extractors: letters first, then letters, digits, apostrophes, dashes (bounded).
_WORD = re.compile(r"[^\W\d_][\w'’-]{0,47}")


class BudgetExhausted(Exception):
    """An extractor asked for more scanning than this message's budget allows."""


@dataclass
class Budget:
    """Characters handed to the regex engine, and passes made; ``limit`` None means count only."""

    limit: int | None = None
    used: int = 0
    passes: int = 0

    def charge(self, characters: int) -> None:
        self.used += max(characters, 0)
        self.passes += 1
        if self.limit is not None and self.used > self.limit:
            raise BudgetExhausted


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
        norm = _SPACES.sub(" ", norm)
        norm = _NEWLINES.sub("\n", norm)
        norm = _REPEATS.sub(r"\1\1\1", norm).strip()
        return cls(norm, _lower_same_length(norm))


class Word(NamedTuple):
    """One word of a message: its span and its lower-cased form (a tuple: messages have many)."""

    start: int
    end: int
    low: str


@dataclass
class Scan:
    """A normalised text plus the budget every regex pass over it is charged to."""

    raw: str
    low: str
    budget: Budget = field(default_factory=Budget)
    _words: list[Word] | None = None

    @classmethod
    def of(cls, low: str, raw: str, budget: Budget | None = None) -> Scan:
        """A scan of one message; extractors called on the same message and budget share its words."""
        global _LAST
        budget = budget if budget is not None else Budget()
        last = _LAST
        if last is not None and last.raw is raw and last.low is low and last.budget is budget:
            return last
        _LAST = scan = cls(raw, low, budget)
        return scan

    def finditer(self, pattern: re.Pattern[str], *, raw: bool = False) -> Iterator[re.Match[str]]:
        """Every match in the whole text (one pass, charged once)."""
        text = self.raw if raw else self.low
        self.budget.charge(len(text))
        return pattern.finditer(text)

    def search(
        self, pattern: re.Pattern[str], start: int = 0, end: int | None = None, *, raw: bool = False
    ) -> re.Match[str] | None:
        """The first match inside ``[start, end)``; the regex cannot look past the window."""
        text = self.raw if raw else self.low
        stop = len(text) if end is None else min(end, len(text))
        start = max(0, start)
        self.budget.charge(stop - start)
        return pattern.search(text, start, stop)

    def match(
        self, pattern: re.Pattern[str], start: int, window: int, *, raw: bool = False
    ) -> re.Match[str] | None:
        """A match anchored at ``start`` that fits in the next ``window`` characters."""
        text = self.raw if raw else self.low
        self.budget.charge(window)
        return pattern.match(text, start, min(len(text), start + window))

    def words(self) -> list[Word]:
        """The words of the message, computed once and shared by the extractors."""
        if self._words is None:
            self._words = [Word(*m.span(), m.group()) for m in self.finditer(_WORD)]
            self.budget.charge(len(self._words))
        return self._words

    def gap(self, left: Word, right: Word) -> str:
        """What stands between two words (usually one space)."""
        return self.raw[left.end : right.start]


_LAST: Scan | None = None


def word_tuple(text: str) -> tuple[str, ...]:
    """The lower-cased words of a name, split as :meth:`Scan.words` splits a message."""
    return tuple(match.group() for match in _WORD.finditer(text.lower()))


def tidy(phrase: str) -> str:
    """Trim a phrase cut out of a message: surrounding spaces and punctuation."""
    return phrase.strip(" \n\t,.;:!?-\"'()[]")
