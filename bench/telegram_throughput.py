"""Telegram throughput: N updates through the fake Bot API on loopback, via getUpdates.

    python -m bench.telegram_throughput [-n 5000] [--only a,b,c]

(a) the stock PTB echo bot on PTB's default HTTPX request, (b) the same echo bot on
:class:`bot.adapters.telegram.request.AiohttpRequest`, (c) Buurtbot. The fake server runs in its own process
(this machine has two cores: one for the server, one for the bot) and is started afresh per variant.
The N updates are queued before polling starts, so the figure is backlog throughput: updates fully
handled per second. The echo bots count them in a later PTB group (it runs after the real handler is
done); Buurtbot counts the inbox rows its worker finished (each stored before its offset was
confirmed, and marked done with its replies), then waits until every reply has been sent.
Every wait is bounded, so the benchmark always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from sqlalchemy import event
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.telegram.request import AiohttpRequest
from tests.fakes import telegram_updates as tu

TOKEN = "123:abc"
GROUPS = [-1001000000000 - i for i in range(40)]
RESIDENTS = list(range(5001, 5401))
CHATTER = [
    "Goedemorgen buren!",
    "Heeft iemand een ladder te leen?",
    "Straatlantaarn bij nr 12 is stuk",
    "Verdachte auto in de Krispijnseweg, grijze bus",
    "Dank jullie wel",
    "Wie doet er mee zaterdag?",
]
COMMANDS = ["/start", "/regels", "/help", "/melding fiets gestolen bij station", "/regels@buurtbot_test_bot"]

PTBApp = Application[Any, Any, Any, Any, Any, Any]
# A variant gets the fake's base URL and the database kind, and returns a runner.
AppFactory = Callable[[str, str], Awaitable["Runner"]]


def realistic_mix(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Commands ~15 %, group/private chatter ~65 %, button presses ~20 %."""
    rnd = random.Random(seed)
    updates = []
    for i in range(1, n + 1):
        uid = rnd.choice(RESIDENTS)
        who = tu.user(uid, f"Bewoner {uid}")
        private = rnd.random() < 0.3
        chat = tu.private_chat(uid) if private else tu.group_chat(rnd.choice(GROUPS))
        roll = rnd.random()
        if roll < 0.15:
            update = tu.text_update(chat, who, rnd.choice(COMMANDS), message_id=i, update_id=i)
        elif roll < 0.80:
            update = tu.text_update(chat, who, rnd.choice(CHATTER), message_id=i, update_id=i)
        else:
            update = tu.callback_update(
                chat, who, f"rules:ok:{i % 7}", query_id=f"q{i}", message_id=i, update_id=i
            )
        updates.append(update)
    return updates


# --- (a)/(b): PTB's echobot example, plus an answer to button presses ----------------------------
async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def _command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Hoi! Ik ben een echo-bot.")


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()


def _echo_app(builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any]) -> PTBApp:
    app = builder.build()
    app.add_handler(CommandHandler(["start", "help"], _command))
    app.add_handler(MessageHandler(filters.COMMAND, _command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(CallbackQueryHandler(_button))
    return app


class Runner(Protocol):
    ptb: PTBApp

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def settled(self) -> bool: ...  # every reply of the handled updates has been sent
    def handled(self, counted: int) -> int: ...  # updates fully handled (``counted`` by PTB's group 99)
    def transactions(self) -> int: ...  # database transactions committed during the run


class EchoRunner:
    def __init__(self, ptb: PTBApp) -> None:
        self.ptb = ptb

    async def start(self) -> None:
        await self.ptb.initialize()
        await self.ptb.start()
        assert self.ptb.updater is not None
        await self.ptb.updater.start_polling(poll_interval=0.0, timeout=5)

    async def stop(self) -> None:
        assert self.ptb.updater is not None
        await self.ptb.updater.stop()
        await self.ptb.stop()
        await self.ptb.shutdown()

    async def settled(self) -> bool:
        return True  # the echo handlers return after their reply was sent

    def handled(self, counted: int) -> int:
        return counted

    def transactions(self) -> int:
        return 0  # no database


class BuurtbotRunner:
    """The real bot: polling, adapter, router, handlers, outbox in the database, sender."""

    def __init__(self, base_url: str, database_url: str) -> None:
        from bot.app import build_app
        from config.settings import load_settings
        from tests.telegram.runtime import TelegramRuntime

        settings = load_settings(
            _env_file=None,
            database_url=database_url,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=base_url,
            pseudonym_secret="bench",
            # The fake server sets no flood limit and the echo bots (a, b) do not pace, so the paced
            # sender gets budgets far above what it can reach: this measures handling, not Telegram's
            # 30/s (bench/fanout.py measures pacing against a limit).
            outbox_rate_per_second=10_000,
            outbox_per_chat_per_second=100,
            outbox_chat_burst=100,
            outbox_per_group_per_minute=10_000,
        )
        self.app = build_app(settings)
        self.runtime = TelegramRuntime(self.app, settings)
        self.ptb = self.runtime.ptb
        self._commits = 0

        def committed(_connection: object) -> None:
            self._commits += 1

        event.listen(self.app.engine.sync_engine, "commit", committed)

    def transactions(self) -> int:
        return self._commits

    async def start(self) -> None:
        await self.runtime.start()

    async def stop(self) -> None:
        await self.runtime.stop()
        await self.app.close()

    def handled(self, counted: int) -> int:
        return self.runtime.inbox.handled  # updates come through the inbox, not PTB's handlers

    async def settled(self) -> bool:
        from storage.outbox import pending_count

        async with self.app.services.db() as session:
            return await pending_count(session) == 0


def fresh_database(kind: str) -> str:
    """An empty, migrated database for one run (SQLite file, or a new PostgreSQL database)."""
    from storage.migrate import upgrade

    if kind == "postgres":
        from tests import pg

        url = pg.create_database()
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bench-')}/buurtbot.db"
    upgrade(url)
    return url


async def stock_echo(base_url: str, db: str) -> Runner:
    return EchoRunner(_echo_app(ApplicationBuilder().token(TOKEN).base_url(base_url)))


async def aiohttp_echo(base_url: str, db: str) -> Runner:
    request, updates_request = AiohttpRequest.pair()
    builder = ApplicationBuilder().token(TOKEN).base_url(base_url)
    return EchoRunner(_echo_app(builder.request(request).get_updates_request(updates_request)))


async def buurtbot(base_url: str, db: str) -> Runner:
    return BuurtbotRunner(base_url, await asyncio.to_thread(fresh_database, db))


VARIANTS: dict[str, tuple[str, AppFactory]] = {
    "a": ("stock PTB echo bot (HTTPX)", stock_echo),
    "b": ("PTB echo bot on AiohttpRequest", aiohttp_echo),
    "c": ("Buurtbot", buurtbot),
}


# --- the fake server in its own process -----------------------------------------------------------
@dataclass
class FakeProcess:
    proc: subprocess.Popen[str]
    port: int

    @classmethod
    def start(cls) -> FakeProcess:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.telegram_api", "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the port, printed once the server listens
        if not line.strip():
            proc.kill()
            raise RuntimeError("fake Bot API server did not start")
        return cls(proc, int(line))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _queue(fake: FakeProcess, updates: list[dict[str, Any]]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.url}/_fake/updates", data=json.dumps(updates)) as resp:
            resp.raise_for_status()
        async with session.get(f"{fake.url}/_fake/stats") as resp:
            result: dict[str, Any] = await resp.json()
            return result


async def _stats(fake: FakeProcess) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"{fake.url}/_fake/stats") as resp:
        result: dict[str, Any] = await resp.json()
        return result


@dataclass
class Result:
    seconds: float  # until every update is handled and its replies sent (nan: gave up)
    cpu_seconds: float  # this process's CPU time meanwhile (the fake runs elsewhere): load-independent
    transactions: int  # database commits meanwhile
    stats: dict[str, Any]  # the fake's call counts


async def run_variant(factory: AppFactory, updates: list[dict[str, Any]], limit: float, db: str) -> Result:
    """Run one variant over the updates against a fresh fake server."""
    fake = FakeProcess.start()
    try:
        await _queue(fake, updates)
        runner = await factory(f"{fake.url}/bot", db)
        counted = 0

        async def count(update: object, context: object) -> None:
            nonlocal counted
            counted += 1

        async def all_handled() -> None:
            while runner.handled(counted) < len(updates):  # noqa: ASYNC110 - bounded by the timeout
                await asyncio.sleep(0.01)

        runner.ptb.add_handler(TypeHandler(Update, count), group=99)
        started, cpu_started = time.perf_counter(), time.process_time()
        await runner.start()
        finished = False
        try:
            async with asyncio.timeout(limit):
                await all_handled()
                while not await runner.settled():  # noqa: ASYNC110 - a DB count, bounded by the timeout
                    await asyncio.sleep(0.01)
                finished = True
        except TimeoutError:
            print(f"   gave up after {limit:.0f} s with {runner.handled(counted)}/{len(updates)} handled")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        transactions = runner.transactions()
        await runner.stop()
        return Result(elapsed if finished else float("nan"), cpu, transactions, await _stats(fake))
    finally:
        fake.stop()


# --- transactions per handled group message, by phase ----------------------------------------------
PER_MESSAGE_GROUP = -1009000000001
PER_MESSAGE_TEXTS = {  # label → (text, whether the bot answers it)
    "plain group message": ("Heeft iemand een ladder te leen?", False),
    "report": ("Net een inbraak gezien bij de Reeweg 12, twee mannen renden weg richting station", True),
}


async def transactions_per_group_message(db: str = "sqlite", repeats: int = 5) -> dict[str, dict[str, float]]:
    """BEGINs per message in each phase, over the running bot (polling, inbox, paced sender): intake
    (storing the update), handling (resolving who speaks, the handler, its outbox rows, the done mark)
    and delivery (the sender's claim, send and record, until the reply is on the fake's wire)."""
    fake = FakeProcess.start()
    try:
        runner = BuurtbotRunner(f"{fake.url}/bot", await asyncio.to_thread(fresh_database, db))
        begun: list[int] = [0]

        def begin(_connection: object) -> None:
            begun[0] += 1

        event.listen(runner.app.engine.sync_engine, "begin", begin)
        await _link_group(runner, PER_MESSAGE_GROUP)
        await runner.start()
        results: dict[str, dict[str, float]] = {}
        update_id = 0
        for label, (text, answered) in PER_MESSAGE_TEXTS.items():
            totals = {"intake": 0, "handling": 0, "delivery": 0}
            for round_ in range(repeats + 1):  # the first round is first contact: not counted
                update_id += 1
                phases = await _one_message(runner, fake, begun, text, update_id, answered)
                if round_:
                    totals = {k: totals[k] + phases[k] for k in totals}
            results[label] = {k: v / repeats for k, v in totals.items()}
        await runner.stop()
        return results
    finally:
        fake.stop()


async def _link_group(runner: BuurtbotRunner, group: int) -> None:
    from storage.chats import create_area, ensure_chat

    now = runner.app.services.clock.now()
    async with runner.app.services.db() as session:
        area = await create_area(session, "Krispijn", now)
        chat = await ensure_chat(session, "telegram", str(group), "group", "Krispijn", now)
        chat.area_id = area.id
        await session.commit()


async def _one_message(
    runner: BuurtbotRunner, fake: FakeProcess, begun: list[int], text: str, update_id: int, answered: bool
) -> dict[str, int]:
    from storage.inbox import NewInbound

    who = tu.user(9001, "Bewoner")
    update = tu.text_update(tu.group_chat(PER_MESSAGE_GROUP, "Krispijn"), who, text, update_id=update_id)
    sent = (await _stats(fake))["counts"].get("sendMessage", 0)
    start = begun[0]
    await runner.runtime.inbox.take([NewInbound("telegram", f"tx-{update_id}", json.dumps(update))])
    stored = begun[0]
    await runner.runtime.inbox.idle()
    handled = begun[0]
    async with asyncio.timeout(10):
        while answered and (await _stats(fake))["counts"].get("sendMessage", 0) == sent:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # the sender records a batch shortly after sending it
    return {"intake": stored - start, "handling": handled - stored, "delivery": begun[0] - handled}


async def main_async(n: int, only: list[str], db: str = "sqlite") -> dict[str, float]:
    updates = realistic_mix(n)
    rates: dict[str, float] = {}
    for key in only:
        label, factory = VARIANTS[key]
        gc.collect()
        try:
            result = await run_variant(factory, updates, limit=max(60.0, n / 20), db=db)
        except NotImplementedError as exc:
            print(f"({key}) {label}: skipped ({exc})")
            continue
        rates[key] = n / result.seconds
        print(
            f"({key}) {label}: {rates[key]:8.0f} updates/s  ({result.seconds:.2f} s; "
            f"{1000 * result.cpu_seconds / n:.2f} ms CPU and {result.transactions / n:.2f} transactions "
            f"per update; calls {result.stats['counts']})"
        )
    for num, den in (("c", "a"), ("c", "b"), ("b", "a")):
        if num in rates and den in rates:
            print(f"{num}/{den} = {rates[num] / rates[den]:.2f}")
    if "c" in only:
        for label, phases in (await transactions_per_group_message(db)).items():
            shown = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
            print(f"transactions per handled {label}: {sum(phases.values()):.1f} ({shown})")
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--only", default="a,b,c")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="Buurtbot's database (c): an SQLite file or a fresh PostgreSQL database",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main_async(args.n, args.only.split(","), args.db))


if __name__ == "__main__":
    main()
