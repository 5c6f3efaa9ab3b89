"""The patrol job the scheduler triggers every minute: what is due follows from the clock and our rows.

Each tick materialises plans, announces the week's rounds, reminds walkers 2 hours and 15 minutes
before a round and flags a round that is short of walkers 3 hours before to its teamleider. Every
message is claimed by its outbox key (round × person × kind, unique), so two workers ticking at the
same moment, or one tick that runs twice, send each message once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.patrols.manage import flag_buttons
from handlers.patrols.plan import materialise_all
from handlers.patrols.show import area_name, when
from handlers.patrols.signup import ANNOUNCE_AHEAD, CALLBACK, announce
from handlers.patrols.walk import leaders, merge_candidate, send_summary, summary_parts
from handlers.services import Services
from handlers.types import Button, Msg, Reply
from storage.chats import reachable_private_chat
from storage.outbox import aware
from storage.patrols import PatrolRound, RoundStatus, rounds_between, started_rounds, walkers

log = logging.getLogger(__name__)

REMINDERS = (timedelta(hours=2), timedelta(minutes=15))
SHORT_CHECK = timedelta(hours=3)
# A started round nobody ended is closed this long after its planned end (its summary still goes out),
# so a walker's later private messages are no longer taken as observations.
FORGOTTEN_AFTER = timedelta(hours=1)


async def tick(services: Services) -> int:
    """Run every due patrol step once; returns how many messages were queued."""
    now = services.clock.now()
    async with services.db() as session:
        await materialise_all(session, now, services.settings.tz)
        queued = await _close_forgotten(session, services, now)
        for row in await rounds_between(session, now, now + ANNOUNCE_AHEAD):
            if row.status != RoundStatus.PLANNED:
                continue
            queued += await announce(session, services, row)
            queued += await _remind(session, services, row, now)
            queued += await _flag_short(session, services, row, now)
        await session.commit()
    if queued:
        services.outbox.wake()
        log.info("patrol tick: %d messages queued", queued)
    return queued


def _reminder_due(starts_at: datetime, now: datetime) -> timedelta | None:
    """The reminder whose window ``now`` is in: 2 h (until 15 min before), then 15 min (until start)."""
    for index, ahead in enumerate(REMINDERS):
        later = REMINDERS[index + 1] if index + 1 < len(REMINDERS) else timedelta(0)
        if starts_at - ahead <= now < starts_at - later:
            return ahead
    return None


async def _remind(session: AsyncSession, services: Services, row: PatrolRound, now: datetime) -> int:
    starts_at = aware(row.starts_at)
    assert starts_at is not None
    ahead = _reminder_due(starts_at, now)
    if ahead is None:
        return 0
    minutes = int(ahead.total_seconds() // 60)
    tz = services.settings.tz
    text = Msg.of(f"patrols.remind.before_{minutes}", area=await area_name(session, row), when=when(row, tz))
    buttons = (
        ((Button(Msg.of("patrols.button.start"), f"{CALLBACK}:start:{row.id}"),),) if minutes <= 30 else ()
    )
    queued = 0
    for person in await walkers(session, row.id):
        chat = await reachable_private_chat(session, person)
        if chat is None:
            continue
        reply = Reply((text, Msg.of("patrols.remind.safety")), buttons=buttons)
        queued += await services.outbox.enqueue(
            session, chat, reply, f"patrol:remind:{row.id}:{person.id}:{minutes}"
        )
    return queued


async def _flag_short(session: AsyncSession, services: Services, row: PatrolRound, now: datetime) -> int:
    """Below its minimum 3 hours before start: the teamleider hears it, and a lone walker too."""
    starts_at = aware(row.starts_at)
    assert starts_at is not None
    if not starts_at - SHORT_CHECK <= now < starts_at:
        return 0
    people = await walkers(session, row.id)
    if len(people) >= row.min_walkers:
        return 0
    tz = services.settings.tz
    other = await merge_candidate(session, row)
    merge = (
        Msg.of(
            "patrols.walk.merge",
            when=when(other, tz),
            area=await area_name(session, other),
            count=len(await walkers(session, other.id)),
        )
        if other is not None
        else Msg.of("patrols.walk.ask_someone")
    )
    flag = Msg.of(
        "patrols.short.leader",
        area=await area_name(session, row),
        when=when(row, tz),
        count=len(people),
        least=row.min_walkers,
    )
    queued = 0
    for person in await leaders(session, row):
        chat = await reachable_private_chat(session, person)
        if chat is not None:
            reply = Reply((flag, merge), buttons=flag_buttons(row, other is not None))
            queued += await services.outbox.enqueue(
                session, chat, reply, f"patrol:short:{row.id}:{person.id}"
            )
    if len(people) == 1:
        chat = await reachable_private_chat(session, people[0])
        if chat is not None:
            alone = Reply(
                (Msg.of("patrols.short.alone", when=when(row, tz)), Msg.of("patrols.walk.never_alone"), merge)
            )
            queued += await services.outbox.enqueue(
                session, chat, alone, f"patrol:alone:{row.id}:{people[0].id}"
            )
    return queued


async def _close_forgotten(session: AsyncSession, services: Services, now: datetime) -> int:
    """Started rounds past their end without /ronde einde: walked until the planned end."""
    queued = 0
    for row in await started_rounds(session, now - FORGOTTEN_AFTER):
        row.status, row.ended_at = RoundStatus.WALKED, row.ends_at
        await session.flush()
        chats = await send_summary(session, services, row, await summary_parts(session, services, row))
        queued += len(chats)
    return queued
