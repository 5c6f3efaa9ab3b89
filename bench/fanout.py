"""Alert fan-out: one alert to 1,000 group chats against the fake Bot API with a scaled flood limit.

    python -m bench.fanout [-n 1000] [--limit 300]

(a) Buurtbot's paced outbox sender (claims, pacing, recording in the database: the real path);
(b) the same 1,000 sends through PTB's ``AIORateLimiter`` (overall 300/s, 20/min per group);
(c) one chat answers 429 (retry_after 2 s) at the start: how long are the *other* chats held up?
(d) two sender workers on one PostgreSQL (``buurtbot run`` + ``buurtbot send``) at Telegram's real
    limits (30/s, 20 per group per minute): one alert to ``--two-n`` groups plus a few busy groups
    that get 25 messages each, with each worker's own counters (before) and with the budget shared
    in the database (``bot.shared_pacing``). Time runs ``--speed`` times faster for the pacers and
    the fake (a minute lasts 60/speed s), so the figures are in Telegram's seconds.
The fake enforces the limit with sliding windows and answers 429 above it, like Telegram.
Figures: achieved rate ÷ limit (target ≥ 0.95; two workers ≥ 0.9), 429s received (target 0),
stall (target 0 s), most messages one group got in any 60 s (two workers, ≤ 20).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import AIORateLimiter, ExtBot

from bot.adapters.telegram.request import AiohttpRequest
from bot.app import build_app
from bot.sender import send_until
from config.settings import load_settings
from handlers.clock import FakeClock
from storage.migrate import upgrade
from storage.outbox import pending_count
from tests import pg
from tests.bot.sender_support import (
    FastClock,
    max_per_group,
    paced_sender,
    queue_messages,
    seed_broadcast,
    telegram_transport,
)
from tests.fakes.telegram_api import Call, FakeTelegram, FloodLimits

HEADROOM = 0.985  # the sender's budget sits this far under the server's limit (network jitter)
FIRST = 1000


def _sends(fake: FakeTelegram) -> list[Call]:
    return [c for c in fake.calls if c.method == "sendMessage" and c.chat_id and c.chat_id.startswith("-")]


def _rate(calls: list[Call]) -> float:
    ok = sorted(c.at for c in calls if c.status == 200)
    span = (ok[-1] - ok[0]).total_seconds() if len(ok) > 1 else 0.0
    return (len(ok) - 1) / span if span else 0.0


def _stall(calls: list[Call], blocked: str, retry_after: float) -> float:
    """How much longer than normal the other chats waited while the blocked chat sat out its 429:
    the longest gap between their sends in that window, minus the longest gap outside it."""
    throttled = min((c.at for c in calls if c.chat_id == blocked and c.status == 429), default=None)
    ok = sorted(c.at for c in calls if c.status == 200 and c.chat_id != blocked)
    if throttled is None or len(ok) < 2:
        return 0.0
    inside, outside = [0.0], [0.0]
    for a, b in itertools.pairwise(ok):
        gap = (b - a).total_seconds()
        during = throttled <= b and (a - throttled).total_seconds() <= retry_after
        (inside if during else outside).append(gap)
    return max(0.0, max(inside) - max(outside))


async def paced(n: int, limit: float, fault: bool) -> tuple[list[Call], float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        settings = load_settings(_env_file=None, database_url=url, pseudonym_secret="bench")
        app = build_app(settings, clock=FakeClock())
        try:
            await seed_broadcast(app, app.services.clock, n, FIRST)  # type: ignore[arg-type]
            async with FakeTelegram(flood=FloodLimits(per_second=limit)) as fake:
                if fault:
                    fake.fail("429", method="sendMessage", chat_id=f"-{FIRST}", retry_after=2)
                async with telegram_transport(fake, app) as transport:
                    sender = paced_sender(app, {"telegram": transport}, rate=limit * HEADROOM)
                    stop = asyncio.Event()
                    started = datetime.now(UTC)
                    task = asyncio.create_task(sender.run(stop))
                    await fake.wait_for(lambda f: sum(c.status == 200 for c in _sends(f)) >= n, limit=120)
                    elapsed = (datetime.now(UTC) - started).total_seconds()
                    stop.set()
                    await task
                return _sends(fake), elapsed
        finally:
            await app.close()


async def ptb_limiter(n: int, limit: float, fault: bool) -> tuple[list[Call], float]:
    async with FakeTelegram(flood=FloodLimits(per_second=limit)) as fake:
        if fault:
            fake.fail("429", method="sendMessage", chat_id=f"-{FIRST}", retry_after=2)
        limiter = AIORateLimiter(
            overall_max_rate=limit,
            overall_time_period=1,
            group_max_rate=20,
            group_time_period=60,
            max_retries=5,
        )
        request, updates = AiohttpRequest.pair()
        bot = ExtBot(
            fake.token,
            base_url=fake.base_url,
            request=request,
            get_updates_request=updates,
            rate_limiter=limiter,
        )
        async with bot:
            started = datetime.now(UTC)
            await asyncio.gather(
                *(bot.send_message(-(FIRST + i), "Waarschuwing") for i in range(n)), return_exceptions=True
            )
            elapsed = (datetime.now(UTC) - started).total_seconds()
        return _sends(fake), elapsed


Runner = Callable[[int, float, bool], Awaitable[tuple[list[Call], float]]]

TELEGRAM_RATE = 30.0
# At 30/s half a message of headroom (0.985) is lost to any jitter in a one-second window; the
# two-worker run budgets 5 % under the limit (OUTBOX_RATE_PER_SECOND=28.5).
TWO_WORKER_HEADROOM = 0.95
BUSY = {f"-9{n:02}": 25 for n in range(3)}  # groups that get more than their 20 a minute


def _fan_out_rate(calls: list[Call], broadcast: set[str]) -> float:
    """Sends per second from the first send to the last alert copy (the busy groups' tail, which
    only their own budget holds back, is not fan-out)."""
    ok = sorted(c.at for c in calls if c.status == 200)
    end = max((c.at for c in calls if c.status == 200 and c.chat_id in broadcast), default=None)
    if end is None or len(ok) < 2:
        return 0.0
    inside = [at for at in ok if at <= end]
    span = (end - ok[0]).total_seconds()
    return (len(inside) - 1) / span if span else 0.0


async def two_workers(n: int, speed: float, shared: bool) -> tuple[list[Call], set[str]]:
    """Two sender workers (each its own app and engine) on one fresh PostgreSQL database."""
    url = await asyncio.to_thread(pg.create_database)
    try:
        await asyncio.to_thread(upgrade, url)
        settings = load_settings(_env_file=None, database_url=url, pseudonym_secret="bench")
        clock = FakeClock()
        apps = [build_app(settings, clock=clock) for _ in range(2)]
        try:
            await seed_broadcast(apps[0], clock, n, FIRST)
            await queue_messages(apps[0], BUSY, clock.now())
            fast = FastClock(speed)
            async with FakeTelegram(clock=fast, flood=FloodLimits()) as fake:
                async with telegram_transport(fake, apps[0]) as transport:
                    workers = [
                        paced_sender(
                            a,
                            {"telegram": transport},
                            TELEGRAM_RATE * TWO_WORKER_HEADROOM,
                            worker=f"bench-{i}",
                            shared=shared,
                            pace=fast,
                        )
                        for i, a in enumerate(apps)
                    ]

                    async def done() -> bool:
                        async with apps[0].services.db() as session:
                            return await pending_count(session) == 0

                    await asyncio.gather(*(send_until(w, done, limit=600) for w in workers))
                return _sends(fake), {f"-{FIRST + i}" for i in range(n)}
        finally:
            for a in apps:
                await a.close()
    finally:
        await asyncio.to_thread(pg.drop_database, url)


async def main_two_workers(n: int, speed: float) -> None:
    print(
        f"two sender workers on PostgreSQL: one alert to {n} groups + {len(BUSY)} busy groups x "
        f"{next(iter(BUSY.values()))}; Telegram's limits (30/s, 20/min per group), time x{speed:g}"
    )
    for name, shared in (("own counters (before)", False), ("shared budget", True)):
        calls, broadcast = await two_workers(n, speed, shared)
        rate = _fan_out_rate(calls, broadcast)
        throttled = sum(c.status == 429 for c in calls)
        busiest = max_per_group([c for c in calls if c.status == 200])
        print(
            f"  {name:24} rate/limit {rate / TELEGRAM_RATE:4.2f}  429s received {throttled:4}  "
            f"most to one group in 60 s {busiest}"
        )


async def main(n: int, limit: float, two_n: int, speed: float) -> None:
    print(f"fan-out of one alert to {n} group chats; fake limit {limit:.0f}/s overall, 1/s per chat")
    rows: list[tuple[str, Runner]] = [("buurtbot paced sender", paced), ("PTB AIORateLimiter", ptb_limiter)]
    for name, run in rows:
        calls, elapsed = await run(n, limit, False)
        rate = _rate(calls)
        throttled = sum(c.status == 429 for c in calls)
        print(
            f"  {name:24} {elapsed:6.2f} s  {rate:6.1f}/s  rate/limit {rate / limit:4.2f}  "
            f"429s received {throttled}"
        )
    for name, run in rows:
        calls, _ = await run(min(n, 600), limit, True)
        stall = _stall(calls, f"-{FIRST}", 2.0)
        print(f"  {name:24} one chat's 429 (retry_after 2 s) held the other chats up {stall:4.2f} s")
    if two_n:
        await main_two_workers(two_n, speed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=300.0)
    parser.add_argument("--two-n", type=int, default=600, help="groups in the two-worker run (0: skip)")
    parser.add_argument("--speed", type=float, default=2.0, help="time factor of the two-worker run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(args.n, args.limit, args.two_n, args.speed))
