"""Report detail extractors measured (not a test: run ``python -m bench.extractors``).

Prints plate precision/recall per sidecode on generated plates, false plates on chatter-like
strings (our own list plus the chatter of ``../shared/understanding`` when present — read there,
never copied), field-level precision/recall against the labelled detail fields of
``../shared/understanding``, messages per second, and the worst hostile input.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from handlers.reports.parser import ParsedReport, parse
from handlers.reports.plates import SIDECODES, find_plates
from handlers.reports.text import Budget
from tests.handlers.test_reports_hostile import SHAPES
from tests.plategen import CHATTER, sample

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("location", "time", "person", "vehicle", "licence_plate", "direction")
_TOKEN = re.compile(r"[^\W_]{3,}|\d+")


def shared_dir() -> Path | None:
    """``../shared/understanding`` of the main checkout or of a worktree beside it."""
    candidates = [Path(os.environ["BUURTBOT_SHARED_DIR"])] if os.environ.get("BUURTBOT_SHARED_DIR") else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    return next((c / "understanding" for c in candidates if (c / "understanding").is_dir()), None)


def labelled() -> Iterator[dict[str, Any]]:
    folder = shared_dir()
    for path in sorted(folder.glob("*.jsonl")) if folder else []:
        with path.open(encoding="utf-8") as lines:
            yield from (json.loads(line) for line in lines if line.strip())


def plates_per_sidecode(per_sidecode: int) -> None:
    print(f"plates on generated messages ({per_sidecode} per sidecode, six ways of writing):")
    rows = sample(per_sidecode)
    worst = 1.0
    for sidecode in range(1, len(SIDECODES) + 1):
        mine = [(message, dashed) for code, message, dashed in rows if code == sidecode]
        found = [[p.text for p in find_plates(message)] for message, _ in mine]
        hits = sum(dashed in plates for (_, dashed), plates in zip(mine, found, strict=True))
        wrong = sum(sum(p != dashed for p in plates) for (_, dashed), plates in zip(mine, found, strict=True))
        recall, precision = hits / len(mine), hits / max(1, hits + wrong)
        worst = min(worst, recall, precision)
        code = SIDECODES[sidecode - 1]
        print(f"  sidecode {sidecode:>2} {code:<9} precision {precision:.3f}  recall {recall:.3f}")
    print(f"  worst per-sidecode figure: {worst:.3f} (target ≥ 0.98)")


def false_plates() -> None:
    chatter = [row["text"] for row in labelled() if row.get("kind") == "chatter"]
    for label, texts in (
        ("chatter-like strings (own list)", list(CHATTER)),
        ("shared chatter texts", chatter),
    ):
        if not texts:
            print(f"false plates on {label}: (not present)")
            continue
        false = sum(len(find_plates(text)) for text in texts)
        print(f"false plates on {label}: {false} in {len(texts)} texts")


def _words(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def _overlap(predicted: str, gold: str, field: str) -> bool:
    if field == "licence_plate":
        a, b = (re.sub(r"[^0-9A-Z]", "", s.upper()) for s in (predicted, gold))
        return bool(a) and bool(b) and (a in b or b in a)
    p, g = predicted.lower(), gold.lower()
    return p in g or g in p or bool(_words(p) & _words(g))


def _predicted(report: ParsedReport) -> dict[str, str | None]:
    person = report.person
    who = (
        [person.group or person.who or "", *person.behaviour, *person.clothing, *person.objects]
        if person
        else []
    )
    vehicle = report.vehicle
    return {
        "location": report.location.text if report.location else None,
        "time": report.time.phrase if report.time else None,
        "person": " ".join(part for part in who if part) or None,
        "vehicle": " ".join(v for v in (vehicle.colour, vehicle.make, vehicle.type) if v)
        if vehicle
        else None,
        "licence_plate": report.licence_plate or report.plate_partial,
        "direction": report.direction,
    }


def field_scores() -> None:
    rows = list(labelled())
    if not rows:
        print("field precision/recall: ../shared/understanding not present")
        return
    counts = {field: [0, 0, 0] for field in FIELDS}  # true positives, false positives, false negatives
    for row in rows:
        predicted = _predicted(parse(row["text"], NOW))
        for field in FIELDS:
            gold, guess = row.get(field), predicted[field]
            tp, fp, fn = counts[field]
            if guess and gold and _overlap(guess, str(gold), field):
                counts[field] = [tp + 1, fp, fn]
            else:
                counts[field] = [tp, fp + bool(guess), fn + bool(gold)]
    print(f"field precision/recall on {len(rows)} labelled real texts (substring or shared-word match):")
    for field, (tp, fp, fn) in counts.items():
        precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
        print(f"  {field:<14} precision {precision:.2f}  recall {recall:.2f}  (tp {tp}, fp {fp}, fn {fn})")


def _rate(texts: list[str], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            parse(text, NOW)
        timings.append((time.perf_counter() - start) / len(texts))
    return 1 / statistics.median(timings)


def throughput() -> None:
    typical = [message for _, message, _ in sample(3)] + list(CHATTER)
    print(f"parser throughput, typical messages: {_rate(typical, 5):,.0f} messages/s")
    real = [row["text"] for row in labelled()]
    if real:
        print(f"parser throughput, shared real texts: {_rate(real, 2):,.0f} messages/s")


def hostile(size: int = 4096) -> None:
    results: list[tuple[float, int, str]] = []
    for name, make in SHAPES.items():
        text: str = make(size)
        timings = []
        for _ in range(3):  # best of three: the machine is shared, a hiccup is not the parser
            budget = Budget()
            start = time.perf_counter()
            parse(text, NOW, budget=budget)
            timings.append(time.perf_counter() - start)
        results.append((min(timings), budget.used, name))
    worst_time, _, worst_name = max(results)
    most = max(results, key=lambda r: r[1])
    print(
        f"hostile {size}-character inputs ({len(results)} shapes): worst {worst_time * 1000:.1f} ms "
        f"({worst_name}); most scanning {most[1] / size:.1f} characters per input character ({most[2]})"
    )


def main(per_sidecode: int) -> None:
    steps: list[Callable[[], None]] = [
        lambda: plates_per_sidecode(per_sidecode),
        false_plates,
        field_scores,
        throughput,
        hostile,
    ]
    for step in steps:
        step()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-sidecode", type=int, default=300, help="generated plates per sidecode")
    main(parser.parse_args().per_sidecode)
