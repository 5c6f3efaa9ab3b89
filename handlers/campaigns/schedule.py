"""When a campaign posts: pure functions of a campaign and a moment (the clock is injected).

A *fire* is a time the cron expression names, read in the deployment's ``TIMEZONE`` (every function
takes the zone). A *run* is a fire that is inside the campaign's date window and outside its quiet
hours. Decision: a fire inside quiet hours is **skipped**, not moved to the end of the quiet hours —
moving would turn a mistyped "0 22 * * *" into a daily 08:00 post and could stack several posts at
08:00; a campaign whose schedule never leaves its quiet hours is refused when the files are loaded.
On the night the clocks go back a wall-clock time happens twice; the second fire is ignored so a
campaign never posts twice.
All datetimes in and out are aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

if TYPE_CHECKING:
    from handlers.campaigns.model import Campaign

HORIZON = timedelta(days=400)  # look ahead at most this far (windows repeat yearly)
MAX_STEPS = 5000


@lru_cache(maxsize=256)
def _trigger(expression: str, tz: tzinfo) -> CronTrigger:
    return CronTrigger.from_crontab(expression, timezone=tz)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tz).astimezone(UTC)


def fires(campaign: Campaign, start: datetime, end: datetime, tz: tzinfo) -> Iterator[datetime]:
    """Cron fires in [start, end], in UTC, without the repeated wall-clock hour of autumn."""
    trigger = _trigger(campaign.schedule, tz)
    moment: datetime | None = start.astimezone(UTC)
    for _ in range(MAX_STEPS * 10):
        moment = trigger.get_next_fire_time(None, moment)
        if moment is None or moment > end:
            return
        moment = moment.astimezone(UTC)
        # fold=1: the second pass through a wall-clock hour (autumn); it fired on the first pass.
        if moment.astimezone(tz).fold == 0:
            yield moment
        moment = moment + timedelta(seconds=1)


def in_window(campaign: Campaign, moment: datetime, tz: tzinfo) -> bool:
    return campaign.window is None or campaign.window.contains(moment.astimezone(tz).date())


def in_quiet_hours(campaign: Campaign, moment: datetime, tz: tzinfo) -> bool:
    return campaign.quiet_hours.contains(moment.astimezone(tz).time())


def allowed(campaign: Campaign, moment: datetime, tz: tzinfo) -> bool:
    """A fire at this moment becomes a run: inside the window and outside quiet hours."""
    return in_window(campaign, moment, tz) and not in_quiet_hours(campaign, moment, tz)


def _skip_to(campaign: Campaign, moment: datetime, tz: tzinfo) -> datetime:
    """The earliest moment after a disallowed fire where a run could be: saves stepping minute by minute."""
    local = moment.astimezone(tz)
    if not in_window(campaign, moment, tz):
        day = local.date() + timedelta(days=1)
        for _ in range(370):
            if in_window(campaign, _midnight(day, tz), tz):
                return _midnight(day, tz)
            day += timedelta(days=1)
        return moment + HORIZON
    quiet_end = datetime.combine(local.date(), campaign.quiet_hours.end, tz)
    if quiet_end <= local:
        quiet_end = datetime.combine(local.date() + timedelta(days=1), campaign.quiet_hours.end, tz)
    return quiet_end.astimezone(UTC)


def _runs(campaign: Campaign, start: datetime, end: datetime, tz: tzinfo) -> Iterator[datetime]:
    """Runs in [start, end]: fires that are allowed."""
    cursor = start
    for _ in range(MAX_STEPS):
        advanced = False
        for fire in fires(campaign, cursor, end, tz):
            if allowed(campaign, fire, tz):
                yield fire
                continue
            cursor, advanced = _skip_to(campaign, fire, tz), True
            break
        if not advanced:
            return


def next_run(campaign: Campaign, now: datetime, tz: tzinfo) -> datetime | None:
    """The first run strictly after ``now`` (None if none within the horizon)."""
    return next(_runs(campaign, now + timedelta(seconds=1), now + HORIZON, tz), None)


def never_runs(campaign: Campaign) -> bool:
    # Cron fires and quiet hours are both wall-clock times, so any one zone answers for all.
    return next_run(campaign, datetime(2026, 1, 1, tzinfo=UTC), UTC) is None


def due_run(campaign: Campaign, now: datetime, grace: timedelta, tz: tzinfo) -> datetime | None:
    """The latest run in [now - grace, now]: the one to post now (older missed ones are superseded)."""
    latest = None
    for run in _runs(campaign, now - grace, now, tz):
        latest = run
    return latest


def _season_start(campaign: Campaign, run_at: datetime, tz: tzinfo) -> datetime:
    local = run_at.astimezone(tz).date()
    if campaign.window is None:
        return _midnight(date(local.year, 1, 1), tz)
    month, day = campaign.window.first
    year = local.year if (local.month, local.day) >= (month, day) else local.year - 1
    return _midnight(date(year, month, day), tz)


def rotation_index(campaign: Campaign, run_at: datetime, tz: tzinfo) -> int:
    """Which message a run posts: the number of earlier runs this season, modulo the rotation.

    Deterministic per run (a restart or a second worker picks the same text) and it starts with the
    first message each season, so the most important text comes first.
    """
    season = _season_start(campaign, run_at, tz)
    earlier = sum(1 for run in _runs(campaign, season, run_at, tz) if run < run_at)
    return earlier % len(campaign.messages)
