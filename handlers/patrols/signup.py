"""The sign-up message of a round ("Ik loop mee" / "Ik kan niet") and what its buttons do.

The message goes to the team's group, or privately to each member when the team has no group; it
is tracked per round, so every answer edits it in place with the walkers' first names and how many
are still needed. Names reach only the team: the group is the team's own chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.patrols.show import area_name, names, when
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Platform, Reply, Target
from storage.chats import reachable_private_chat
from storage.models import Chat
from storage.patrols import (
    PatrolRound,
    PatrolTeam,
    RoundStatus,
    SignUp,
    decline,
    join_team,
    members,
    take_seat,
    walkers,
)

CALLBACK = "pr"
ANNOUNCE_AHEAD = timedelta(days=7)  # "the open rounds of the week"


def track(row: PatrolRound) -> str:
    return f"ronde:{row.id}"


async def audience(session: AsyncSession, team: PatrolTeam) -> list[Chat]:
    """Where the team reads its sign-up messages: its group, else each member's private chat."""
    if team.chat_id is not None:
        group = await session.get(Chat, team.chat_id)
        if group is not None and group.active:
            return [group]
    chats = [await reachable_private_chat(session, person) for person in await members(session, team.id)]
    return [chat for chat in chats if chat is not None]


async def signup_parts(session: AsyncSession, row: PatrolRound, tz: tzinfo) -> tuple[Msg, ...]:
    people = await walkers(session, row.id)
    need = row.min_walkers - len(people)
    if row.status != RoundStatus.PLANNED:
        status = Msg.of(f"patrols.signup.{row.status}")
    elif need > 0:
        status = Msg.of("patrols.signup.need", count=need)
    elif len(people) < row.max_walkers:
        status = Msg.of("patrols.signup.enough", free=row.max_walkers - len(people))
    else:
        status = Msg.of("patrols.signup.full")
    return (
        Msg.of("patrols.signup.title", area=await area_name(session, row), when=when(row, tz)),
        Msg.of("patrols.signup.walkers", names=names(people), count=len(people), most=row.max_walkers),
        status,
    )


def signup_buttons(row: PatrolRound) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(Msg.of("patrols.button.join"), f"{CALLBACK}:ja:{row.id}"),
            Button(Msg.of("patrols.button.decline"), f"{CALLBACK}:nee:{row.id}"),
        ),
    )


async def signup_message(
    session: AsyncSession, row: PatrolRound, tz: tzinfo, chat: Chat, *, edit: bool
) -> Reply:
    return Reply(
        await signup_parts(session, row, tz),
        buttons=signup_buttons(row) if row.status == RoundStatus.PLANNED else (),
        target=Target(Platform(chat.platform), chat.external_id),
        track=None if edit else track(row),
        edit=track(row) if edit else None,
    )


async def announce(session: AsyncSession, services: Services, row: PatrolRound) -> int:
    """Queue the sign-up message of one round for its team (once per chat: keyed)."""
    team = await session.get(PatrolTeam, row.team_id)
    if team is None:
        return 0
    posted = 0
    for chat in await audience(session, team):
        reply = await signup_message(session, row, services.settings.tz, chat, edit=False)
        posted += await services.outbox.enqueue(session, chat, reply, f"patrol:signup:{row.id}:{chat.id}")
    return posted


async def refreshed(session: AsyncSession, services: Services, row: PatrolRound) -> list[Reply]:
    """Edits of the round's sign-up message wherever the team reads it."""
    team = await session.get(PatrolTeam, row.team_id)
    if team is None:
        return []
    tz = services.settings.tz
    return [await signup_message(session, row, tz, chat, edit=True) for chat in await audience(session, team)]


def open_for_answers(row: PatrolRound, now: datetime) -> bool:
    starts = row.starts_at if row.starts_at.tzinfo else row.starts_at.replace(tzinfo=now.tzinfo)
    return row.status == RoundStatus.PLANNED and now < starts


async def answer(incoming: Incoming, services: Context, action: str, subject: str) -> list[Reply]:
    """``pr:ja:ID`` / ``pr:nee:ID`` from the sign-up message: take a seat, or say "Ik kan niet"."""
    now = services.clock.now()
    session, actor = services.session, services.actor
    row = await session.get(PatrolRound, int(subject))
    if actor.person is None or row is None:
        return [Reply.say("error.stale_button")]
    if not open_for_answers(row, now):
        await session.flush()
        return [Reply((Msg.of("patrols.signup.closed"),), private_to_sender=True)]
    if action == "nee":
        was_walking = await decline(session, row.id, actor.person.id, now)
        answer = Reply((Msg.of("patrols.signup.declined"),), private_to_sender=True)
        replies = [answer, *(await refreshed(session, services, row) if was_walking else [])]
        await session.flush()
        return replies
    outcome = await take_seat(session, row.id, actor.person.id, row.max_walkers, now)
    if outcome is SignUp.TAKEN:
        await join_team(session, row.team_id, actor.person.id, now)
    replies = await _after_sign_up(session, services, row, outcome)
    await session.flush()
    return replies


async def _after_sign_up(
    session: AsyncSession, services: Services, row: PatrolRound, outcome: SignUp
) -> list[Reply]:
    if outcome is SignUp.FULL:
        return [Reply((Msg.of("patrols.signup.no_place"),), private_to_sender=True)]
    if outcome is SignUp.ALREADY:
        return [Reply((Msg.of("patrols.signup.already"),), private_to_sender=True)]
    confirm = Msg.of("patrols.signup.joined", when=when(row, services.settings.tz))
    return [Reply((confirm,), private_to_sender=True), *await refreshed(session, services, row)]
