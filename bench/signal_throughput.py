"""Signal end to end: N events on the fake daemon's stream → inbox → router → outbox → transport → fake.

    python -m bench.signal_throughput [-n 500] [--db sqlite|URL]

The fake signal-cli daemon runs on loopback in this process (real HTTP both ways: the SSE stream in,
JSON-RPC ``send`` out). Events are a mix of group commands, group chatter (answered with silence)
and private commands from 200 people. Figures: events taken off the stream and routed per second,
replies delivered per second by the outbox drained through the Signal transport (unpaced here: in
production ``SIGNAL_RATE_PER_SECOND`` caps it on purpose), and end-to-end messages per second
(events in ÷ time until the last reply was sent). Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp

from bot.adapters.signal.adapter import SignalAdapter
from bot.app import build_app
from config.settings import load_settings
from storage.migrate import upgrade
from tests.fakes.signal_cli import BOT_NUMBER, FakeSignalCli, person

GROUP = "QmVuY2hHcm91cEtyaXNwaWpuMDAwMDAwMDAwMDAwMDA="
GROUP_TEXTS = ["/regels", "Goedemorgen allemaal", "/start", "Dank je wel!"]
PRIVATE_TEXTS = ["/hulp", "/regels", "/start"]


async def run(n: int, database_url: str) -> dict[str, float]:
    async with FakeSignalCli() as daemon:
        people = [person(i, f"Buur {i}") for i in range(1, 201)]
        daemon.add_group(GROUP, "Buurt Krispijn", people, admins=people[:1])
        settings = load_settings(
            _env_file=None,
            database_url=database_url,
            pseudonym_secret="bench",
            signal_rpc_url=daemon.url,
            signal_number=BOT_NUMBER,
            signal_new_recipients_per_hour=1000,
        )
        app = build_app(settings)
        adapter = SignalAdapter(settings)
        async with aiohttp.ClientSession() as http:
            transport = adapter.connect(app, http)
            drain = app.sender({"signal": transport})
            await adapter.start()
            await daemon.wait_connected()
            assert adapter.intake is not None
            await daemon.push(daemon.group_update(people[0], GROUP))  # the bot joins: a known group
            await adapter.intake.wait_received(1)
            await adapter.intake.idle()
            await drain.drain()
            mark = len(daemon.sent)
            envelopes = [
                daemon.group_message(people[i % 200], GROUP, GROUP_TEXTS[i % len(GROUP_TEXTS)])
                if i % 2
                else daemon.private_message(people[i % 200], PRIVATE_TEXTS[i % len(PRIVATE_TEXTS)])
                for i in range(n)
            ]
            started = time.perf_counter()
            for envelope in envelopes:
                await daemon.push(envelope)
            async with asyncio.timeout(600):
                await adapter.intake.wait_received(n + 1)
                await adapter.intake.idle()
            routed = time.perf_counter() - started
            async with asyncio.timeout(600):
                attempted = await drain.drain(limit=10 * n)
            total = time.perf_counter() - started
            await adapter.stop()
        await app.close()
        sent = len(daemon.sent) - mark
        return {
            "events": n,
            "events_routed_per_s": n / routed,
            "replies_sent": sent,
            "replies_attempted": attempted,
            "replies_delivered_per_s": sent / (total - routed),
            "end_to_end_messages_per_s": n / total,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a database URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}" if args.db == "sqlite" else args.db
        upgrade(url)
        result = asyncio.run(run(args.n, url))
    for key, value in result.items():
        print(f"{key:>28}: {value:,.1f}" if isinstance(value, float) else f"{key:>28}: {value}")


if __name__ == "__main__":
    main()
