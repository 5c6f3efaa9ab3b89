"""The "Later versturen" button under an alert preview: ask when, then show the preview again.

The other way to plan is ``plan 18:30`` at the end of the command (``handlers.schedule``); the
button is for a coordinator who decides only after seeing the preview. The answer is read with the
same parser (``plan`` + the answer), and the dialog lives in the database like every other one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.schedule import ScheduleError, parse_schedule
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from storage.alerts import Broadcast, BroadcastStatus
from storage.dialogs import end_dialog, save_dialog
from storage.models import DialogState

DIALOG = "alert_plan"


def later_button(broadcast: Broadcast) -> tuple[tuple[Button, ...], ...]:
    if broadcast.scheduled_for is not None:
        return ()
    return ((Button(Msg.of("plan_later.button"), f"bc:later:{broadcast.id}"),),)


async def ask_when(session: AsyncSession, services: Services, actor: Actor, broadcast: Broadcast) -> Reply:
    """Open the one-question dialog for this draft."""
    if actor.person is None or broadcast.status != BroadcastStatus.DRAFT:
        return Reply.say("alert.already_handled")
    expires = services.clock.now() + timedelta(minutes=services.settings.dialog_timeout_minutes)
    await save_dialog(
        session, actor.chat.id, actor.person.id, DIALOG, "when", {"broadcast": broadcast.id}, expires
    )
    return Reply.say("plan_later.ask")


async def on_text(incoming: Incoming, services: Context, state: DialogState) -> list[Reply] | None:
    """The answer to "Wanneer?": plan the draft and show its preview again."""
    from handlers.alerts import preview  # alerts imports this module for its buttons

    session, actor = services.session, services.actor
    broadcast = await session.get(Broadcast, int(state.data.get("broadcast") or 0))
    if actor.person is None or broadcast is None or broadcast.status != BroadcastStatus.DRAFT:
        if actor.person is not None:
            await end_dialog(session, actor.chat.id, actor.person.id)
        await session.flush()
        return [Reply.say("alert.already_handled")]
    try:
        scheduled = parse_schedule(
            f"plan {incoming.text.strip()}", services.clock.now(), services.settings.tz
        )
    except ScheduleError as error:
        return [Reply.say(error.key)]
    if scheduled.at is None or scheduled.rest:
        return [Reply.say("schedule.bad_time")]
    broadcast.scheduled_for = scheduled.at
    await end_dialog(session, actor.chat.id, actor.person.id)
    reply = await preview(session, services, broadcast)
    await session.flush()
    return [reply]
