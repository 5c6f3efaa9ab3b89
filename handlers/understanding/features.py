"""Text → features, the one definition shared by training and inference.

Training hands :func:`features` to scikit-learn's ``TfidfVectorizer`` as its analyzer, and the
runtime model computes the same strings, so the shipped vocabulary means exactly what it meant when
the weights were fitted. Word uni- and bigrams carry phrases ("wordt geslagen"); character n-grams
within words carry Dutch compounds and typos ("inbraak", "inbrekers", "inbaak").
"""

from __future__ import annotations

import itertools
import re
import unicodedata

MAX_CHARS = 1000  # a message is decided on its first thousand characters
CHAR_MIN, CHAR_MAX = 2, 5
_TOKEN = re.compile(r"[a-z0-9]+|[!?,.]")  # "," and "." only matter to the safety table
_MARKS = frozenset({",", "."})
_REPEAT = re.compile(r"(.)\1{2,}")
_DIGITS = re.compile(r"\d+")
_KEEP_NUMBERS = frozenset({"112", "113", "0800", "14078"})


def _fold(ch: str) -> str:
    """Emoji and other symbols separate words but are no features: a text of only emoji never
    reaches the model (it is chatter), and in a sentence they say little about what it reports."""
    return " " if unicodedata.category(ch) == "So" else ch


def normalise(text: str) -> str:
    """Lower case, no accents, "heeeelp" → "heelp", long numbers → "0", emoji → spaces."""
    text = text[:MAX_CHARS]
    if text.isascii():  # most chat: skip the Unicode work
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(_fold(ch) for ch in text if not unicodedata.combining(ch)).lower()
    text = _REPEAT.sub(r"\1\1", text)
    return _DIGITS.sub(lambda m: m.group(0) if m.group(0) in _KEEP_NUMBERS else "0", text)


def marked_tokens(normalised: str) -> list[str]:
    """Words, numbers and the marks ``! ? , .`` of an already normalised text."""
    return _TOKEN.findall(normalised)


def model_tokens(marked: list[str]) -> list[str]:
    """The tokens the model sees: words, numbers, "!" and "?"."""
    return [t for t in marked if t not in _MARKS]


def tokens(text: str) -> list[str]:
    """Words, numbers and the marks that matter to the model ("!" and "?") of a raw text."""
    return model_tokens(marked_tokens(normalise(text)))


def word_features(words: list[str]) -> list[str]:
    """Word unigrams and bigrams (``w:``); an empty text has one feature of its own."""
    out = [f"w:{w}" for w in words]
    out.extend(f"w:{a} {b}" for a, b in itertools.pairwise(words))
    return out or ["w:<empty>"]


def char_features(word: str) -> list[str]:
    """Character 2–5-grams inside one padded word (``c:``); none for "!" and "?"."""
    if not word.isalnum():
        return []
    padded = f" {word} "
    size = len(padded)
    return [
        "c:" + padded[i : i + n]
        for n in range(CHAR_MIN, min(CHAR_MAX, size) + 1)
        for i in range(size - n + 1)
    ]


def features(text: str) -> list[str]:
    """Every feature of a text: its word n-grams, then the character n-grams of each word."""
    words = tokens(text)
    out = word_features(words)
    for word in words:
        out.extend(char_features(word))
    return out
