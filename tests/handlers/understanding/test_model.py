"""The shipped artefact is plain data and is exactly what training on the corpus produces."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from handlers.understanding import corpus
from handlers.understanding.model import ARTEFACT, load, shipped
from handlers.understanding.train import fingerprint, save, train_corpus


def test_artefact_is_plain_arrays_without_pickles() -> None:
    with zipfile.ZipFile(ARTEFACT) as archive:
        names = archive.namelist()
    assert all(name.endswith(".npy") for name in names)
    with np.load(ARTEFACT, allow_pickle=False) as arrays:  # raises on any object array
        assert {"vocabulary", "idf", "weights", "intercepts", "heads", "classes", "meta"} <= set(arrays.files)
        assert arrays["weights"].dtype == np.float16


def test_artefact_was_trained_on_the_corpus_as_it_is() -> None:
    """Run `buurtbot train` after changing the corpus; this fails until the artefact matches."""
    current = corpus.load()
    meta = shipped().meta
    if not current.shared and meta.get("shared"):
        if os.environ.get("CI"):
            pytest.fail("CI must have ../shared/understanding to check the artefact")
        pytest.skip("the artefact was trained with ../shared, which is not present here")
    assert meta["fingerprint"] == fingerprint(list(current.items)), "stale artefact: run `buurtbot train`"


def test_training_is_deterministic_and_reproduces_the_artefact(tmp_path: Path) -> None:
    current = corpus.load()
    if shipped().meta.get("shared") and not current.shared:
        pytest.skip("the artefact was trained with ../shared, which is not present here")
    first = tmp_path / "a.npz"
    save(train_corpus(current), first)
    again = load(first)
    shipped_model = load(ARTEFACT)
    assert again.vocabulary == shipped_model.vocabulary
    assert np.allclose(again.idf, shipped_model.idf, atol=1e-6)
    assert np.allclose(again.weights, shipped_model.weights, atol=2e-3)
    texts = [item.text for item in current.items[:300]]
    assert [again.predict(t).best("kind")[0] for t in texts] == [
        shipped_model.predict(t).best("kind")[0] for t in texts
    ]
    second = tmp_path / "b.npz"
    save(again, second)
    assert first.read_bytes() == second.read_bytes()


def test_repository_corpus_alone_trains_a_working_model(tmp_path: Path) -> None:
    repo_only = corpus.load(include_shared=False)
    assert not repo_only.shared
    model = train_corpus(repo_only)
    assert model.meta["shared"] is False
    assert model.predict("bedankt allemaal!").best("kind")[0] == "chatter"
