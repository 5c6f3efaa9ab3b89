"""The statistics queries pin the numbers of a known data set (tests/statistics_data.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from storage.statistics import AlertFigures, area_scope, city_scope, statistics
from tests import statistics_data


@pytest.fixture
async def known(app: App) -> statistics_data.Known:
    return await statistics_data.build(app)


async def test_a_wijk_over_the_last_month(app: App, known: statistics_data.Known) -> None:
    now = app.services.clock.now()
    async with app.services.db() as session:
        scope = await area_scope(session, known.krispijn)
        stats = await statistics(session, scope, now - timedelta(days=30), now)
    figures = stats.reports
    assert figures.reports == 4
    assert figures.by_category == {"verdachte_situatie": 2, "inbraak": 1, "overlast": 1}
    assert figures.linked == 1
    assert figures.called_112 == 2  # one said so in the report, one tapped "Ik heb 112 gebeld"
    assert figures.open_now == 1
    assert figures.median_to_forwarded == pytest.approx(3600, abs=1)  # 30 and 90 minutes
    assert figures.median_to_closed == pytest.approx(4 * 3600, abs=1)  # 2 and 6 hours
    assert stats.per_1000 == pytest.approx(0.8)
    assert stats.alerts == {"babbeltruc-nep-agent": AlertFigures(sent=1, delivered=10, failed=1)}
    assert stats.campaign_posts == 1
    assert (stats.groups, stats.subscribers) == (2, 1)  # the inactive group does not count


async def test_a_year_reaches_back_further(app: App, known: statistics_data.Known) -> None:
    now = app.services.clock.now()
    async with app.services.db() as session:
        scope = await area_scope(session, known.krispijn)
        stats = await statistics(session, scope, now - timedelta(days=365), now)
    assert stats.reports.reports == 5
    assert stats.reports.median_to_closed == pytest.approx(2 * 3600, abs=1)  # 1, 2 and 6 hours


async def test_a_buurt_and_the_city(app: App, known: statistics_data.Known) -> None:
    now = app.services.clock.now()
    async with app.services.db() as session:
        buurt = await statistics(
            session, await area_scope(session, known.noord), now - timedelta(days=30), now
        )
        city = await statistics(session, await city_scope(session, "stad"), now - timedelta(days=30), now)
    assert buurt.reports.reports == 2  # r3 filed in the buurt, r1 pinned into it
    assert buurt.reports.by_category == {"verdachte_situatie": 1, "inbraak": 1}
    assert city.reports.reports == 5
    assert city.reports.open_now == 2
    assert city.per_1000 is None  # Sterrenburg does not know its population
    assert set(city.alerts) == {"babbeltruc-nep-agent", "bericht"}
    assert (city.groups, city.subscribers) == (3, 1)
