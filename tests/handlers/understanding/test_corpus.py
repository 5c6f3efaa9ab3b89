"""Every corpus file follows the schema: the repository's own files strictly, the shared real texts
when they are present (in CI they must be)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from handlers.understanding import corpus
from handlers.understanding.corpus import REPO_CORPUS, cv_groups, duplicate_ids, read_file, shared_dir

REPO_FILES = sorted(REPO_CORPUS.glob("*.jsonl"))


def test_the_repository_has_a_corpus() -> None:
    assert REPO_FILES, "handlers/understanding/corpus/*.jsonl is missing"


@pytest.mark.parametrize("path", REPO_FILES, ids=[p.name for p in REPO_FILES])
def test_repository_corpus_file_matches_the_schema(path: Path) -> None:
    report = read_file(path)
    assert report.errors == [], "\n".join(report.errors[:20])
    assert report.detail_errors == [], "\n".join(report.detail_errors[:20])
    assert report.items, f"{path.name} holds no items"
    for item in report.items:
        assert item.source == "written" or item.source.startswith("variant:"), (
            f"{path.name}: {item.id} — the repository holds only texts written for the project"
        )


def test_ids_are_unique_across_the_repository_corpus() -> None:
    items = [item for path in REPO_FILES for item in read_file(path).items]
    assert duplicate_ids(items) == []


def test_shared_real_texts_match_the_schema() -> None:
    shared = shared_dir()
    if shared is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have ../shared/understanding (or BUURTBOT_SHARED)")
        pytest.skip("../shared/understanding is not present here")
    files = sorted(shared.glob("*.jsonl"))
    lines = 0
    for path in files:
        report = read_file(path)
        assert report.errors == [], "\n".join(report.errors[:20])
        lines += len(report.items)
        # Detail spans that are not substrings are dropped, not trained on; there must be few.
        assert len(report.detail_errors) <= max(5, len(report.items) // 100), report.detail_errors[:10]
    assert lines > 0
    assert corpus.load().shared


def _line(**changes: object) -> str:
    row: dict[str, object] = {
        "id": "t1", "text": "man met koevoet bij de Reeweg 4", "lang": "nl", "source": "written",
        "kind": "report", "category": "verdachte_situatie", "situation": None, "in_progress": None,
        "danger_now": False, "called_112": None, "location": "Reeweg 4", "time": None, "person": None,
        "vehicle": None, "licence_plate": None, "direction": None,
    }  # fmt: skip
    row.update(changes)
    return json.dumps(row)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"kind": "melding"}, "kind"),
        ({"category": "verdacht"}, "category"),
        ({"situation": "hulp"}, "situation"),
        ({"lang": "de"}, "lang"),
        ({"source": "somewhere"}, "source"),
        ({"danger_now": "ja"}, "danger_now"),
        ({"kind": "report", "category": None}, "needs a category"),
        ({"kind": "help", "situation": None, "category": None}, "needs a situation"),
        ({"colour": "rood"}, "unknown key"),
    ],
)
def test_schema_errors_are_named(tmp_path: Path, changes: dict[str, object], problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_line(**changes) + "\n", encoding="utf-8")
    report = read_file(path)
    assert any(problem in error for error in report.errors), report.errors


def test_a_detail_that_is_not_in_the_text_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_line(location="Dubbeldamseweg 1") + "\n{not json\n", encoding="utf-8")
    report = read_file(path)
    assert any("location" in error for error in report.detail_errors)
    assert any("invalid JSON" in error for error in report.errors)


def test_variants_families_and_pages_share_a_fold(tmp_path: Path) -> None:
    rows = [
        _line(id="r1", source="https://example.org/a"),
        _line(id="r2", source="https://example.org/a"),
        _line(id="v1", source="variant:r1"),
        _line(id="w1", family="f"),
        _line(id="w2", family="f"),
        _line(id="w3"),
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    groups = dict(zip([i.id for i in read_file(path).items], cv_groups(read_file(path).items), strict=True))
    assert groups["r1"] == groups["r2"] == groups["v1"]
    assert groups["w1"] == groups["w2"] != groups["w3"]
    assert groups["w3"] != groups["r1"]
