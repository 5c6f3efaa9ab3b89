"""Measure the referral recogniser and one campaign run to many groups (not a test: prints numbers).

Run: .venv/bin/python bench/bench_referrals_campaigns.py [groups] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_app
from config.settings import load_settings
from handlers.campaigns.runner import post_due_runs
from handlers.clock import FakeClock
from handlers.referrals.recognise import recognise
from storage.chats import ensure_chat
from storage.migrate import upgrade

WORDS = [
    "ik",
    "mijn",
    "man",
    "geslagen",
    "workshop",
    "discriminatie",
    "nu",
    "anoniem",
    "melden",
    "kapot",
    "lantaarnpaal",
    "ben",
    "opgelicht",
    "zelfmoord",
    "de",
    "het",
    "een",
    "buren",
    "hoor",
    "schreeuwen",
    "geld",
    "overgemaakt",
    "nep",
    "code",
    "gegeven",
]


def bench_recogniser() -> None:
    rng = random.Random(1)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 60))) for _ in range(5000)]
    start = time.perf_counter()
    for text in texts:
        recognise(text)
    elapsed = time.perf_counter() - start
    print(f"recogniser: {len(texts)} texts, {elapsed / len(texts) * 1e6:.0f} µs per text")


async def bench_campaign(groups: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pg = url is not None
        url = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        clock = FakeClock(datetime(2026, 11, 22, 12, tzinfo=UTC))
        app = build_app(load_settings(_env_file=None, database_url=url, pseudonym_secret="x"), clock=clock)
        chosen = tuple(c for c in app.services.campaigns if c.id == "donkere-dagen")
        app.services = dataclasses.replace(app.services, campaigns=chosen)
        async with app.services.db() as session:
            for number in range(groups):
                await ensure_chat(
                    session, "telegram", str(-1000 - number), "group", f"G{number}", clock.now()
                )
            await session.commit()
        clock.set(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
        start = time.perf_counter()
        posts = await post_due_runs(app.services)
        elapsed = time.perf_counter() - start
        again = await post_due_runs(app.services)
        await app.close()
    kind = "PostgreSQL" if pg else "SQLite"
    print(
        f"campaign run: {posts} posts queued in {elapsed * 1e3:.0f} ms ({kind}); second tick queued {again}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="?", type=int, default=1000, help="groups in the campaign run")
    parser.add_argument("--postgres", action="store_true", help="also run on a scratch PostgreSQL db")
    args = parser.parse_args()
    bench_recogniser()
    count = args.groups
    asyncio.run(bench_campaign(count, None))
    if args.postgres:
        from tests import pg as pg_helper

        pg_url = pg_helper.create_database()
        try:
            asyncio.run(bench_campaign(count, pg_url))
        finally:
            pg_helper.drop_database(pg_url)
