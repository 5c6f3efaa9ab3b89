"""The dashboard's Waarschuwen page: compose, preview, send or plan an alert, cancel a planned one.

Everything goes through the chat's own functions (``handlers.alerts.new_draft``, ``may_decide``,
``send_draft``, ``handlers.planned``, ``handlers.places.relay.include_neighbours``), so an alert
from the dashboard is stored, checked, fanned out and reported exactly like one from ``/alert``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.alert_targets import alert_targets, whatsapp_messages
from handlers.alerts import ALERT_TYPES, NEEDS_TEXT, may_decide, new_draft, send_draft
from handlers.broadcasts import alert_reply
from handlers.places.relay import include_neighbours
from handlers.planned import planned_for, unplan
from handlers.schedule import ScheduleError
from handlers.services import Services
from handlers.types import Msg, Reply
from storage.alerts import Broadcast, BroadcastKind, BroadcastStatus, failed_chat_names, take_draft
from storage.chats import get_chat, group_chats_in_areas
from storage.models import Area

FREE_TEXT = {"mededeling": BroadcastKind.NOTICE, "waarschuwing": BroadcastKind.WARNING}
HISTORY = 20  # broadcasts shown in the history
SCAN = 500  # recent broadcasts looked at to find a coordinator's own
MAX_AHEAD = timedelta(days=366)  # as ``plan …`` in the chat


class Refused(Exception):
    """A form the page answers with a catalog text (``key``) instead of doing it."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Composed:
    choice: str  # an alert type, or "mededeling" / "waarschuwing" for free text
    text: str
    area_ids: tuple[int, ...]
    neighbours: bool
    when: str  # "" = now, else a local "YYYY-MM-DDTHH:MM" (an HTML datetime-local field)


@dataclass(frozen=True)
class Reach:
    groups: int
    others: int
    whatsapp: int


@dataclass(frozen=True)
class Sent:
    broadcast: Broadcast
    failed_in: list[str]


async def wijken_for(session: AsyncSession, actor: Actor) -> list[Area]:
    """The wijken this person may alert: their own (a beheerder: every wijk)."""
    rows = await session.scalars(select(Area).where(Area.kind == "wijk").order_by(Area.name))
    return [area for area in rows if actor.coordinates(area.id)]


def parse_when(value: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """A datetime-local value in the municipality's time zone; the chat's rules (future, ≤ a year)."""
    if not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ScheduleError("schedule.bad_time") from None
    moment = local.replace(tzinfo=zone) if local.tzinfo is None else local
    if moment <= now:
        raise ScheduleError("schedule.in_past")
    if moment - now > MAX_AHEAD:
        raise ScheduleError("schedule.too_far")
    return moment.astimezone(now.tzinfo)


async def compose(
    session: AsyncSession, services: Services, actor: Actor, form: Composed
) -> tuple[Broadcast, list[Msg]]:
    """Store the draft (and, when asked, add the neighbouring wijken as ``/alert``'s button does)."""
    if form.choice in FREE_TEXT:
        kind, alert_type = FREE_TEXT[form.choice], None
    elif form.choice in ALERT_TYPES:
        kind, alert_type = BroadcastKind.ALERT, form.choice
    else:
        raise Refused("desk.warn.bad_type")
    allowed = {area.id: area for area in await wijken_for(session, actor)}
    if not form.area_ids:
        raise Refused("alert.which_area")
    if any(area_id not in allowed for area_id in form.area_ids):
        raise Refused("desk.warn.not_yours")
    text = form.text.strip()
    if (alert_type is None or alert_type in NEEDS_TEXT) and not text:
        raise Refused("alert.needs_text")
    try:
        when = parse_when(form.when, services.clock.now(), services.settings.tz)
    except ScheduleError as error:
        raise Refused(error.key) from None
    areas = [allowed[area_id] for area_id in dict.fromkeys(form.area_ids)]
    broadcast = await new_draft(session, services, actor, alert_type, text, areas, kind, when)
    notes = await include_neighbours(session, services, actor, broadcast) if form.neighbours else []
    return broadcast, notes


async def own_draft(session: AsyncSession, actor: Actor, broadcast_id: int) -> Broadcast | None:
    """A draft this person may decide on; None for anything else (the page answers 404)."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status != BroadcastStatus.DRAFT:
        return None
    return broadcast if may_decide(actor, broadcast) is None else None


def message_of(broadcast: Broadcast) -> tuple[Msg, ...]:
    """What every group will read: the same reply the sender delivers."""
    return alert_reply(broadcast).parts


async def reach(session: AsyncSession, services: Services, broadcast: Broadcast) -> Reach:
    area_ids = list(broadcast.area_ids)
    groups = len(await group_chats_in_areas(session, area_ids))
    targets = await alert_targets(session, services.catalog, area_ids, alert_reply(broadcast))
    return Reach(groups, len(targets), whatsapp_messages(targets))


async def send(session: AsyncSession, services: Services, actor: Actor, broadcast: Broadcast) -> bool:
    """Send (or plan) the draft, once; False when it was already decided. The caller commits."""
    asks = await send_draft(session, services, broadcast)
    if asks is None:
        return False
    await _queue_targeted(session, services, broadcast, asks)
    return True


async def _queue_targeted(
    session: AsyncSession, services: Services, broadcast: Broadcast, replies: list[Reply]
) -> None:
    """The relay questions to neighbouring wijken's coordinators go to their private chats."""
    for index, reply in enumerate(replies):
        if reply.target is None:
            continue
        chat = await get_chat(session, reply.target.platform, reply.target.chat_id)
        if chat is not None:
            key = f"bc:{broadcast.id}:relay-ask:{chat.id}:{index}"
            await services.outbox.enqueue(session, chat, reply, key)


async def discard(session: AsyncSession, broadcast: Broadcast) -> bool:
    return await take_draft(session, broadcast.id, BroadcastStatus.CANCELLED)


async def cancel_planned(session: AsyncSession, services: Services, actor: Actor, broadcast_id: int) -> Msg:
    """``/alert gepland``'s cancel button: the same rules, the same answer."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return Msg.of("planned.too_late", id=broadcast_id)
    return (await unplan(session, services, actor, broadcast)).parts[0]


async def planned(session: AsyncSession, services: Services, actor: Actor) -> list[Broadcast]:
    return await planned_for(session, services, actor)


async def history(session: AsyncSession, services: Services, actor: Actor) -> list[Sent]:
    """The latest alerts sent to this person's wijken (beheerders: all), with where they failed;
    planned ones whose time has not come are listed under Gepland instead."""
    due = or_(Broadcast.scheduled_for.is_(None), Broadcast.scheduled_for <= services.clock.now())
    rows = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status.in_([BroadcastStatus.QUEUED, BroadcastStatus.DONE]), due)
        .order_by(Broadcast.id.desc())
        .limit(SCAN)
    )
    mine = [b for b in rows if all(actor.coordinates(area_id) for area_id in b.area_ids)][:HISTORY]
    return [Sent(b, await failed_chat_names(session, b.id) if b.failed else []) for b in mine]
