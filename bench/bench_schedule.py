"""Worst case of the alert time parser and the whole ``/bericht`` path on hostile input.

Not a test (no test depends on timing): ``python -m bench.bench_schedule``. Each shape is 4,096
characters, the longest message the bot accepts.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.schedule import parse_schedule

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SIZE = 4096
HEAD = "/bericht Krispijn Let op"


def shapes() -> dict[str, str]:
    fill = SIZE - len(HEAD) - len("morgen")
    return {
        "spaces": HEAD + " " * fill + "morgen",
        "newlines": HEAD + "\n" * fill + "morgen",
        "tabs": HEAD + "\t" * fill + "morgen",
        "repeated om": (HEAD + " om" * SIZE)[:SIZE],
        "repeated plan": (HEAD + " plan" * SIZE)[:SIZE],
        "repeated digits": (HEAD + " " + "1" * SIZE)[:SIZE],
        "digits and colons": (HEAD + " " + "1:" * SIZE)[:SIZE],
    }


def parser_worst() -> tuple[str, float]:
    zone, worst = ZoneInfo("Europe/Amsterdam"), ("", 0.0)
    for name, text in shapes().items():
        start = time.perf_counter()
        for _ in range(100):
            parse_schedule(text, NOW, zone)
        took = (time.perf_counter() - start) / 100
        worst = max(worst, (name, took), key=lambda pair: pair[1])
    return worst


async def console_worst(url: str) -> tuple[str, float]:
    from bot.adapters.console.session import ConsoleSession
    from bot.app import build_app
    from config.settings import load_settings
    from handlers.clock import FakeClock

    settings = load_settings(_env_file=None, database_url=url, telegram_bot_token=None)
    app = build_app(settings, clock=FakeClock())
    out: list[str] = []
    console = ConsoleSession(app, out.append)
    await console.start()
    for line in (":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn"):
        await console.handle_line(line)
    worst = ("", 0.0)
    for name, text in shapes().items():
        start = time.perf_counter()
        await console.handle_line(text)
        worst = max(worst, (name, time.perf_counter() - start), key=lambda pair: pair[1])
    await app.close()
    return worst


def main() -> None:
    name, took = parser_worst()
    print(f"schedule parser, worst 4,096-char shape ({name}): {took * 1e6:,.1f} µs")
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        name, took = asyncio.run(console_worst(url))
    print(f"/bericht through the console, worst 4,096-char shape ({name}): {took * 1e3:,.1f} ms")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # only --help
    main()
