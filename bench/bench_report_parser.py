"""Throughput of the report parser and recogniser (not a test: run ``python bench/bench_report_parser.py``).

Every group message passes the recogniser, so it must stay cheap even on long or odd input.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime

from handlers.reports.recognise import classify
from handlers.understanding.understand import _understood

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
TYPICAL = [
    "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld",
    "Witte bestelbus met kenteken VTH12K rijdt al een half uur rondjes door de wijk",
    "bedankt!",
    "👍",
    "weet iemand of de stroom uitvalt?",
    "Vannacht is er bij ons ingebroken, Johan de Wittstraat 12. Raam geforceerd.",
    "Zwarte BMW, kenteken 12-ABC-3, reed weg in de richting van Zwijndrecht",
]


def _run(label: str, texts: list[str], rounds: int) -> None:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            _understood.cache_clear()  # measure reading a new message, not the per-message memo
            classify(text, NOW)
        timings.append((time.perf_counter() - start) / len(texts))
    median = statistics.median(timings)
    print(f"{label:<32} {median * 1e6:9.1f} µs/message  ({1 / median:,.0f} messages/s)")


def main() -> None:
    random.seed(4)
    words = " ".join(TYPICAL).split()
    long_texts = [" ".join(random.choice(words) for _ in range(700))[:4000] for _ in range(20)]
    _run("typical group messages", TYPICAL, 200)
    _run("4,000-character messages", long_texts, 5)


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # only --help
    main()
