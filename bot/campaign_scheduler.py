"""APScheduler 3 only *triggers* campaign runs; what is due and what was posted lives in our data.

At start-up the jobs are rebuilt from the campaign files (one cron job per campaign, in
the ``TIMEZONE`` setting) plus one catch-up job that runs right away, so a run missed while the bot was
down is posted (once, within the grace period). Every job calls the same function,
:func:`handlers.campaigns.runner.post_due_runs`, which reads the injected clock and the run log:
a job firing twice, late, or on two workers never posts twice.

It also triggers the weekly digest for coordinators (``DIGEST_SCHEDULE``, in ``TIMEZONE``).

The same scheduler runs the daily privacy and housekeeping jobs: the suspect-data purge
(:func:`handlers.reports.privacy.purge`) and forgetting old processed-update ids
(:func:`storage.dedupe.forget_old`, and the inbox's done rows: :func:`storage.inbox.forget_done`).
Both are idempotent, so they also run once at start-up: an in-memory job store does not remember a
run missed while the bot was down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.campaigns.runner import post_due_runs
from handlers.patrols.jobs import tick as patrol_tick
from handlers.reports.privacy import purge
from handlers.services import Services
from handlers.statistics.digest import send_digests
from storage.dashboard import forget_old_logins
from storage.dedupe import forget_old
from storage.inbox import forget_done

log = logging.getLogger(__name__)

# Quiet hours, after the 02:00-03:00 daylight-saving jump (a cron time inside it is skipped or doubled).
PURGE_CRONTAB = "0 4 * * *"
FORGET_DELIVERIES_CRONTAB = "15 4 * * *"
DAY_SECONDS = 24 * 3600
DIGEST_GRACE_SECONDS = 6 * 3600


class CampaignScheduler:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.tz = services.settings.tz
        self.scheduler = AsyncIOScheduler(timezone=self.tz)

    def build(self) -> None:
        """(Re)create the jobs from the campaign files."""
        self.scheduler.remove_all_jobs()
        grace = max(1, self.services.settings.campaign_misfire_grace_minutes * 60)
        for campaign in self.services.campaigns:
            self.scheduler.add_job(
                self.tick,
                CronTrigger.from_crontab(campaign.schedule, timezone=self.tz),
                id=f"campaign:{campaign.id}",
                misfire_grace_time=grace,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
        # No trigger: runs once, as soon as the scheduler starts (catch-up after a restart).
        self.scheduler.add_job(self.tick, id="campaign:catch-up", replace_existing=True)
        self._add_daily(self.purge, "maintenance:purge", PURGE_CRONTAB)
        self._add_daily(self.forget_deliveries, "maintenance:forget-deliveries", FORGET_DELIVERIES_CRONTAB)
        self.scheduler.add_job(self.maintenance, id="maintenance:catch-up", replace_existing=True)
        # Patrol rounds (issue 16): reminders, sign-up posts and short-of-walkers flags, every minute.
        self.scheduler.add_job(
            self.patrols,
            IntervalTrigger(minutes=1, timezone=self.tz),
            id="patrols:tick",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        settings = self.services.settings
        self.scheduler.add_job(
            self.digest,
            CronTrigger.from_crontab(settings.digest_schedule, timezone=settings.tz),
            id="digest:weekly",
            misfire_grace_time=DIGEST_GRACE_SECONDS,  # late after a restart is fine: claimed once a week
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )

    def _add_daily(self, job: Any, job_id: str, crontab: str) -> None:
        self.scheduler.add_job(
            job,
            CronTrigger.from_crontab(crontab, timezone=self.tz),
            id=job_id,
            misfire_grace_time=DAY_SECONDS,  # a late run is still worth doing, once
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )

    def start(self) -> None:
        """Call from inside the running event loop."""
        self.build()
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def jobs(self) -> list[Any]:
        return list(self.scheduler.get_jobs())

    async def _guarded(self, job: Callable[[], Awaitable[int]], failure: str) -> int:
        """One scheduled job: a failure is logged and returns 0, so the scheduler keeps running and
        the next run retries (every job here is idempotent)."""
        try:
            return await job()
        except Exception:
            log.exception(failure)
            return 0

    async def tick(self) -> int:
        return await self._guarded(lambda: post_due_runs(self.services), "campaign tick failed")

    async def patrols(self) -> int:
        """What is due for patrol rounds now; idempotent, so a late or doubled tick sends nothing twice."""
        return await self._guarded(
            lambda: patrol_tick(self.services), "patrol tick failed; the next tick retries"
        )

    async def purge(self) -> int:
        """Erase suspect details past SUSPECT_DATA_RETENTION_DAYS (privacy rule of issue 4)."""
        return await self._guarded(self._purge, "privacy purge failed; tomorrow's run retries")

    async def _purge(self) -> int:
        count = await purge(self.services)
        log.info("privacy purge: suspect details of %d reports erased", count)
        return count

    async def forget_deliveries(self) -> int:
        """Drop processed update/message ids, done inbox rows and dashboard logins older than a week
        (the tables only grow otherwise), and dead inbox rows past SUSPECT_DATA_RETENTION_DAYS."""
        return await self._guarded(
            self._forget_deliveries, "forgetting old delivery ids failed; tomorrow's run retries"
        )

    async def _forget_deliveries(self) -> int:
        async with self.services.db() as session:
            now = self.services.clock.now()
            dead_kept = timedelta(days=self.services.settings.suspect_data_retention_days)
            count = await forget_old(session, now=now) + await forget_done(session, now, dead_kept=dead_kept)
            count += await forget_old_logins(session, now, timedelta(days=7))  # dashboard links, sessions
            await session.commit()
        return count

    async def digest(self) -> int:
        """The weekly digest to every coordinator (issue 14); once per coordinator and week."""
        return await self._guarded(self._digest, "weekly digest failed; the next run retries")

    async def _digest(self) -> int:
        count = await send_digests(self.services)
        log.info("weekly digest queued for %d coordinators", count)
        return count

    async def maintenance(self) -> None:
        await self.purge()
        await self.forget_deliveries()


@contextmanager
def scheduled(services: Services) -> Iterator[CampaignScheduler]:
    """Campaigns and daily jobs run while the block runs (enter inside the running event loop)."""
    scheduler = CampaignScheduler(services)
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown()
