"""Dashboard pages on the statistics data set: each page's server time (p95) for a beheerder (every
wijk) and a coordinator (one wijk), over loopback HTTP against the bot's own web app (issue 15).

Run: .venv/bin/python -m bench.dashboard [--reports N] [--postgres auto|yes|no] [--database URL]
Target: every page p95 <= 100 ms with 1,000,000 reports (``--reports 1000000``; ``make bench`` runs
a smaller set so it stays quick). The data set is bench/statistics.py's generator.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics as stats
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bench.statistics import NOW, generate, settle
from bot.app import App, build_app
from bot.dashboard.auth import COOKIE
from bot.web import bound_port, build_web_app, start_web
from config.settings import load_settings
from handlers.clock import FakeClock
from storage.dashboard import create_session
from storage.migrate import upgrade
from storage.models import Person
from storage.reports import Report

TARGET_MS = 100.0
REPEAT = 25
BEHEERDER = "5000"  # coordinator 0 of the generator, made a beheerder by the setting
COORDINATOR = "5001"  # coordinator of one wijk
PEOPLE = {"beheerder": BEHEERDER, "coordinator": COORDINATOR}

# Measured by hand on the shared 2-core machine; printed after every run for comparison.
REFERENCE = """\
  by hand, 1,000,000 reports, 100 wijken (2026-12-01, 2 shared cores), p95 ms, beheerder / coordinator:
              overzicht  grafiek  meldingen  gefilterd  melding  waarschuwen  campagnes  wijken  export  audit
  SQLite      206/193    241/244  36/572     77/67      24/21    22/23        44/23      36/22   17/9    11
  PostgreSQL  245/235    391/413  73/54      25/22      15/14    28/17        35/18      36/19   15/9    10"""


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    who: str


def targets(report_id: str) -> list[Target]:
    pages = [
        ("overzicht", "/dashboard"),
        ("grafiek (png)", "/dashboard/grafiek/2.png"),
        ("meldingen", "/dashboard/meldingen"),
        ("meldingen gefilterd", "/dashboard/meldingen?wijk=2&status=open&periode=30"),
        ("melding", f"/dashboard/meldingen/{report_id}"),
        ("waarschuwen", "/dashboard/waarschuwen"),
        ("campagnes", "/dashboard/campagnes"),
        ("wijken", "/dashboard/wijken"),
        ("export", "/dashboard/export"),
    ]
    found = [Target(label, path, who) for label, path in pages for who in ("beheerder", "coordinator")]
    return [*found, Target("audit", "/dashboard/audit", "beheerder")]


async def cookie_for(app: App, external_id: str) -> str:
    async with app.services.db() as session:
        person = await session.scalar(select(Person).where(Person.external_id == external_id))
        assert person is not None
        secret = await create_session(session, person.id, app.services.clock.now())
        await session.commit()
        return secret


async def a_report_of_wijk_2(app: App) -> str:
    async with app.services.db() as session:
        short_id = await session.scalar(
            select(Report.short_id).where(Report.area_id == 2).order_by(Report.id.desc()).limit(1)
        )
    return short_id or "M-0000001"


async def measure(client: aiohttp.ClientSession, url: str, cookie: str) -> tuple[int, list[float]]:
    headers = {"Cookie": f"{COOKIE}={cookie}"}
    samples, status = [], 0
    for n in range(REPEAT + 2):
        start = time.perf_counter()
        async with client.get(url, headers=headers, allow_redirects=False) as response:
            await response.read()
            status = response.status
        if n >= 2:  # two warm-up requests: caches, prepared statements, templates
            samples.append((time.perf_counter() - start) * 1000)
    return status, samples


def p95(samples: list[float]) -> float:
    return stats.quantiles(samples, n=20, method="inclusive")[18]


async def bench_pages(app: App) -> list[tuple[str, str, float, float]]:
    cookies = {
        "beheerder": await cookie_for(app, BEHEERDER),
        "coordinator": await cookie_for(app, COORDINATOR),
    }
    runner = await start_web(build_web_app(app.services), 0, "127.0.0.1")
    base = f"http://127.0.0.1:{bound_port(runner)}"
    rows = []
    try:
        async with aiohttp.ClientSession() as client:
            for target in targets(await a_report_of_wijk_2(app)):
                status, samples = await measure(client, base + target.path, cookies[target.who])
                if status != 200:
                    print(f"  {target.label:<22} {target.who:<12} HTTP {status}: not measured")
                    continue
                rows.append((target.label, target.who, stats.median(samples), p95(samples)))
                label, who, median, high = rows[-1]
                verdict = "ok" if high <= TARGET_MS else f"OVER {TARGET_MS:.0f} ms"
                print(f"  {label:<22} {who:<12} median {median:6.1f} ms   p95 {high:6.1f} ms  {verdict}")
    finally:
        await runner.cleanup()
    return rows


async def run(url: str, args: argparse.Namespace, chart_dir: str) -> None:
    await asyncio.to_thread(upgrade, url)
    settings = load_settings(
        _env_file=None,
        database_url=url,
        pseudonym_secret="bench",
        chart_dir=chart_dir,
        beheerders=(f"telegram:{BEHEERDER}",),
    )
    app = build_app(settings, clock=FakeClock(NOW))
    try:
        async with app.services.db() as session:
            existing = int(await session.scalar(select(func.count()).select_from(Report)) or 0)
        if existing:
            print(f"  reusing the {existing:,} reports already in the database")
        else:
            start = time.perf_counter()
            await generate(app, args.reports, args.wijken, args.years, coordinators=10)
            took = time.perf_counter() - start
            print(f"  generated {args.reports:,} reports, {args.wijken} wijken in {took:.1f} s")
        await settle(app, url)
        await bench_pages(app)
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=30_000, help="reports to generate (issue: 1,000,000)")
    parser.add_argument("--wijken", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--postgres", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument("--database", help="measure this database (generated once, e.g. kept from a big run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        charts = str(Path(tmp) / "charts")
        if args.database:
            asyncio.run(run(args.database, args, charts))
            return
        print("SQLite:")
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", args, charts))
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
            asyncio.run(run(url, args, charts))
        finally:
            pg_helper.drop_database(url)
    print(REFERENCE)


if __name__ == "__main__":
    main()
