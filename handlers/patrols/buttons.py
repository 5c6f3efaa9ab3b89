"""The ``pr:`` buttons: sign-up answers on the round's message, start and end on reminders, merge and
cancel on the teamleider's "too few walkers" flag."""

from __future__ import annotations

from handlers.context import Context
from handlers.patrols.manage import manage
from handlers.patrols.signup import answer
from handlers.patrols.walk import end_round, start_round
from handlers.types import Incoming, Reply, button_action


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    action, subject = button_action(incoming.callback_data)
    if not subject.isdigit():
        return [Reply.say("error.stale_button")]
    if action == "start":
        return await start_round(incoming, services, subject)
    if action == "einde":
        return await end_round(incoming, services, subject)
    if action in ("afzeggen", "samen"):
        return await manage(incoming, services, action, subject)
    if action in ("ja", "nee"):
        return await answer(incoming, services, action, subject)
    return [Reply.say("error.stale_button")]
