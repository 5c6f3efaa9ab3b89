"""The trained classifier at runtime: plain arrays (vocabulary, idf, weights), no scikit-learn.

The artefact is a ``.npz`` read with ``allow_pickle=False`` from the installed package: it is data,
never code. One matrix holds the weights of every head (kind, category, situation, in_progress,
needs_help, danger_now, lang), so a message costs one gather and one small dot product.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from handlers.understanding.features import char_features, tokens, word_features

ARTEFACT = Path(__file__).resolve().parent / "model" / "understanding.npz"
WORD_CACHE = 50_000
HEADS = ("kind", "category", "situation", "needs_help", "in_progress", "danger_now", "lang")

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Head:
    """One classifier: its class labels and its columns in the shared weight matrix."""

    name: str
    classes: tuple[str, ...]
    start: int
    binary: bool  # one column: a logistic score for classes[1]


@dataclass(frozen=True)
class Prediction:
    """Probabilities per class for every head."""

    probabilities: dict[str, dict[str, float]]

    def best(self, head: str) -> tuple[str, float]:
        scores = self.probabilities[head]
        label = max(scores, key=lambda c: (scores[c], c))
        return label, scores[label]


class Model:
    """Vocabulary, idf and weights; ``predict`` is a pure function of the text."""

    def __init__(
        self,
        vocabulary: list[str],
        idf: Floats,
        weights: Floats,
        intercepts: Floats,
        heads: list[Head],
        meta: dict[str, Any],
    ) -> None:
        self.index = {term: i for i, term in enumerate(vocabulary)}
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.weights = weights.astype(np.float32)  # (features, all head columns)
        self.intercepts = intercepts.astype(np.float32)
        self.heads = heads
        self.meta = meta
        self._chars: dict[str, list[int]] = {}  # word → its known character n-gram ids

    def _char_ids(self, word: str) -> list[int]:
        """Words repeat endlessly in chat: their n-gram ids are computed once (bounded cache)."""
        ids = self._chars.get(word)
        if ids is None:
            if len(self._chars) >= WORD_CACHE:
                self._chars.clear()
            ids = [i for i in map(self.index.get, char_features(word)) if i is not None]
            self._chars[word] = ids
        return ids

    def feature_ids(self, text: str, words: list[str] | None = None) -> list[int]:
        """The vocabulary ids of :func:`features.features` (same strings, same order); ``words``
        are the text's :func:`features.tokens` when the caller has them already."""
        words = tokens(text) if words is None else words
        ids = [i for i in map(self.index.get, word_features(words)) if i is not None]
        for word in words:
            ids.extend(self._char_ids(word))
        return ids

    def vector(self, text: str, words: list[str] | None = None) -> tuple[npt.NDArray[np.intp], Floats]:
        """Sublinear tf-idf, l2-normalised, as (feature indices, values)."""
        ids = self.feature_ids(text, words)
        if not ids:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        idx, counts = np.unique(np.asarray(ids, dtype=np.intp), return_counts=True)
        values: Floats = ((1.0 + np.log(counts.astype(np.float32))) * self.idf[idx]).astype(np.float32)
        norm = float(np.sqrt(values @ values))
        return idx, (values / np.float32(norm)) if norm else values

    def predict(self, text: str, words: list[str] | None = None) -> Prediction:
        idx, values = self.vector(text, words)
        scores = self.intercepts + (values @ self.weights[idx] if len(idx) else 0.0)
        return Prediction({head.name: _probabilities(head, scores) for head in self.heads})


def _probabilities(head: Head, scores: Floats) -> dict[str, float]:
    if head.binary:
        p = 1.0 / (1.0 + math.exp(-float(scores[head.start])))
        return {head.classes[0]: 1.0 - p, head.classes[1]: p}
    part = scores[head.start : head.start + len(head.classes)].astype(np.float64)
    exp = np.exp(part - part.max())
    probs = exp / exp.sum()
    return {label: float(p) for label, p in zip(head.classes, probs, strict=True)}


def to_arrays(model: Model) -> dict[str, npt.NDArray[Any]]:
    """The artefact's arrays (float16 weights keep it small; inference widens them again)."""
    columns = [len(h.classes) if not h.binary else 1 for h in model.heads]
    return {
        "vocabulary": np.array(model.vocabulary, dtype=np.str_),
        "idf": model.idf.astype(np.float32),
        "weights": model.weights.astype(np.float16),
        "intercepts": model.intercepts.astype(np.float32),
        "heads": np.array([h.name for h in model.heads], dtype=np.str_),
        "columns": np.array(columns, dtype=np.int32),
        "classes": np.array(["\t".join(h.classes) for h in model.heads], dtype=np.str_),
        "meta": np.array(json.dumps(model.meta, sort_keys=True, ensure_ascii=False), dtype=np.str_),
    }


def from_arrays(arrays: Any) -> Model:
    heads: list[Head] = []
    start = 0
    for name, width, classes in zip(arrays["heads"], arrays["columns"], arrays["classes"], strict=True):
        labels = tuple(str(classes).split("\t"))
        heads.append(Head(str(name), labels, start, binary=int(width) == 1))
        start += int(width)
    return Model(
        vocabulary=[str(term) for term in arrays["vocabulary"]],
        idf=arrays["idf"],
        weights=arrays["weights"],
        intercepts=arrays["intercepts"],
        heads=heads,
        meta=json.loads(str(arrays["meta"])),
    )


def load(path: Path = ARTEFACT) -> Model:
    with np.load(path, allow_pickle=False) as arrays:
        return from_arrays({key: arrays[key] for key in arrays.files})


@cache
def shipped() -> Model:
    """The model that ships with the package, read once per process."""
    return load()
