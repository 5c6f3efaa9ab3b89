"""The labelled corpus: the project's own messages (``corpus/*.jsonl``) and, when present, the real
texts in ``../shared/understanding`` (other people's sentences: read from there, never copied here).

Every line is one JSON object in the schema of ``../shared/understanding/README.md``; ``validate``
checks it so a bad label cannot silently train the model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.understanding.taxonomy import SITUATIONS, Category, Kind

REPO_CORPUS = Path(__file__).resolve().parent / "corpus"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_ENV = "BUURTBOT_SHARED"

DETAIL_FIELDS = ("location", "time", "person", "vehicle", "licence_plate", "direction")
FLAG_FIELDS = ("in_progress", "danger_now", "called_112")
REQUIRED = ("id", "text", "lang", "source", "kind", "category", "situation", *FLAG_FIELDS, *DETAIL_FIELDS)
OPTIONAL = ("family", "note")
LANGS = frozenset({"nl", "en"})
KINDS = frozenset(k.value for k in Kind)
CATEGORIES = frozenset(c.value for c in Category)
SITUATION_IDS = frozenset(SITUATIONS)


@dataclass(frozen=True)
class Item:
    """One labelled message; ``origin`` is the file it came from (repo or shared)."""

    id: str
    text: str
    lang: str
    source: str
    kind: str
    category: str | None
    situation: str | None
    in_progress: bool | None
    danger_now: bool | None
    called_112: bool | None
    family: str | None
    origin: str
    details: dict[str, str | None] = field(default_factory=dict)

    @property
    def real(self) -> bool:
        """A real text from a public page (its source is a URL), not one written for the project."""
        return not (self.source == "written" or self.source.startswith("variant:"))


class CorpusError(ValueError):
    """A corpus line that breaks the schema; the message names file, line and field."""


def _detail_errors(data: dict[str, Any], where: str) -> list[str]:
    errors: list[str] = []
    for key in DETAIL_FIELDS:
        value = data[key]
        if value is None:
            continue
        if not isinstance(value, str) or value not in data["text"]:
            errors.append(f"{where}: {key} {value!r} is not a substring of the text")
    return errors


def _check_line(data: Any, where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: not a JSON object"]
    errors = [f"{where}: missing {key}" for key in REQUIRED if key not in data]
    errors += [f"{where}: unknown key {key}" for key in data if key not in REQUIRED and key not in OPTIONAL]
    if errors:
        return errors
    text = data["text"]
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{where}: text must be a non-empty string")
        text = ""
    if not isinstance(data["id"], str) or not data["id"]:
        errors.append(f"{where}: id must be a non-empty string")
    if data["lang"] not in LANGS:
        errors.append(f"{where}: lang {data['lang']!r} not in {sorted(LANGS)}")
    source = data["source"]
    if not isinstance(source, str) or not (
        source == "written" or source.startswith(("variant:", "http://", "https://"))
    ):
        errors.append(f"{where}: source must be 'written', 'variant:<id>' or a URL")
    if data["kind"] not in KINDS:
        errors.append(f"{where}: kind {data['kind']!r} not in {sorted(KINDS)}")
    if data["category"] is not None and data["category"] not in CATEGORIES:
        errors.append(f"{where}: category {data['category']!r} unknown")
    if data["kind"] == "report" and data["category"] is None:
        errors.append(f"{where}: a report needs a category")
    if data["situation"] is not None and data["situation"] not in SITUATION_IDS:
        errors.append(f"{where}: situation {data['situation']!r} unknown")
    if data["kind"] == "help" and data["situation"] is None:
        errors.append(f"{where}: a help message needs a situation")
    for key in FLAG_FIELDS:
        if data[key] is not None and not isinstance(data[key], bool):
            errors.append(f"{where}: {key} must be true, false or null")
    for key in OPTIONAL:
        if key in data and data[key] is not None and not isinstance(data[key], str):
            errors.append(f"{where}: {key} must be a string")
    return errors


def _item(data: dict[str, Any], origin: str) -> Item:
    text = data["text"]
    return Item(
        id=data["id"],
        text=data["text"],
        lang=data["lang"],
        source=data["source"],
        kind=data["kind"],
        category=data["category"],
        situation=data["situation"],
        in_progress=data["in_progress"],
        danger_now=data["danger_now"],
        called_112=data["called_112"],
        family=data.get("family"),
        origin=origin,
        details={k: data[k] if isinstance(data[k], str) and data[k] in text else None for k in DETAIL_FIELDS},
    )


@dataclass
class FileReport:
    """What one file holds: valid items, schema errors, and detail fields that are not substrings."""

    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    detail_errors: list[str] = field(default_factory=list)


def read_file(path: Path) -> FileReport:
    """Read and check one ``.jsonl`` file. A detail field that is not a substring of its text is
    reported apart: the project's own files must have none, the shared real texts (which the project
    does not edit) keep the item and drop that field.
    """
    report = FileReport()
    items, errors = report.items, report.errors
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"{where}: invalid JSON ({error.msg})")
            continue
        problems = _check_line(data, where)
        errors.extend(problems)
        if not problems:
            report.detail_errors.extend(_detail_errors(data, where))
            items.append(_item(data, path.name))
    return report


def duplicate_ids(items: Iterable[Item]) -> list[str]:
    seen: set[str] = set()
    duplicates: list[str] = []
    for item in items:
        if item.id in seen:
            duplicates.append(item.id)
        seen.add(item.id)
    return duplicates


def shared_dir() -> Path | None:
    """``$BUURTBOT_SHARED`` or ``../shared/understanding`` beside the checkout, if it exists."""
    configured = os.environ.get(SHARED_ENV)
    candidates = [Path(configured)] if configured else []
    # ../shared from the checkout; a git worktree may sit one or two levels deeper than the main one.
    candidates += [parent / "shared" / "understanding" for parent in PROJECT_ROOT.parents[:3]]
    for candidate in candidates:
        if candidate.name != "understanding" and (candidate / "understanding").is_dir():
            candidate = candidate / "understanding"
        if candidate.is_dir() and any(candidate.glob("*.jsonl")):
            return candidate
    return None


def corpus_files(include_shared: bool = True) -> Iterator[Path]:
    """Every corpus file, repository first, in a fixed order (training must be deterministic)."""
    yield from sorted(REPO_CORPUS.glob("*.jsonl"))
    shared = shared_dir() if include_shared else None
    if shared is not None:
        yield from sorted(shared.glob("*.jsonl"))


@dataclass(frozen=True)
class Corpus:
    items: tuple[Item, ...]
    files: tuple[str, ...]
    shared: bool  # the real texts of ../shared were found and read


def load(include_shared: bool = True) -> Corpus:
    """All valid items; raises CorpusError listing every problem if any file breaks the schema."""
    items: list[Item] = []
    errors: list[str] = []
    files: list[str] = []
    shared = False
    for path in corpus_files(include_shared):
        report = read_file(path)
        in_repo = path.parent == REPO_CORPUS
        items.extend(report.items)
        errors.extend(report.errors + (report.detail_errors if in_repo else []))
        files.append(path.name)
        shared = shared or not in_repo
    errors.extend(f"duplicate id {i}" for i in duplicate_ids(items))
    if errors:
        raise CorpusError("\n".join(errors[:50]))
    return Corpus(tuple(items), tuple(files), shared)


def cv_groups(items: Sequence[Item]) -> list[str]:
    """One group label per item for grouped cross-validation: a source page, a family of variants
    and every ``variant:<id>`` of a real text end up together, so no fold tests on a text whose
    sibling it trained on."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for item in items:
        own = "id:" + item.id
        union(own, own)
        if item.real:
            union(own, "url:" + item.source)
        if item.source.startswith("variant:"):
            union(own, "id:" + item.source.split(":", 1)[1])
        if item.family:
            union(own, "family:" + item.family)
    return [find("id:" + item.id) for item in items]
