"""The weekly digest: per wijk three lines (what happened, what is still open, what changed against
the 8 weeks before) and a chart of reports per week by category.

The scheduler calls :func:`send_digests` (``DIGEST_SCHEDULE``); each coordinator's week is claimed
in the transaction that queues the messages (``storage/digests.py``), so several workers send it
once. ``/digest`` shows it now, ``/digest uit`` and ``/digest aan`` switch it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.coordinators import refuse
from handlers.services import Services
from handlers.statistics.chart import ChartData, render_chart
from handlers.statistics.text import category_label
from handlers.types import Incoming, Msg, Reply
from storage.chats import reachable_private_chat
from storage.digests import DigestRun, claim_digest, digest_recipients, set_digest, wants_digest
from storage.models import Area, Chat, Person, RoleName
from storage.statistics import area_scope, bucket_counts, created_in, open_count

log = logging.getLogger(__name__)

WEEKS = 9  # this week and the 8 before it
TOP = 3
CHART_KEEP_DAYS = 14


def week_key(now: datetime, services: Services) -> str:
    year, week, _ = now.astimezone(services.settings.tz).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Week:
    """Counts per category for WEEKS windows of 7 days, the last one ending now."""

    starts: tuple[datetime, ...]
    counts: dict[str, list[int]]

    def total(self, index: int) -> int:
        return sum(per_week[index] for per_week in self.counts.values())

    @property
    def this_week(self) -> dict[str, int]:
        return {c: v[-1] for c, v in self.counts.items() if v[-1]}

    @property
    def average_before(self) -> float:
        return sum(self.total(i) for i in range(WEEKS - 1)) / (WEEKS - 1)


async def weeks_of(session: AsyncSession, area: Area, now: datetime) -> Week:
    starts = tuple(now - timedelta(weeks=WEEKS - i) for i in range(WEEKS))
    rows = await created_in(session, await area_scope(session, area), starts[0], now)
    return Week(starts, bucket_counts(rows, starts))


def trend(week: Week) -> Msg:
    """More or fewer than usual only when the difference is clear (25 % and at least 2)."""
    now, before = week.total(WEEKS - 1), week.average_before
    average = f"{before:.1f}".replace(".", ",")
    if now >= before * 1.25 and now - before >= 2:
        return Msg.of("digest.trend.more", count=now, average=average)
    if now <= before * 0.75 and before - now >= 2:
        return Msg.of("digest.trend.fewer", count=now, average=average)
    return Msg.of("digest.trend.same", count=now, average=average)


def happened(services: Services, week: Week, locale: str | None) -> Msg:
    this_week = week.this_week
    if not this_week:
        return Msg.of("digest.none")
    top = sorted(this_week.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    names = ", ".join(
        f"{services.catalog.render(category_label(services.catalog, c), locale)} {n}" for c, n in top
    )
    count = sum(this_week.values())
    return Msg.of("digest.happened_one" if count == 1 else "digest.happened", count=count, top=names)


async def digest_reply(
    session: AsyncSession, services: Services, area: Area, now: datetime, locale: str | None
) -> Reply:
    week = await weeks_of(session, area, now)
    open_now = await open_count(session, await area_scope(session, area))
    lines = (
        Msg.of("digest.title", name=area.name),
        happened(services, week, locale),
        Msg.of("digest.open", count=open_now),
        trend(week),
    )
    path = await asyncio.to_thread(
        render_chart, chart_data(services, area, week, locale), chart_path(services, area)
    )
    return Reply((Msg.of("statistics.lines", lines=lines),), photo=str(path))


def chart_data(services: Services, area: Area, week: Week, locale: str | None) -> ChartData:
    catalog, zone = services.catalog, services.settings.tz
    return ChartData(
        title=catalog.render(Msg.of("digest.chart.title", name=area.name), locale),
        week_labels=tuple(f"{(start + timedelta(days=7)).astimezone(zone):%d-%m}" for start in week.starts),
        series=tuple(
            (catalog.render(category_label(catalog, c), locale), tuple(v)) for c, v in week.counts.items()
        ),
        y_label=catalog.render(Msg.of("digest.chart.y_label"), locale),
        other_label=catalog.render(Msg.of("digest.chart.other"), locale),
        x_label=catalog.render(Msg.of("digest.chart.x_label"), locale),
    )


def chart_path(services: Services, area: Area) -> Path:
    stamp = f"{services.clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    return Path(services.settings.chart_dir) / f"digest-{area.id}-{stamp}.png"


def forget_old_charts(services: Services) -> None:
    """Charts are only needed until sent; two weeks is plenty (a later retry finds no file)."""
    cutoff = time.time() - CHART_KEEP_DAYS * 86400
    for path in Path(services.settings.chart_dir).glob("digest-*.png"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


# -- the scheduled job ---------------------------------------------------------------------------


async def send_digests(services: Services) -> int:
    """Queue this week's digest for every coordinator who wants it; returns how many got one."""
    now = services.clock.now()
    week = week_key(now, services)
    await asyncio.to_thread(forget_old_charts, services)
    async with services.db() as session:
        recipients = [(p.id, area_ids) for p, area_ids in await digest_recipients(session)]
    sent = 0
    made: dict[tuple[int, str | None], Reply] = {}  # coordinators of one wijk share its digest and chart
    for person_id, area_ids in recipients:
        try:
            sent += await _send_one(services, person_id, area_ids, week, now, made)
        except Exception:  # one coordinator's failure must not stop the others; the next run retries
            log.exception("digest for person %s failed", person_id)
    if sent:
        services.outbox.wake()
    return sent


async def _send_one(
    services: Services,
    person_id: int,
    area_ids: list[int],
    week: str,
    now: datetime,
    made: dict[tuple[int, str | None], Reply],
) -> int:
    async with services.db() as session:
        claimed = await session.scalar(
            select(DigestRun.id).where(DigestRun.person_id == person_id, DigestRun.week == week)
        )
        person = await session.get(Person, person_id)
        chat = (
            await reachable_private_chat(session, person) if person is not None and claimed is None else None
        )
        if chat is None or person is None:
            return 0
        areas = list(await session.scalars(select(Area).where(Area.id.in_(area_ids)).order_by(Area.name)))
        locale = chat.locale or person.locale
        replies = []
        for area in areas:
            if (area.id, locale) not in made:
                made[(area.id, locale)] = await digest_reply(session, services, area, now, locale)
            replies.append(made[(area.id, locale)])
    async with services.db() as session:  # claim and queue in one short transaction
        chat = await session.get(Chat, chat.id)
        if chat is None or not await claim_digest(session, person_id, week, now):
            return 0
        for area, reply in zip(areas, replies, strict=True):
            await services.outbox.enqueue(session, chat, reply, f"digest:{person_id}:{week}:{area.id}")
        await session.commit()
    return 1


# -- /digest -------------------------------------------------------------------------------------


async def digest(incoming: Incoming, services: Context) -> list[Reply]:
    """``/digest`` shows this week's digest now; ``/digest uit`` / ``aan`` switch the weekly one."""
    word = incoming.args.strip().casefold()
    now = services.clock.now()
    session, actor = services.session, services.actor
    if not actor.is_coordinator or actor.person is None:
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    if word in ("uit", "off", "aan", "on"):
        on = word in ("aan", "on")
        await set_digest(session, actor.person.id, on, now)
        await session.flush()
        return [Reply.say("digest.switched_on" if on else "digest.switched_off")]
    if word:
        return [Reply.say("digest.usage")]
    ids = [r.area_id for r in actor.roles if r.role == RoleName.COORDINATOR and r.area_id is not None]
    areas = list(await session.scalars(select(Area).where(Area.id.in_(ids)).order_by(Area.name)))
    if not areas:
        return [Reply.say("digest.no_wijk")]
    locale = actor.chat.locale or actor.person.locale
    replies = [await digest_reply(session, services, area, now, locale) for area in areas]
    state = "digest.state_on" if await wants_digest(session, actor.person.id) else "digest.state_off"
    return [*replies, Reply.say(state)]
