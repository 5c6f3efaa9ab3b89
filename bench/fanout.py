"""Alert fan-out: one alert to 1,000 group chats against the fake Bot API with a scaled flood limit.

    python -m bench.fanout [-n 1000] [--limit 300]

(a) Buurtbot's paced outbox sender (claims, pacing, recording in the database: the real path);
(b) the same 1,000 sends through PTB's ``AIORateLimiter`` (overall 300/s, 20/min per group);
(c) one chat answers 429 (retry_after 2 s) at the start: how long are the *other* chats held up?
The fake enforces the limit with sliding windows and answers 429 above it, like Telegram.
Figures: achieved rate ÷ limit (target ≥ 0.95), 429s received (target 0), stall (target 0 s).
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

from bot.app import build_app
from bot.settings import load_settings
from bot.telegram.request import AiohttpRequest
from handlers.clock import FakeClock
from storage.migrate import upgrade
from tests.bot.sender_support import paced_sender, seed_broadcast, telegram_transport
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


async def main(n: int, limit: float) -> None:
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=300.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(args.n, args.limit))
