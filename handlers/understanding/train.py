"""``buurtbot train``: fit the classifier on the corpus and write the artefact as plain arrays.

Deterministic: the corpus is read in a fixed order, the solvers have no randomness, and the
``.npz`` is written with fixed zip timestamps, so the same corpus gives the same file. Needs
scikit-learn (a dependency for training; inference only needs numpy).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from handlers.understanding import corpus as corpus_mod
from handlers.understanding.corpus import Corpus, Item
from handlers.understanding.features import features
from handlers.understanding.model import ARTEFACT, Head, Model, to_arrays
from handlers.understanding.taxonomy import SITUATIONS, Category, Kind

VERSION = 1
MAX_FEATURES = 40_000
MIN_DF = 2
# Inverse regularisation per head: tf-idf rows are l2-normalised, so fairly weak regularisation fits.
C = {
    "kind": 8.0, "category": 10.0, "situation": 10.0, "needs_help": 6.0, "in_progress": 4.0,
    "danger_now": 4.0, "lang": 2.0,
}  # fmt: skip
# Heads fitted on the corpus's own class balance (reports are the commonest kind, and should be).
UNBALANCED = frozenset({"kind"})
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Target:
    """Labels of one head; items labelled None are left out of that head's training."""

    name: str
    classes: tuple[str, ...]
    labels: list[str | None]


def _targets(items: Sequence[Item]) -> list[Target]:
    def flag(value: bool | None) -> str | None:
        return None if value is None else ("yes" if value else "no")

    return [
        Target("kind", tuple(k.value for k in Kind), [i.kind for i in items]),
        Target("category", tuple(c.value for c in Category), [i.category for i in items]),
        Target("situation", SITUATIONS, [i.situation for i in items]),
        Target("needs_help", ("no", "yes"), [flag(i.situation is not None) for i in items]),
        Target("in_progress", ("no", "yes"), [flag(i.in_progress) for i in items]),
        Target("danger_now", ("no", "yes"), [flag(i.danger_now) for i in items]),
        Target("lang", ("nl", "en"), [i.lang for i in items]),
    ]


def fingerprint(items: Sequence[Item]) -> str:
    """A hash of exactly what training reads (text and labels), to tell a stale artefact."""
    digest = hashlib.sha256()
    for item in items:
        row = [
            item.text,
            item.lang,
            item.kind,
            item.category,
            item.situation,
            item.in_progress,
            item.danger_now,
        ]
        digest.update(json.dumps(row, ensure_ascii=False).encode())
    return digest.hexdigest()


def fit(items: Sequence[Item], meta: dict[str, Any] | None = None) -> Model:
    """Vectorise, fit one regularised logistic regression per head, and pack them in one Model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [item.text for item in items]
    vectoriser = TfidfVectorizer(
        analyzer=features, min_df=MIN_DF, max_features=MAX_FEATURES, sublinear_tf=True, dtype=np.float32
    )
    matrix = vectoriser.fit_transform(texts)
    vocabulary = [str(term) for term in vectoriser.get_feature_names_out()]
    columns: list[npt.NDArray[np.float32]] = []
    intercepts: list[npt.NDArray[np.float32]] = []
    heads: list[Head] = []
    start = 0
    for target in _targets(items):
        rows = [n for n, label in enumerate(target.labels) if label is not None]
        labels = [target.labels[n] for n in rows]
        present = [c for c in target.classes if c in set(labels)]
        binary = len(target.classes) == 2
        if len(present) < 2:  # a tiny corpus may lack a class: the head then always says that one
            weights = np.zeros((matrix.shape[1], 1 if binary else len(target.classes)), dtype=np.float32)
            bias = np.full(weights.shape[1], -20.0, dtype=np.float32)
            only = target.classes.index(present[0]) if present else 0
            bias[0 if binary else only] = 20.0 if (not binary or only == 1) else -20.0
        else:
            classifier = LogisticRegression(
                C=C[target.name],
                class_weight=None if target.name in UNBALANCED else "balanced",
                solver="saga",
                max_iter=1000,
                tol=1e-3,
                random_state=0,
            )
            classifier.fit(matrix[rows], labels)
            weights, bias = _expand(classifier, target.classes, binary)
        columns.append(weights)
        intercepts.append(bias)
        heads.append(Head(target.name, target.classes, start, binary))
        start += weights.shape[1]
    return Model(
        vocabulary=vocabulary,
        idf=vectoriser.idf_.astype(np.float32),
        weights=np.hstack(columns).astype(np.float16).astype(np.float32),
        intercepts=np.concatenate(intercepts).astype(np.float32),
        heads=heads,
        meta=meta or {},
    )


def _expand(
    classifier: Any, classes: tuple[str, ...], binary: bool
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The classifier's weights as columns in the head's fixed class order (absent classes: -inf-ish)."""
    learnt = [str(c) for c in classifier.classes_]
    coef = np.asarray(classifier.coef_, dtype=np.float32)
    bias = np.asarray(classifier.intercept_, dtype=np.float32)
    if binary:
        sign = 1.0 if learnt[1] == classes[1] else -1.0
        return (sign * coef.T).astype(np.float32), (sign * bias).astype(np.float32)
    weights = np.zeros((coef.shape[1], len(classes)), dtype=np.float32)
    biases = np.full(len(classes), -30.0, dtype=np.float32)
    for row, label in enumerate(learnt):
        weights[:, classes.index(label)] = coef[row]
        biases[classes.index(label)] = bias[row]
    return weights, biases


def save(model: Model, path: Path) -> None:
    """Write the arrays as an uncompressed-timestamp-free ``.npz``: same model, same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in to_arrays(model).items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def train_corpus(corpus: Corpus) -> Model:
    items = list(corpus.items)
    meta = {
        "version": VERSION,
        "fingerprint": fingerprint(items),
        "items": len(items),
        "files": list(corpus.files),
        "shared": corpus.shared,
    }
    return fit(items, meta)


def train(output: Path = ARTEFACT, include_shared: bool = True) -> tuple[Model, Corpus]:
    """Load the corpus, fit, write ``output``; returns the model and what it was trained on."""
    corpus = corpus_mod.load(include_shared)
    model = train_corpus(corpus)
    save(model, output)
    return model, corpus
