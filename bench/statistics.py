"""Statistics, digest and export on a generated data set: /statistiek for one wijk and one year,
the city-wide month, the digest for N coordinators, and the export's peak memory (issue 14).

Run: .venv/bin/python -m bench.statistics [--reports N] [--wijken N] [--coordinators N] [--postgres]
Targets: each statistic <= 100 ms; the digest for 500 coordinators <= 60 s; the export streams
(its peak RSS barely grows with the number of rows).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sqlite3
import statistics as stats
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text

from bot.app import App, build_app
from config.settings import load_settings
from handlers.clock import FakeClock
from handlers.statistics.digest import send_digests
from handlers.statistics.period import Period
from handlers.statistics.text import statistics_reply
from storage.digests import DigestRun
from storage.migrate import upgrade
from storage.models import Area, Chat, OutboxMessage, Person, Role
from storage.reports import Report, ReportTap
from storage.statistics import area_scope, city_scope, statistics

# Measured by hand on the shared 2-core machine (2026-12-01), --reports 1000000 --coordinators 500,
# 100 wijken over 3 years; printed after every run for comparison.
REFERENCE = """\
  by hand, 1,000,000 reports (median ms: wijk-year / city-month / city-year; digest 500; export year):
  SQLite       12.8 / 83.4 / 611   digest 18.8 s   export 332,292 rows 22.5 s, peak RSS 95 MiB (month 95)
  PostgreSQL   45.6 / 66.9 / 286   digest 15.6 s   export 332,327 rows 22.6 s, peak RSS 93 MiB (month 92)"""

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
CATEGORIES = (
    "verdachte_situatie", "inbraak", "diefstal", "vernieling", "babbeltruc", "online_fraude",
    "overlast", "vermissing", "brand_of_ongeval", "geweld", "drugs", "straatintimidatie", "anders",
)  # fmt: skip
BATCH = 20_000
REPEAT = 7


def square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


async def generate(app: App, reports: int, wijken: int, years: int, coordinators: int) -> None:
    """Areas, reports over ``years`` up to NOW (old ones mostly closed), taps, campaign posts."""
    rng = random.Random(14)
    async with app.services.db() as session:
        for w in range(wijken):
            lon, lat = 4.5 + (w % 10) * 0.03, 51.7 + (w // 10) * 0.03
            session.add(
                Area(
                    id=w + 1,
                    name=f"Wijk {w:03d}",
                    key=f"wijk-{w:03d}",
                    kind="wijk",
                    postcodes="",
                    created_at=NOW,
                    code=f"WK9999{w:02d}"[:8] if w < 100 else None,
                    geometry=square(lon, lat, 0.03),
                    inhabitants=rng.randint(2000, 15000),
                )
            )
        await session.flush()
        for w in range(wijken):
            for b in range(3):
                lon, lat = 4.5 + (w % 10) * 0.03 + b * 0.01, 51.7 + (w // 10) * 0.03
                session.add(
                    Area(
                        id=1000 + w * 3 + b,
                        name=f"Buurt {w:03d}-{b}",
                        key=f"buurt-{w:03d}-{b}",
                        kind="buurt",
                        postcodes="",
                        created_at=NOW,
                        code=f"BU9999{w:02d}{b:02d}",
                        parent_id=w + 1,
                        geometry=square(lon, lat, 0.01),
                        inhabitants=None,
                    )
                )
        groups = []
        for w in range(wijken):
            chat = Chat(
                platform="telegram",
                external_id=f"-{w + 1}",
                kind="group",
                title=f"Groep {w}",
                area_id=w + 1,
                active=True,
                created_at=NOW,
            )
            session.add(chat)
            groups.append(chat)
        for c in range(coordinators):
            person = Person(
                platform="telegram",
                external_id=str(5000 + c),
                display_name=f"C{c}",
                pseudonym=f"coord-{c}",
                created_at=NOW,
            )
            session.add(person)
            session.add(
                Chat(
                    platform="telegram",
                    external_id=str(5000 + c),
                    kind="private",
                    title=None,
                    active=True,
                    created_at=NOW,
                )
            )
            await session.flush()
            session.add(Role(person_id=person.id, role="coordinator", area_id=c % wijken + 1, granted_at=NOW))
        await session.flush()
        group_ids = [g.id for g in groups]
        await session.commit()
    span = timedelta(days=365 * years).total_seconds()
    for first in range(0, reports, BATCH):
        rows, taps, posts = [], [], []
        for n in range(first, min(first + BATCH, reports)):
            created = NOW - timedelta(seconds=rng.random() * span)
            age_days = (NOW - created).days
            wijk = rng.randrange(wijken)
            closed = rng.random() < (0.99 if age_days > 60 else 0.6)
            forwarded = rng.random() < 0.3
            rows.append({
                "id": n + 1, "short_id": f"M-{n + 1:07d}", "area_id": wijk + 1,
                "incident_id": (n + 1 - rng.randint(1, 5)) if n > 10 and rng.random() < 0.1 else None,
                "category": rng.choice(CATEGORIES),
                "status": "closed" if closed else ("doorgegeven" if forwarded else "open"),
                "reporter_pseudonym": f"p{rng.randrange(20_000)}", "called_112": rng.random() < 0.2,
                "buurt_code": f"BU9999{wijk:02d}{rng.randrange(3):02d}" if rng.random() < 0.5 else None,
                "latitude": 51.7 + rng.random() * 0.3 if rng.random() < 0.4 else None,
                "longitude": 4.5 + rng.random() * 0.3, "source": "dialog",
                "street": "Straat", "house_number": "1",
                "created_at": created, "updated_at": created,
                "forwarded_at": created + timedelta(minutes=rng.randint(5, 600)) if forwarded else None,
                "closed_at": created + timedelta(hours=rng.randint(1, 96)) if closed else None,
            })  # fmt: skip
            if rng.random() < 0.02:
                taps.append(
                    {"report_id": n + 1, "pseudonym": f"t{n}", "kind": "called", "created_at": created}
                )
            if rng.random() < 0.1:
                chat_id = group_ids[wijk % len(group_ids)]
                posts.append(
                    {
                        "chat_id": chat_id,
                        "idempotency_key": f"campaign:b:{n}:{chat_id}",
                        "payload": {},
                        "status": "sent",
                        "attempts": 1,
                        "next_attempt_at": created,
                        "created_at": created,
                    }
                )
        async with app.services.db() as session:
            # Core inserts (executemany): the ORM's bulk path is several times slower for a million rows.
            await session.execute(insert(Report.__table__), rows)
            if taps:
                await session.execute(insert(ReportTap.__table__), taps)
            if posts:
                await session.execute(insert(OutboxMessage.__table__), posts)
            await session.commit()


async def timed(label: str, job: Callable[[], Awaitable[object]], target_ms: float | None = None) -> float:
    await job()  # warm: caches, prepared statements
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        await job()
        samples.append((time.perf_counter() - start) * 1000)
    median = stats.median(samples)
    verdict = "" if target_ms is None else (" ok" if median <= target_ms else f" OVER {target_ms:.0f} ms")
    print(f"  {label:<44} median {median:7.1f} ms  (min {min(samples):.1f}, max {max(samples):.1f}){verdict}")
    return median


async def bench_statistics(app: App) -> None:
    services = app.services
    async with services.db() as session:
        wijk = await session.get(Area, 1)
        assert wijk is not None
        wijk_scope = await area_scope(session, wijk)
        city = await city_scope(session, "stad")

    async def one_wijk_year() -> None:
        async with services.db() as session:
            figures = await statistics(session, wijk_scope, NOW - timedelta(days=365), NOW)
            statistics_reply(services.catalog, figures, Period.JAAR)

    async def city_month() -> None:
        async with services.db() as session:
            figures = await statistics(session, city, NOW - timedelta(days=30), NOW)
            statistics_reply(services.catalog, figures, Period.MAAND)

    async def city_year() -> None:
        async with services.db() as session:
            await statistics(session, city, NOW - timedelta(days=365), NOW)

    await timed("/statistiek WIJK jaar (one wijk, one year)", one_wijk_year, 100)
    await timed("/statistiek maand (city-wide, one month)", city_month, 100)
    await timed("city-wide, one year (no target)", city_year)


async def bench_digest(app: App) -> None:
    async with app.services.db() as session:  # a reused database: this week was claimed before
        await session.execute(delete(DigestRun))
        await session.execute(delete(OutboxMessage).where(OutboxMessage.idempotency_key.like("digest:%")))
        await session.commit()
    start = time.perf_counter()
    sent = await send_digests(app.services)
    seconds = time.perf_counter() - start
    each = seconds / max(sent, 1) * 1000
    print(f"  digest (text + chart) for {sent} coordinators (one chart per wijk, shared):"
          f" {seconds:.1f} s, {each:.0f} ms per coordinator (target: 500 in ≤ 60 s)")  # fmt: skip


def bench_export(url: str, chart_dir: str) -> None:
    """The real CLI in a child process; its peak RSS (ru_maxrss of the child) for a month and a year."""
    env = {**os.environ, "DATABASE_URL": url, "CHART_DIR": chart_dir, "LOG_LEVEL": "WARNING"}
    for label, first in (("one month", "2026-11-01"), ("one year", "2025-12-01")):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "export.csv"
            command = [
                sys.executable,
                "-m",
                "bot.cli",
                "export",
                "--van",
                first,
                "--tot",
                "2026-11-30",
                "--uit",
                str(out),
            ]
            script = (
                "import resource, subprocess, sys, time; t = time.perf_counter();"
                f" subprocess.run({command!r}, check=True);"
                " print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
            )
            result = subprocess.run(
                [sys.executable, "-c", script], env=env, cwd=tmp, capture_output=True, text=True
            )
            if result.returncode != 0:
                print(f"  export {label}: failed: {result.stderr.strip()[-300:]}")
                continue
            seconds, peak_kb = result.stdout.split()
            rows = max(sum(1 for _ in out.open(encoding="utf-8-sig")) - 1, 0)
            peak = int(peak_kb) / 1024
            print(
                f"  export {label:<10} {rows:>9,} rows in {float(seconds):5.1f} s, peak RSS {peak:6.1f} MiB"
            )


async def settle(app: App, url: str) -> None:
    """After a bulk load, what a running installation is like: PostgreSQL has statistics and a
    visibility map (autovacuum soon does both), SQLite has its write-ahead log folded back in."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        await asyncio.to_thread(
            lambda: sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        )
        return
    async with app.engine.connect() as connection:  # VACUUM runs outside a transaction
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))


async def run(url: str, args: argparse.Namespace, chart_dir: str) -> None:
    await asyncio.to_thread(upgrade, url)
    settings = load_settings(_env_file=None, database_url=url, pseudonym_secret="bench", chart_dir=chart_dir)
    app = build_app(settings, clock=FakeClock(NOW))
    try:
        start = time.perf_counter()
        async with app.services.db() as session:
            existing = int(await session.scalar(select(func.count()).select_from(Report)) or 0)
        if existing:
            print(f"  reusing the {existing:,} reports already in the database")
        else:
            await generate(app, args.reports, args.wijken, args.years, args.coordinators)
            print(f"  generated {args.reports:,} reports, {args.wijken} wijken, {args.years} years"
                  f" in {time.perf_counter() - start:.1f} s")  # fmt: skip
        await settle(app, url)
        await bench_statistics(app)
        await bench_digest(app)
    finally:
        await app.close()
    bench_export(url, chart_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=30_000, help="reports to generate (issue: 1,000,000)")
    parser.add_argument("--wijken", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--coordinators", type=int, default=10, help="coordinators getting a digest")
    parser.add_argument("--postgres", choices=("auto", "yes", "no"), default="auto",
                        help="also on a scratch PostgreSQL database (auto: when reachable)")  # fmt: skip
    parser.add_argument("--database", help="measure this database (generated once, e.g. kept from a big run)")
    args = parser.parse_args()
    if args.database:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(args.database, args, str(Path(tmp) / "charts")))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", args, str(Path(tmp) / "charts")))
        if args.postgres == "no":
            return
        from tests import pg as pg_helper

        try:
            url = pg_helper.create_database()
        except Exception as error:  # not reachable: SQLite figures only
            print(f"PostgreSQL: not reachable ({type(error).__name__}); skipped")
            if args.postgres == "yes":
                raise
            return
        try:
            print("PostgreSQL:")
            asyncio.run(run(url, args, str(Path(tmp) / "charts-pg")))
        finally:
            pg_helper.drop_database(url)
    print(
        f"bench peak RSS (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
