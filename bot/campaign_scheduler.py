"""APScheduler 3 only *triggers* campaign runs; what is due and what was posted lives in our data.

At start-up the jobs are rebuilt from the campaign files (one cron job per campaign, in
Europe/Amsterdam) plus one catch-up job that runs right away, so a run missed while the bot was
down is posted (once, within the grace period). Every job calls the same function,
:func:`handlers.campaigns.runner.post_due_runs`, which reads the injected clock and the run log:
a job firing twice, late, or on two workers never posts twice.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.campaigns.runner import post_due_runs
from handlers.campaigns.schedule import TZ
from handlers.services import Services

log = logging.getLogger(__name__)


class CampaignScheduler:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.scheduler = AsyncIOScheduler(timezone=TZ)

    def build(self) -> None:
        """(Re)create the jobs from the campaign files."""
        self.scheduler.remove_all_jobs()
        grace = max(1, self.services.settings.campaign_misfire_grace_minutes * 60)
        for campaign in self.services.campaigns:
            self.scheduler.add_job(
                self.tick,
                CronTrigger.from_crontab(campaign.schedule, timezone=TZ),
                id=f"campaign:{campaign.id}",
                misfire_grace_time=grace,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
        # No trigger: runs once, as soon as the scheduler starts (catch-up after a restart).
        self.scheduler.add_job(self.tick, id="campaign:catch-up", replace_existing=True)

    def start(self) -> None:
        """Call from inside the running event loop."""
        self.build()
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def jobs(self) -> list[Any]:
        return list(self.scheduler.get_jobs())

    async def tick(self) -> int:
        try:
            return await post_due_runs(self.services)
        except Exception:
            # A failing run must not stop the scheduler; the next tick retries (the log is idempotent).
            log.exception("campaign tick failed")
            return 0
