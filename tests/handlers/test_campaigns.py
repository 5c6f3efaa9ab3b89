"""Campaign runs end to end: runner → outbox → console, with the injected clock and no sleeps."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import App, build_app
from bot.campaign_scheduler import CampaignScheduler
from handlers.campaigns.model import Campaign
from handlers.campaigns.runner import post_due_runs
from handlers.clock import FakeClock
from storage.campaigns import CampaignRun
from storage.models import OutboxMessage
from tests.harness import ConsoleHarness

# Donkere Dagen posts on the 1st and 15th at 19:00 Amsterdam time; 1 December 19:00 CET = 18:00 UTC.
DUE = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
FIRST_TIP = "Zie je iemand die in tuinen kijkt"  # 4th run of the season (15 Oct, 1 Nov, 15 Nov, 1 Dec)


def only(services: App, *ids: str) -> App:
    """The same app, with only the named campaigns (so other campaigns cannot interfere)."""
    chosen = tuple(c for c in services.services.campaigns if c.id in ids)
    services.services = dataclasses.replace(services.services, campaigns=chosen)
    services.dispatcher.services = services.services
    return services


async def groups(console: ConsoleHarness, *names: str) -> None:
    for name in names:
        await console.say(f":groep {name}", f"/wijk {name}")
    await console.say(":prive")


async def campaign_rows(app: App) -> list[str]:
    async with app.services.db() as session:
        keys = await session.scalars(
            select(OutboxMessage.idempotency_key)
            .where(OutboxMessage.idempotency_key.like("campaign:%"))
            .order_by(OutboxMessage.idempotency_key)
        )
        return list(keys)


async def tick(console: ConsoleHarness) -> list[str]:
    """One scheduler tick, then deliver: returns what the groups printed."""
    mark = len(console.output)
    await post_due_runs(console.app.services)
    await console.session.drain.drain()
    return console.output[mark:]


async def test_due_campaign_posts_exactly_once_to_each_subscribed_group(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen")
    await groups(console, "Krispijn", "Wielwijk", "Sterrenburg")
    await console.say(":groep Sterrenburg")
    assert await console.say("/campagnes uit") == [
        "[Sterrenburg] buurtbot: Campagneberichten staan nu uit in deze groep. Weer aanzetten: /campagnes aan"
    ]
    clock.set(DUE)
    posted = await tick(console)
    headers = [line for line in posted if "buurtbot:" in line]
    assert headers == ["[Krispijn] buurtbot: Donkere Dagen", "[Wielwijk] buurtbot: Donkere Dagen"]
    assert any(FIRST_TIP in line for line in posted)
    assert len(await campaign_rows(app)) == 2
    # The same tick again, and a tick a few seconds later: nothing new.
    assert await tick(console) == []
    clock.set(datetime(2026, 12, 1, 18, 0, 20, tzinfo=UTC))
    assert await tick(console) == []
    assert len(await campaign_rows(app)) == 2


async def test_restart_at_19_00_30_does_not_post_again(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen")
    await groups(console, "Krispijn", "Wielwijk")
    clock.set(DUE)
    assert await post_due_runs(app.services) == 2
    # A new process: new services, scheduler rebuilt from the files, catch-up tick at 19:00:30.
    restarted = build_app(
        app.services.settings, clock=FakeClock(datetime(2026, 12, 1, 18, 0, 30, tzinfo=UTC))
    )
    try:
        only(restarted, "donkere-dagen")
        scheduler = CampaignScheduler(restarted.services)
        scheduler.build()
        assert await scheduler.tick() == 0
    finally:
        await restarted.close()
    assert len(await campaign_rows(app)) == 2
    async with app.services.db() as session:
        runs = await session.scalar(select(func.count()).select_from(CampaignRun))
    assert runs == 1


async def test_missed_run_within_grace_posts_once_and_late_runs_are_skipped(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen")
    await groups(console, "Krispijn")
    clock.set(datetime(2026, 12, 1, 18, 14, tzinfo=UTC))  # the bot was down at 19:00, back at 19:14
    assert [line for line in await tick(console) if "buurtbot:" in line] == [
        "[Krispijn] buurtbot: Donkere Dagen"
    ]
    clock.set(datetime(2026, 12, 1, 18, 15, tzinfo=UTC))
    assert await tick(console) == []
    clock.set(datetime(2026, 12, 15, 18, 16, tzinfo=UTC))  # 16 minutes late: past the 15-minute grace
    assert await tick(console) == []
    assert len(await campaign_rows(app)) == 1


async def test_active_window_holds(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    only(app, "donkere-dagen", "zomer-inbraak")
    await groups(console, "Krispijn")
    clock.set(datetime(2027, 7, 1, 17, 0, tzinfo=UTC))  # 1 July 19:00 CEST: summer, not dark days
    posted = await tick(console)
    assert [line for line in posted if "buurtbot:" in line] == [
        "[Krispijn] buurtbot: Op vakantie, maar je huis niet"
    ]
    assert all("donkere-dagen" not in key for key in await campaign_rows(app))


async def test_quiet_hours_hold(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    campaign = Campaign.model_validate(
        {
            "id": "test-stil",
            "title": {"nl": "Stil", "en": "Quiet"},
            "schedule": "0 7,19 * * *",
            "messages": [{"nl": "Hallo buren", "en": "Hello neighbours"}],
        }
    )
    app.services = dataclasses.replace(app.services, campaigns=(campaign,))
    app.dispatcher.services = app.services
    await groups(console, "Krispijn")
    clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))  # 07:00 in Amsterdam: inside 21:00–08:00
    assert await tick(console) == []
    clock.set(datetime(2026, 12, 2, 7, 5, tzinfo=UTC))  # 08:05: the 07:00 run is skipped, not moved
    assert await tick(console) == []
    clock.set(datetime(2026, 12, 2, 18, 0, tzinfo=UTC))  # 19:00
    assert "[Krispijn] buurtbot: Stil" in await tick(console)


async def test_coordinator_pauses_for_own_area_and_beheerder_starts_for_all(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen", "groep-werkt-nog")
    await groups(console, "Krispijn", "Wielwijk")
    await console.say(":als Carla coordinator Krispijn")
    assert await console.say("/campagne pauze donkere-dagen") == [
        "[privé Carla] buurtbot: Campagne donkere-dagen is gepauzeerd voor Krispijn."
    ]
    listing = [line.strip() for line in await console.say("/campagne lijst")]
    assert listing[0] == "[privé Carla] buurtbot: Campagnes (Krispijn)"
    after = {listing[i - 1]: line for i, line in enumerate(listing) if "volgende keer" in line}
    assert after["donkere-dagen – Donkere Dagen"] == "gepauzeerd · volgende keer: 01-12-2026 19:00"
    assert after["groep-werkt-nog – De groep werkt nog"] == "uit · volgende keer: 01-12-2026 19:00"
    assert len(after) == 2  # only the campaigns this test keeps
    await console.say(":als Beheerder beheerder")
    assert await console.say("/campagne start groep-werkt-nog") == [
        "[privé Beheerder] buurtbot: Campagne groep-werkt-nog staat aan voor alle wijken."
    ]
    clock.set(DUE)
    headers = [line for line in await tick(console) if "buurtbot:" in line]
    assert sorted(headers) == [
        "[Krispijn] buurtbot: De groep werkt nog",
        "[Wielwijk] buurtbot: De groep werkt nog",
        "[Wielwijk] buurtbot: Donkere Dagen",
    ]


async def test_only_group_admins_switch_a_group_and_residents_cannot_manage(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen")
    await groups(console, "Krispijn")
    await console.say(":als Piet", ":groep Krispijn")
    assert await console.say("/campagnes uit") == [  # a refusal goes to the sender, not the group
        "[privé Piet] buurtbot: Alleen een beheerder van deze groep kan campagneberichten aan- of uitzetten."
    ]
    assert await console.say("/campagnes") == [
        "[Krispijn] buurtbot: Campagneberichten staan aan in deze groep. Uitzetten: /campagnes uit"
    ]
    assert await console.say("/campagne pauze donkere-dagen") == [
        "[privé Piet] buurtbot: Dit mag alleen een coördinator of een beheerder."
    ]
    await console.say(":als Beheerder beheerder")
    assert "Die campagne ken ik niet: bestaatniet" in await console.text("/campagne pauze bestaatniet")
    assert "Gebruik: /campagne lijst" in await console.text("/campagne vlieg")
    clock.set(DUE)
    assert [line for line in await tick(console) if "buurtbot:" in line] == [
        "[Krispijn] buurtbot: Donkere Dagen"
    ]


async def test_opted_out_group_can_opt_in_again_and_english_groups_get_english(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    only(app, "donkere-dagen")
    await groups(console, "Krispijn")
    await console.say(":groep Krispijn", "/campagnes uit", "/campagnes aan", "/taal en")
    clock.set(DUE)
    posted = await tick(console)
    assert "[Krispijn] buurtbot: Dark Days" in posted
    assert any("The police do not read this group" in line for line in posted)


def test_scheduler_jobs_are_rebuilt_from_the_files(app: App) -> None:
    scheduler = CampaignScheduler(app.services)
    scheduler.build()
    ids = sorted(job.id for job in scheduler.jobs())
    maintenance = ["maintenance:purge", "maintenance:forget-deliveries", "maintenance:catch-up"]
    maintenance.append("patrols:tick")  # patrol rounds (issue 16)
    campaigns = [f"campaign:{c.id}" for c in app.services.campaigns] + ["campaign:catch-up"]
    assert ids == sorted([*campaigns, *maintenance, "digest:weekly"])
    scheduler.build()  # rebuilding replaces, never doubles
    assert len(scheduler.jobs()) == len(ids)


async def test_audience_limited_to_areas(console: ConsoleHarness, app: App, clock: FakeClock) -> None:
    campaign = Campaign.model_validate(
        {
            "id": "alleen-krispijn",
            "title": {"nl": "Alleen Krispijn", "en": "Krispijn only"},
            "schedule": "0 19 * * *",
            "audience": {"areas": ["krispijn"]},
            "messages": [{"nl": "Hallo Krispijn", "en": "Hello Krispijn"}],
        }
    )
    app.services = dataclasses.replace(app.services, campaigns=(campaign,))
    app.dispatcher.services = app.services
    await groups(console, "Krispijn", "Wielwijk")
    await console.say(":groep Zonder wijk")  # a group not linked to any area
    clock.set(DUE)
    headers = [line for line in await tick(console) if "buurtbot:" in line]
    assert headers == ["[Krispijn] buurtbot: Alleen Krispijn"]
