"""How well Buurtbot understands messages: grouped cross-validation on the corpus, speed, a PNG.

Run ``python -m bench.understanding`` (``make bench`` runs it). Folds are grouped so that no source
page, no family of variants and no real text with its ``variant:`` copies is in both train and test.
Figures are printed twice: on the real texts of ../shared only, and on all items. Plate figures
come from the extractor bench (hook: ``bench.plates.figures`` when it exists).
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handlers.referrals.recognise import from_understanding
from handlers.understanding import corpus as corpus_mod
from handlers.understanding.corpus import Item, cv_groups
from handlers.understanding.model import Model, shipped
from handlers.understanding.train import fit
from handlers.understanding.understand import Understanding, Verdict, understand

NONE = "-"
TARGETS = (
    "targets: category macro-F1 ≥ 0.85, situation acc ≥ 0.90, chatter→report ≤ 2 %, danger recall ≥ 0.97"
)


@dataclass(frozen=True)
class Outcome:
    item: Item
    understood: Understanding
    category_head: str  # the category head's best guess, whatever the kind


def _cross_validate(items: Sequence[Item], folds: int) -> list[Outcome]:
    from sklearn.model_selection import GroupKFold

    groups = cv_groups(items)
    outcomes: list[Outcome] = []
    splitter = GroupKFold(n_splits=folds)
    for number, (train_idx, test_idx) in enumerate(splitter.split(list(items), groups=groups), start=1):
        start = time.perf_counter()
        model = fit([items[i] for i in train_idx])
        for i in test_idx:
            outcomes.append(_outcome(items[i], model))
        print(
            f"  fold {number}/{folds}: {len(train_idx)} train, {len(test_idx)} test,"
            f" {time.perf_counter() - start:.1f} s"
        )
    return outcomes


def _outcome(item: Item, model: Model) -> Outcome:
    understood = understand(item.text, model)
    label, _ = model.predict(item.text).best("category")
    return Outcome(item, understood, label)


def _scores(name: str, gold: list[str], predicted: list[str], per_class: bool) -> None:
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    if not gold:
        print(f"  {name}: no items")
        return
    labels = sorted(set(gold))
    accuracy = accuracy_score(gold, predicted)
    macro = f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)
    print(f"  {name:<10} n={len(gold):5}  accuracy {accuracy:.3f}  macro-F1 {macro:.3f}")
    if per_class:
        report = classification_report(gold, predicted, labels=labels, zero_division=0, digits=2)
        print("\n".join("      " + line for line in report.splitlines() if line.strip()))


def _report(title: str, outcomes: list[Outcome], per_class: bool) -> None:
    print(f"\n== {title} ({len(outcomes)} items)")
    _scores("kind", [o.item.kind for o in outcomes], [o.understood.kind.value for o in outcomes], per_class)
    with_category = [o for o in outcomes if o.item.category is not None]
    _scores(
        "category",
        [o.item.category or NONE for o in with_category],
        [o.category_head for o in with_category],
        per_class,
    )
    _scores(
        "situation",
        [o.item.situation or NONE for o in outcomes],
        [o.understood.situation or NONE for o in outcomes],
        per_class,
    )
    chatter = [o for o in outcomes if o.item.kind == "chatter"]
    if chatter:
        reports = sum(o.understood.verdict is Verdict.REPORT for o in chatter)
        answered = sum(
            o.understood.verdict is not Verdict.CHATTER
            or from_understanding(o.understood, o.item.text) is not None
            for o in chatter
        )
        print(
            f"  chatter → report {reports / len(chatter):6.1%}   chatter → any answer"
            f" {answered / len(chatter):6.1%}  (n={len(chatter)})"
        )
    danger = [o for o in outcomes if o.item.danger_now]
    if danger:
        found = sum(o.understood.danger_now for o in danger)
        by_rule = sum(bool(o.understood.danger_words) for o in danger)
        print(
            f"  danger_now recall {found / len(danger):.3f}"
            f" (safety words alone {by_rule / len(danger):.3f}, n={len(danger)})"
        )
    calm = [o for o in outcomes if o.item.danger_now is False]
    if calm:
        false_alarm = sum(o.understood.danger_now for o in calm)
        print(f"  danger_now false alarms {false_alarm / len(calm):.1%} of {len(calm)} calm items")


def _speed(texts: list[str], seconds: float = 3.0) -> float:
    """Messages per second on one core with the shipped model (median of rounds)."""
    model = shipped()
    rates = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        start = time.perf_counter()
        for text in texts:
            understand(text, model)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def _cold_start() -> float:
    """Seconds for a fresh process to import, load the artefact and understand one message."""
    import subprocess

    code = "from handlers.understanding.understand import understand; understand('inbraak bezig!')"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _confusion_png(outcomes: list[Outcome], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    with_category = [o for o in outcomes if o.item.category is not None]
    labels = sorted({o.item.category or NONE for o in with_category})
    figure, axes = plt.subplots(1, 2, figsize=(20, 9))
    ConfusionMatrixDisplay.from_predictions(
        [o.item.category for o in with_category],
        [o.category_head for o in with_category],
        labels=labels,
        normalize="true",
        values_format=".2f",
        ax=axes[0],
        colorbar=False,
        xticks_rotation=60,
    )
    axes[0].set_title("category (grouped CV, rows: truth)")
    kinds = ["report", "help", "chatter", "question"]
    ConfusionMatrixDisplay.from_predictions(
        [o.item.kind for o in outcomes],
        [o.understood.kind.value for o in outcomes],
        labels=kinds,
        normalize="true",
        values_format=".2f",
        ax=axes[1],
        colorbar=False,
    )
    axes[1].set_title("kind")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _plates() -> None:
    """Hook for the extractor bench: plate precision/recall on generated plates of every sidecode."""
    try:
        module = importlib.import_module("bench.plates")
    except ImportError:
        print("\n== plates: no bench/plates.py yet (the extractor bench provides plate figures)")
        return
    figures = getattr(module, "figures", None)
    if callable(figures):
        print("\n== plates")
        figures()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--per-class", action="store_true", help="print per-class precision/recall too")
    parser.add_argument(
        "--png",
        default=os.environ.get("BENCH_OUT", str(Path(tempfile.gettempdir()) / "buurtbot-bench"))
        + "/understanding-confusion.png",
    )
    args = parser.parse_args(argv)
    corpus = corpus_mod.load()
    items = list(corpus.items)
    real = sum(item.real for item in items)
    print(f"corpus: {len(items)} items from {', '.join(corpus.files)}; {real} real texts")
    if not corpus.shared:
        print("../shared/understanding not found: figures are on the repository corpus alone")
    print(f"grouped {args.folds}-fold cross-validation ({len(set(cv_groups(items)))} groups):")
    outcomes = _cross_validate(items, args.folds)
    _report("real texts only", [o for o in outcomes if o.item.real], per_class=True)
    _report("all items", outcomes, per_class=args.per_class or True)
    print(f"\n{TARGETS}")
    chat = [item.text for item in items if not item.real][:400] or [item.text for item in items[:400]]
    print(f"speed: {_speed(chat):,.0f} typical chat messages/s on one core (shipped model, target ≥ 2,000)")
    longer = [item.text for item in items if item.real][:400]
    if longer:
        print(f"       {_speed(longer):,.0f} messages/s on the longer real texts")
    print(f"cold start: {_cold_start():.2f} s for a new process to read its first message (target ≤ 1.5 s)")
    png = Path(args.png)
    _confusion_png(outcomes, png)
    print(f"confusion matrices: {png}")
    _plates()
    return 0


if __name__ == "__main__":
    sys.exit(main())
