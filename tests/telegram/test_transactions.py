"""How many database transactions one group message costs, from intake to delivery.

Counted at the engine (every BEGIN, on SQLite and PostgreSQL alike) over the real path: the update is
stored in the inbox, the inbox worker hands it to the adapter, the dispatcher resolves who is speaking
once and runs the handler, the replies and the inbox "done" mark commit with it, the drain delivers
to the fake Bot API and records the result. Before one pass per update a plain group message cost
four transactions to handle (rows and dialog, then the handler's own lookup, the reply writer, the
audit) and a report six.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import Platform
from storage.chats import create_area, ensure_chat
from storage.inbox import NewInbound
from storage.models import OutboxMessage, OutboxStatus
from storage.reports import Report
from tests.bot.inbox_support import database_cut, inbox_states
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.runtime import TelegramRuntime

GROUP = -4101
ANNA = tu.user(601, "Anna")
# Read as a report by the shipped model (a SAAR message: what, where, when).
REPORT = "Net een inbraak gezien bij de Reeweg 12, twee mannen renden weg richting station"


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every transaction begun on ``engine`` meanwhile (one entry per BEGIN)."""
    begun: list[str] = []

    def begin(_connection: Any) -> None:
        begun.append("begin")

    event.listen(engine.sync_engine, "begin", begin)
    try:
        yield begun
    finally:
        event.remove(engine.sync_engine, "begin", begin)


async def _linked_group(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        chat = await ensure_chat(
            session, "telegram", str(GROUP), "group", "Buurtpreventie Krispijn", clock.now()
        )
        chat.area_id = area.id
        await session.commit()


async def _phases(runtime: TelegramRuntime, app: App, text: str, update_id: int) -> dict[str, int]:
    """Transactions of each phase for one group message: intake, handling, delivery (the test drain)."""
    update = tu.text_update(tu.group_chat(GROUP, "Buurtpreventie Krispijn"), ANNA, text, update_id=update_id)
    with counted(app.engine) as intake:
        await runtime.inbox.take([NewInbound(Platform.TELEGRAM, str(update_id), json.dumps(update))])
        stored = len(intake)
        await runtime.inbox.idle()
        handling = len(intake) - stored
    with counted(app.engine) as delivery:
        await runtime.drain.drain()
    return {"intake": stored, "handling": handling, "delivery": len(delivery)}


async def _statuses(app: App) -> list[str]:
    async with app.services.db() as session:
        return list(await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


async def test_a_plain_group_message_is_stored_and_handled_in_one_transaction_each(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock)
    await _phases(manual, app, "Goedemorgen buren!", 1)  # first contact creates the person
    phases = await _phases(manual, app, "Heeft iemand een ladder te leen?", 2)
    assert phases["intake"] == 1 and phases["handling"] == 1
    assert phases["delivery"] <= 1  # the drain's look for due rows (the sender is not even woken)
    assert await inbox_states(app) == {"pending": 0, "done": 2, "dead": 0}
    assert fake.calls_to("sendMessage") == []


async def test_a_report_is_filed_and_its_card_queued_in_one_transaction(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock)
    await _phases(manual, app, "Goedemorgen buren!", 1)
    phases = await _phases(manual, app, REPORT, 2)
    # The report row, its card's outbox row and the inbox's done mark commit in one transaction.
    # (Delivery is the sender's: bench/telegram_throughput.py prints its share per message.)
    assert phases["intake"] == 1 and phases["handling"] == 1
    async with app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1
    statuses = await _statuses(app)
    assert statuses and set(statuses) == {OutboxStatus.SENT}
    assert any("Melding M-0001" in c.params["text"] for c in fake.calls_to("sendMessage", GROUP))


def _all_but_done_marks(statement: str) -> bool:
    """A cut that lets the handler write its report and card but not mark the inbox row (nor record
    the failure): the crash 'after the handler's writes, before done'."""
    return not statement.startswith("UPDATE inbox")


async def test_a_crash_before_the_done_mark_files_the_report_once_on_the_retry(
    manual: TelegramRuntime, fake: FakeTelegram, app: App, clock: FakeClock
) -> None:
    await _linked_group(app, clock)
    await _phases(manual, app, "Goedemorgen buren!", 1)
    update = tu.text_update(tu.group_chat(GROUP, "Buurtpreventie Krispijn"), ANNA, REPORT, update_id=2)
    with database_cut(app.engine, _all_but_done_marks) as refused:
        await manual.inbox.take([NewInbound(Platform.TELEGRAM, "2", json.dumps(update))])
        await manual.inbox.idle()
    assert refused  # the done mark (and recording the failure) did not happen
    async with app.services.db() as session:  # nothing of the handling survived its rollback
        assert await session.scalar(select(func.count()).select_from(Report)) == 0
    assert await inbox_states(app) == {"pending": 1, "done": 1, "dead": 0}
    clock.advance(seconds=app.services.settings.inbox_lease_seconds + 1)
    assert await manual.inbox.resume() == 1
    await manual.inbox.idle()
    await manual.drain.drain()
    async with app.services.db() as session:
        [short_id] = list(await session.scalars(select(Report.short_id)))  # one report, not two
    assert await inbox_states(app) == {"pending": 0, "done": 2, "dead": 0}
    # (On PostgreSQL the rolled-back attempt used up a report id, so the number may be M-0002.)
    cards = [c for c in fake.calls_to("sendMessage") if "Melding M-" in c.params["text"]]
    assert len(cards) == 1 and f"Melding {short_id}" in cards[0].params["text"]
