"""When a campaign posts: pure functions of a campaign and a moment (the clock is injected).

A *fire* is a time the cron expression names (Europe/Amsterdam). A *run* is a fire that is inside
the campaign's date window and outside its quiet hours. Decision: a fire inside quiet hours is
**skipped**, not moved to the end of the quiet hours — moving would turn a mistyped "0 22 * * *"
into a daily 08:00 post and could stack several posts at 08:00; a campaign whose schedule never
leaves its quiet hours is refused when the files are loaded. On the night the clocks go back a
wall-clock time happens twice; the second fire is ignored so a campaign never posts twice.
All datetimes in and out are aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

if TYPE_CHECKING:
    from handlers.campaigns.model import Campaign

TZ = ZoneInfo("Europe/Amsterdam")
HORIZON = timedelta(days=400)  # look ahead at most this far (windows repeat yearly)
MAX_STEPS = 5000


@lru_cache(maxsize=256)
def _trigger(expression: str) -> CronTrigger:
    return CronTrigger.from_crontab(expression, timezone=TZ)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), TZ).astimezone(UTC)


def fires(campaign: Campaign, start: datetime, end: datetime) -> Iterator[datetime]:
    """Cron fires in [start, end], in UTC, without the repeated wall-clock hour of autumn."""
    trigger = _trigger(campaign.schedule)
    moment: datetime | None = start.astimezone(UTC)
    for _ in range(MAX_STEPS * 10):
        moment = trigger.get_next_fire_time(None, moment)
        if moment is None or moment > end:
            return
        moment = moment.astimezone(UTC)
        # fold=1: the second pass through a wall-clock hour (autumn); it fired on the first pass.
        if _local(moment).fold == 0:
            yield moment
        moment = moment + timedelta(seconds=1)


def in_window(campaign: Campaign, moment: datetime) -> bool:
    return campaign.window is None or campaign.window.contains(_local(moment).date())


def in_quiet_hours(campaign: Campaign, moment: datetime) -> bool:
    return campaign.quiet_hours.contains(_local(moment).time())


def allowed(campaign: Campaign, moment: datetime) -> bool:
    """A fire at this moment becomes a run: inside the window and outside quiet hours."""
    return in_window(campaign, moment) and not in_quiet_hours(campaign, moment)


def _skip_to(campaign: Campaign, moment: datetime) -> datetime:
    """The earliest moment after a disallowed fire where a run could be: saves stepping minute by minute."""
    local = _local(moment)
    if not in_window(campaign, moment):
        day = local.date() + timedelta(days=1)
        for _ in range(370):
            if in_window(campaign, _midnight(day)):
                return _midnight(day)
            day += timedelta(days=1)
        return moment + HORIZON
    quiet_end = datetime.combine(local.date(), campaign.quiet_hours.end, TZ)
    if quiet_end <= local:
        quiet_end = datetime.combine(local.date() + timedelta(days=1), campaign.quiet_hours.end, TZ)
    return quiet_end.astimezone(UTC)


def _runs(campaign: Campaign, start: datetime, end: datetime) -> Iterator[datetime]:
    """Runs in [start, end]: fires that are allowed."""
    cursor = start
    for _ in range(MAX_STEPS):
        advanced = False
        for fire in fires(campaign, cursor, end):
            if allowed(campaign, fire):
                yield fire
                continue
            cursor, advanced = _skip_to(campaign, fire), True
            break
        if not advanced:
            return


def next_run(campaign: Campaign, now: datetime) -> datetime | None:
    """The first run strictly after ``now`` (None if none within the horizon)."""
    return next(_runs(campaign, now + timedelta(seconds=1), now + HORIZON), None)


def never_runs(campaign: Campaign) -> bool:
    return next_run(campaign, datetime(2026, 1, 1, tzinfo=UTC)) is None


def due_run(campaign: Campaign, now: datetime, grace: timedelta) -> datetime | None:
    """The latest run in [now - grace, now]: the one to post now (older missed ones are superseded)."""
    latest = None
    for run in _runs(campaign, now - grace, now):
        latest = run
    return latest


def _season_start(campaign: Campaign, run_at: datetime) -> datetime:
    local = _local(run_at).date()
    if campaign.window is None:
        return _midnight(date(local.year, 1, 1))
    month, day = campaign.window.first
    year = local.year if (local.month, local.day) >= (month, day) else local.year - 1
    return _midnight(date(year, month, day))


def rotation_index(campaign: Campaign, run_at: datetime) -> int:
    """Which message a run posts: the number of earlier runs this season, modulo the rotation.

    Deterministic per run (a restart or a second worker picks the same text) and it starts with the
    first message each season, so the most important text comes first.
    """
    earlier = sum(1 for run in _runs(campaign, _season_start(campaign, run_at), run_at) if run < run_at)
    return earlier % len(campaign.messages)
