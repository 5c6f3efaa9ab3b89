"""``/alert gepland`` (or ``/bericht gepland``): the planned alerts a coordinator may see and cancel.

A planned alert is already fanned out to the outbox with ``not_before`` set; cancelling it marks the
broadcast cancelled and deletes its unsent rows in one transaction, so nothing leaves afterwards.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.schedule import local_label
from handlers.services import Services
from handlers.types import Button, Msg, Reply
from storage.alerts import Broadcast, cancel_planned, planned_broadcasts

PLANNED_WORDS = frozenset({"gepland", "planned"})
MAX_LISTED = 10  # one cancel button each; more would not fit a message well


def _label(broadcast: Broadcast) -> str:
    """What the alert is, in a few words: its type, or the start of the free text."""
    if broadcast.alert_type:
        return broadcast.alert_type
    text = broadcast.text or ""
    return text if len(text) <= 40 else text[:39] + "…"


async def planned_for(session: AsyncSession, services: Services, actor: Actor) -> list[Broadcast]:
    """Planned alerts all of whose areas this person coordinates (beheerders: all), soonest first;
    the chat's list and the dashboard's Waarschuwen page show the same ones."""
    planned = await planned_broadcasts(session, services.clock.now())
    return [b for b in planned if all(actor.coordinates(area_id) for area_id in b.area_ids)]


async def list_planned(session: AsyncSession, services: Services, actor: Actor) -> Reply:
    """Planned alerts for every area of which this person is a coordinator (beheerders: all)."""
    tz = services.settings.tz
    mine = (await planned_for(session, services, actor))[:MAX_LISTED]
    if not mine:
        return Reply.say("planned.none")
    lines = tuple(
        Msg.of(
            "planned.line",
            id=b.id,
            at=local_label(b.scheduled_for, tz) if b.scheduled_for else "-",
            areas=b.area_names,
            what=_label(b),
        )
        for b in mine
    )
    buttons = tuple((Button(Msg.of("planned.button_cancel", id=b.id), f"bc:unplan:{b.id}"),) for b in mine)
    return Reply((Msg.of("planned.header"), Msg.of("text.lines", lines=lines)), buttons=buttons)


async def unplan(session: AsyncSession, services: Services, actor: Actor, broadcast: Broadcast) -> Reply:
    """Cancel a planned alert: any coordinator of all its areas may (they share the duty)."""
    if not all(actor.coordinates(area_id) for area_id in broadcast.area_ids):
        return Reply.say("error.not_allowed", reason=Msg.of("reason.coordinator"))
    if not await cancel_planned(session, broadcast.id, services.clock.now()):
        return Reply.say("planned.too_late", id=broadcast.id)
    return Reply.say("planned.cancelled", id=broadcast.id, what=_label(broadcast))
