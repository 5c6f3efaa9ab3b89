"""The teamleider's buttons on a "too few walkers" flag: merge the round into another, or cancel it.

Merging moves the walkers to the other round (each takes a free seat there, so its maximum holds)
and cancels this one; everyone concerned hears it privately and the sign-up messages are edited.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.patrols.show import area_name, when
from handlers.patrols.signup import CALLBACK, refreshed
from handlers.patrols.walk import merge_candidate
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from storage.chats import reachable_private_chat
from storage.patrols import PatrolRound, RoundStatus, SignUp, decline, leads, take_seat, walkers


def flag_buttons(row: PatrolRound, can_merge: bool) -> tuple[tuple[Button, ...], ...]:
    cancel = Button(Msg.of("patrols.button.cancel"), f"{CALLBACK}:afzeggen:{row.id}")
    merge = Button(Msg.of("patrols.button.merge"), f"{CALLBACK}:samen:{row.id}")
    return ((merge, cancel),) if can_merge else ((cancel,),)


async def may_manage_round(session: AsyncSession, actor: Actor, row: PatrolRound) -> bool:
    if actor.coordinates(row.area_id):
        return True
    return actor.person is not None and row.team_id in await leads(session, actor.person.id)


async def manage(incoming: Incoming, services: Context, action: str, subject: str) -> list[Reply]:
    session, actor = services.session, services.actor
    row = await session.get(PatrolRound, int(subject))
    if row is None or row.status != RoundStatus.PLANNED:
        await session.flush()
        return [Reply.say("patrols.manage.gone")]
    if not await may_manage_round(session, actor, row):
        await session.flush()
        return [Reply.say("error.not_allowed", reason=Msg.of("patrols.reason.plan"))]
    replies = await (_merge(session, services, row) if action == "samen" else _cancel(session, services, row))
    await session.flush()
    services.outbox.wake()
    return replies


async def _cancel(session: AsyncSession, services: Services, row: PatrolRound) -> list[Reply]:
    row.status = RoundStatus.CANCELLED
    tz = services.settings.tz
    note = Reply.say(
        "patrols.manage.cancelled_walker", area=await area_name(session, row), when=when(row, tz)
    )
    for person in await walkers(session, row.id):
        chat = await reachable_private_chat(session, person)
        if chat is not None:
            await services.outbox.enqueue(session, chat, note, f"patrol:cancelled:{row.id}:{person.id}")
    await session.flush()
    return [
        Reply.say("patrols.manage.cancelled", when=when(row, tz)),
        *await refreshed(session, services, row),
    ]


async def _merge(session: AsyncSession, services: Services, row: PatrolRound) -> list[Reply]:
    other = await merge_candidate(session, row)
    if other is None:
        return [Reply.say("patrols.manage.no_merge")]
    tz = services.settings.tz
    now = services.clock.now()
    moved = 0
    for person in await walkers(session, row.id):
        await decline(session, row.id, person.id, now)
        if await take_seat(session, other.id, person.id, other.max_walkers, now) is SignUp.TAKEN:
            moved += 1
            chat = await reachable_private_chat(session, person)
            if chat is not None:
                note = Reply.say("patrols.manage.moved_walker", when=when(other, tz), old=when(row, tz))
                await services.outbox.enqueue(session, chat, note, f"patrol:moved:{row.id}:{person.id}")
    row.status = RoundStatus.CANCELLED
    await session.flush()
    area = await area_name(session, other)
    done = Reply.say("patrols.manage.merged", count=moved, when=when(other, tz), area=area)
    return [done, *await refreshed(session, services, row), *await refreshed(session, services, other)]
