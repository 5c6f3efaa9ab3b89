"""Times in the deployment's TIMEZONE (not Amsterdam): cards, /meldingen and campaigns, on both databases.

The reported bug: a card showed 08:39, then 09:39 after any update, because SQLite stored the local
wall-clock time and read it back as UTC. Here the zone is America/New_York, so a wrong zone or a
wrong round trip shows as a different hour.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from config.settings import Settings, load_settings
from handlers.campaigns.runner import post_due_runs
from handlers.clock import FakeClock
from storage.reports import Report
from tests.harness import ConsoleHarness

NEW_YORK_NOON = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 12:00 EST (UTC-5)
SAAR = "Verdachte man bij Dubbeldamseweg 120 om 08.39, donkere jas, rende richting station"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=db_url,
        telegram_bot_token=None,
        beheerders=("console:beheerder",),
        pseudonym_secret="test-secret",
        timezone="America/New_York",
    )


def _time_lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in "\n".join(lines).splitlines() if line.strip().startswith("Tijd:")]


async def test_card_time_stays_the_same_after_an_update_and_in_the_list(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    clock.set(NEW_YORK_NOON)
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    card = await console.say(f"/melding {SAAR}")
    assert _time_lines(card) == ["Tijd: 22-11 08:39 (om 08.39)"]

    await console.say(":als Karin")
    update = await console.say("Ik zie ook een man met donkere jas bij de Dubbeldamseweg, loert in tuinen")
    assert any("(bijgewerkt)" in line for line in update), update
    assert _time_lines(update) == ["Tijd: 22-11 08:39 (om 08.39)"]

    await console.say(":als Beheerder beheerder", ":groep Krispijn")
    listing = await console.text("/meldingen")
    assert "M-0001 · Verdachte situatie · Dubbeldamseweg 120 · 22-11 08:39 (om 08.39) · Open" in listing
    async with app.services.db() as session:
        stored = await session.scalar(select(Report.occurred_at).where(Report.short_id == "M-0001"))
    assert stored == datetime(2026, 11, 22, 13, 39, tzinfo=UTC)  # read back aware, in UTC


async def test_campaigns_run_and_list_in_the_configured_zone(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    chosen = tuple(c for c in app.services.campaigns if c.id == "donkere-dagen")
    app.services = dataclasses.replace(app.services, campaigns=chosen)
    app.dispatcher.services = app.services
    clock.set(NEW_YORK_NOON)
    await console.say(":groep Krispijn", "/wijk Krispijn", ":prive")
    listing = [line.strip() for line in await console.say("/campagne lijst")]
    assert "aan · volgende keer: 01-12-2026 19:00" in listing  # 19:00 in New York

    clock.set(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))  # 19:00 in Amsterdam, 13:00 in New York
    assert await post_due_runs(app.services) == 0
    clock.set(datetime(2026, 12, 2, 0, 0, tzinfo=UTC))  # 19:00 in New York
    mark = len(console.output)
    await post_due_runs(app.services)
    await console.session.drain.drain()
    assert "[Krispijn] buurtbot: Donkere Dagen" in console.output[mark:]
