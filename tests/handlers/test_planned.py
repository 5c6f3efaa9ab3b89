"""Only 'plan …' schedules an alert; a time in the text stays text; planned alerts can be cancelled."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from storage.alerts import Broadcast, BroadcastStatus
from storage.models import OutboxMessage
from tests.harness import ConsoleHarness

MISSING = "/alert vermissing Krispijn Jan (82), laatst gezien bij winkelcentrum om 8:15"


async def _setup(console: ConsoleHarness) -> None:
    for name in ("Groep A", "Groep B"):
        await console.say(f":groep {name}", "/wijk Krispijn")
    await console.say(":prive", ":als Ans coordinator Krispijn")


def _copies(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("[Groep") and "Waarschuwing voor" in line]


async def test_a_time_in_a_missing_person_alert_is_text(console: ConsoleHarness, app: App) -> None:
    await _setup(console)
    preview = await console.text(MISSING)
    assert "meteen" in preview and "Gaat meteen weg" in preview
    assert "laatst gezien bij winkelcentrum om 8:15" in preview
    sent = await console.say("1")
    assert len(_copies(sent)) == 2
    assert "\n".join(sent).count("laatst gezien bij winkelcentrum om 8:15") == 2
    async with app.services.db() as session:
        broadcast = (await session.scalars(select(Broadcast))).one()
    assert broadcast.scheduled_for is None and broadcast.text.endswith("om 8:15")


async def test_plan_schedules_and_the_preview_says_when(console: ConsoleHarness, app: App) -> None:
    await _setup(console)
    preview = await console.text("/alert inbraakgolf Krispijn plan morgen 08:00")
    assert "op 23-11-2026 08:00" in preview and "Gaat meteen weg" not in preview
    assert "Ingepland voor 23-11-2026 08:00" in await console.text("1")
    async with app.services.db() as session:
        broadcast = (await session.scalars(select(Broadcast))).one()
    assert broadcast.scheduled_for is not None
    assert broadcast.scheduled_for.replace(tzinfo=UTC) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_coordinator_lists_and_cancels_planned_alerts(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _setup(console)
    await console.say("/alert inbraakgolf Krispijn plan 18:30", "1")
    await console.say("/bericht Krispijn Buurtoverleg in het wijkcentrum plan 19:00", "1")
    listing = await console.text("/alert gepland")
    assert "#1" in listing and "inbraakgolf" in listing and "22-11-2026 18:30" in listing
    assert "#2" in listing and "Buurtoverleg" in listing and "[1] Annuleer #1" in listing
    assert "#2" in await console.text("/bericht gepland")
    cancelled = await console.text("/alert gepland", "1")
    assert "Geannuleerd: #1" in cancelled
    assert "Geannuleerd: #2" in await console.text("/alert gepland", "1")
    assert "geen geplande waarschuwingen" in await console.text("/alert gepland")
    # A resident may not see or cancel them.
    assert "Dat mag ik niet" in await console.text(":als Piet bewoner", "/alert gepland")
    clock.advance(hours=7)  # 20:00 in Amsterdam: both would have gone by now
    sent = await console.say(":groep Groep A", "hallo")
    assert _copies(sent) == [] and not any("Buurtoverleg" in line for line in sent)
    async with app.services.db() as session:
        statuses = [b.status for b in await session.scalars(select(Broadcast).order_by(Broadcast.id))]
        left = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.broadcast_id.is_not(None)))
        )
    assert statuses == [BroadcastStatus.CANCELLED, BroadcastStatus.CANCELLED] and left == []


async def test_later_button_asks_when_and_plans_the_draft(console: ConsoleHarness, app: App) -> None:
    await _setup(console)
    preview = await console.text(MISSING)
    assert "[3] Later versturen" in preview
    assert "Wanneer moet het weg?" in await console.text("3")
    assert "Die tijd begrijp ik niet" in await console.text("straks")  # asked again, nothing planned
    planned = await console.text("morgen 8:00")
    assert "op 23-11-2026 08:00" in planned and "om 8:15" in planned and "Later versturen" not in planned
    assert "Ingepland voor 23-11-2026 08:00" in await console.text("1")
    async with app.services.db() as session:
        broadcast = (await session.scalars(select(Broadcast))).one()
    assert broadcast.scheduled_for is not None and broadcast.status == BroadcastStatus.QUEUED
