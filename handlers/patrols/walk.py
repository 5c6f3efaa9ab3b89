"""Walking a round: ``/ronde start`` (from 30 minutes before), ``/ronde einde`` and the summary.

Nooit alleen: a round with fewer than two walkers does not start; the bot says so and points to
another round that day to join instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.patrols.show import area_name, clock_time, local, names, when
from handlers.patrols.signup import CALLBACK, refreshed
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from storage.chats import reachable_private_chat
from storage.models import Chat, Person, Role, RoleName
from storage.outbox import aware
from storage.patrols import (
    ObservationKind,
    PatrolRound,
    RoundStatus,
    TeamRole,
    members,
    observations,
    person_rounds,
    rounds_between,
    walker_count,
    walkers,
)
from storage.reports import Report

START_EARLY = timedelta(minutes=30)
NEVER_ALONE = 2


def _private(*parts: Msg, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply(tuple(parts), buttons=buttons, private_to_sender=True)


async def start_round(incoming: Incoming, services: Context, subject: str = "") -> list[Reply]:
    now = services.clock.now()
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    found = await _startable(session, services, actor.person.id, now, subject)
    if isinstance(found, Reply):
        await session.flush()
        return [found]
    if await walker_count(session, found.id) < NEVER_ALONE:
        replies = [await never_alone(session, services, found)]
        await session.flush()
        return replies
    found.status, found.started_at = RoundStatus.STARTED, now
    await session.flush()
    await _tell_walkers(session, services, found, actor.person, "started")
    end = ((Button(Msg.of("patrols.button.end"), f"{CALLBACK}:einde:{found.id}"),),)
    replies = [
        _private(Msg.of("patrols.walk.started"), buttons=end),
        *await refreshed(session, services, found),
    ]
    await session.flush()
    services.outbox.wake()
    return replies


async def _startable(
    session: AsyncSession, services: Services, person_id: int, now: datetime, subject: str
) -> PatrolRound | Reply:
    """The sender's round that may start now, or the answer saying why none may."""
    if await person_rounds(session, person_id, (RoundStatus.STARTED,)):
        return _private(Msg.of("patrols.walk.already_started"))
    planned = [
        row
        for row in await person_rounds(session, person_id, (RoundStatus.PLANNED,))
        if now < _at(row.ends_at) and (not subject or str(row.id) == subject)
    ]
    for row in planned:
        if _at(row.starts_at) - START_EARLY <= now:
            return row
    if planned:
        first = planned[0]
        opens = clock_time(_at(first.starts_at) - START_EARLY, services.settings.tz)
        return _private(Msg.of("patrols.walk.too_early", when=when(first, services.settings.tz), opens=opens))
    return _private(Msg.of("patrols.walk.no_round"))


def _at(moment: datetime) -> datetime:
    value = aware(moment)
    assert value is not None
    return value


async def never_alone(session: AsyncSession, services: Services, row: PatrolRound) -> Reply:
    """ "Nooit alleen", with another round of that day to join if there is one."""
    other = await merge_candidate(session, row)
    if other is None:
        return _private(Msg.of("patrols.walk.never_alone"), Msg.of("patrols.walk.ask_someone"))
    count = await walker_count(session, other.id)
    tz = services.settings.tz
    suggestion = Msg.of(
        "patrols.walk.merge", when=when(other, tz), area=await area_name(session, other), count=count
    )
    return _private(Msg.of("patrols.walk.never_alone"), suggestion)


async def merge_candidate(session: AsyncSession, row: PatrolRound) -> PatrolRound | None:
    """Another planned round the same day, in the same wijk or of the same team, with walkers."""
    start = _at(row.starts_at)
    best: tuple[int, PatrolRound] | None = None
    for other in await rounds_between(session, start - timedelta(hours=12), start + timedelta(hours=12)):
        if other.id == row.id or other.status != RoundStatus.PLANNED:
            continue
        if other.area_id != row.area_id and other.team_id != row.team_id:
            continue
        count = await walker_count(session, other.id)
        if count and (best is None or count > best[0]):
            best = (count, other)
    return best[1] if best is not None else None


async def _tell_walkers(
    session: AsyncSession, services: Services, row: PatrolRound, by: Person, what: str
) -> None:
    """The other walkers hear that the round started or ended (privately, once each)."""
    for person in await walkers(session, row.id):
        if person.id == by.id:
            continue
        chat = await reachable_private_chat(session, person)
        if chat is not None:
            reply = Reply.say(f"patrols.walk.{what}_by", name=by.display_name.split(" ")[0] or "?")
            await services.outbox.enqueue(session, chat, reply, f"patrol:{what}:{row.id}:{person.id}")


async def end_round(incoming: Incoming, services: Context, subject: str = "") -> list[Reply]:
    now = services.clock.now()
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    started = [
        row
        for row in await person_rounds(session, actor.person.id, (RoundStatus.STARTED,))
        if not subject or str(row.id) == subject
    ]
    if not started:
        await session.flush()
        return [_private(Msg.of("patrols.walk.not_started"))]
    row = started[0]
    row.status, row.ended_at = RoundStatus.WALKED, now
    await session.flush()
    await _tell_walkers(session, services, row, actor.person, "ended")
    summary = await summary_parts(session, services, row)
    sent_to = await send_summary(session, services, row, summary)
    own = await reachable_private_chat(session, actor.person)
    replies = [_private(Msg.of("patrols.walk.ended"))]
    if own is None or own.id not in sent_to:  # a walker who is not the teamleider: their own copy
        replies.append(_private(*summary))
    replies.extend(await refreshed(session, services, row))  # the sign-up message: "Gelopen"
    await session.flush()
    services.outbox.wake()
    return replies


async def leaders(session: AsyncSession, row: PatrolRound) -> list[Person]:
    """The team's teamleiders; without one, the wijk's coordinators."""
    found = await members(session, row.team_id, TeamRole.LEADER)
    if found or row.area_id is None:
        return found
    return list(
        await session.scalars(
            select(Person)
            .join(Role, Role.person_id == Person.id)
            .where(Role.role == RoleName.COORDINATOR, Role.area_id == row.area_id)
            .order_by(Person.id)
        )
    )


async def send_summary(
    session: AsyncSession, services: Services, row: PatrolRound, summary: tuple[Msg, ...]
) -> set[int]:
    chats: list[Chat] = []
    for person in await leaders(session, row):
        chat = await reachable_private_chat(session, person)
        if chat is not None and chat not in chats:
            chats.append(chat)
    for chat in chats:
        await services.outbox.enqueue(session, chat, Reply(summary), f"patrol:summary:{row.id}:{chat.id}")
    return {chat.id for chat in chats}


async def summary_parts(session: AsyncSession, services: Services, row: PatrolRound) -> tuple[Msg, ...]:
    """Walkers, time walked and what was seen: for the teamleider, who is part of the team."""
    tz = services.settings.tz
    started, ended = _at(row.started_at or row.starts_at), _at(row.ended_at or row.ends_at)
    seen = await observations(session, row.id)
    counts = {kind: sum(1 for o in seen if o.kind == kind) for kind in ObservationKind}
    lines: list[Msg] = []
    for item in seen:
        report = await session.get(Report, item.report_id) if item.report_id is not None else None
        text = report.short_id if report is not None else (item.text or "-")
        lines.append(
            Msg.of(
                f"patrols.summary.item_{item.kind}",
                at=local(item.observed_at, tz).strftime("%H:%M"),
                text=text,
            )
        )
    parts = [
        Msg.of("patrols.summary.title", area=await area_name(session, row), when=when(row, tz)),
        Msg.of(
            "patrols.summary.walked",
            start=clock_time(started, tz),
            end=clock_time(ended, tz),
            minutes=max(0, int((ended - started).total_seconds() // 60)),
        ),
        Msg.of("patrols.summary.walkers", names=names(await walkers(session, row.id))),
        Msg.of(
            "patrols.summary.counts",
            notes=counts[ObservationKind.NOTE],
            defects=counts[ObservationKind.DEFECT],
            reports=counts[ObservationKind.REPORT],
        ),
    ]
    if lines:
        parts.append(Msg.of("text.lines", lines=tuple(lines)))
    return tuple(parts)
