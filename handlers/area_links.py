"""Approval of ``/wijk NAAM`` by a plain group admin: a coordinator of the area (or a beheerder) decides.

Anyone can make a group, add the bot and call themselves its admin. Linking such a group to an
existing wijk would post its reports into every group of the wijk and send it the wijk's alerts, so
only beheerders and the area's coordinators link at once; everyone else files a request. The
request goes privately to the area's coordinators (or, when it has none we can reach, to the
beheerders) with two buttons; only a coordinator of that area or a beheerder may press them.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Platform, Reply, Target, button_action
from storage.area_links import (
    AreaLinkRequest,
    RequestStatus,
    beheerders_by_role,
    coordinators_of,
    decide,
    open_request,
)
from storage.chats import reachable_private_chat
from storage.models import Area, Chat, Person

log = logging.getLogger(__name__)

CALLBACK = "wk"


async def private_targets(session: AsyncSession, people: list[Person]) -> list[Target]:
    """The private chats with the bot these people have (and have not left)."""
    targets = []
    for person in people:
        if await reachable_private_chat(session, person) is not None:
            targets.append(Target(Platform(person.platform), person.external_id))
    return targets


async def approvers(session: AsyncSession, services: Services, area_id: int, platform: str) -> list[Target]:
    """The area's coordinators; when none can be reached, the beheerders on the group's platform."""
    targets = await private_targets(session, await coordinators_of(session, area_id))
    if targets:
        return targets
    # A configured beheerder may never have written to us; the platform decides if they can be reached.
    for entry in services.settings.beheerders:
        entry_platform, _, external_id = entry.partition(":")
        if entry_platform.lower() == platform and external_id:
            targets.append(Target(Platform(platform), external_id))
    targets.extend(await private_targets(session, await beheerders_by_role(session)))
    return list(dict.fromkeys(targets))  # one message each, in order


async def request_link(
    session: AsyncSession, incoming: Incoming, services: Services, actor: Actor, area: Area
) -> list[Reply]:
    """Store the request and ask the approvers; the group stays unlinked until one says yes."""
    targets = await approvers(session, services, area.id, incoming.platform)
    if not targets:
        return [Reply.say("wijk.request_nobody", name=area.name)]
    person_id = actor.person.id if actor.person else None
    request = await open_request(session, actor.chat.id, area.id, person_id, services.clock.now())
    await session.flush()
    who = incoming.sender.display_name if incoming.sender else "-"
    ask = Reply(
        (Msg.of("wijk.request_ask", who=who, group=actor.chat.title or "?", name=area.name),),
        buttons=(
            (
                Button(Msg.of("wijk.button_approve"), f"{CALLBACK}:ok:{request.id}"),
                Button(Msg.of("wijk.button_reject"), f"{CALLBACK}:no:{request.id}"),
            ),
        ),
    )
    log.info("area link request %s: chat %s asks for area %s", request.id, actor.chat.id, area.key)
    asks = [Reply(ask.parts, buttons=ask.buttons, target=target) for target in targets]
    return [Reply.say("wijk.request_sent", name=area.name), *asks]


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``wk:ok:ID`` / ``wk:no:ID``: a coordinator of the area or a beheerder decides, once."""
    action, raw_id = button_action(incoming.callback_data)
    if action not in ("ok", "no") or not raw_id.isdigit():
        return [Reply.say("error.stale_button")]
    replies = await settle(services.session, services, services.actor, int(raw_id), action == "ok")
    if replies is None:
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    await services.session.flush()
    return replies


async def settle(
    session: AsyncSession, services: Services, actor: Actor, request_id: int, approving: bool
) -> list[Reply] | None:
    """Approve or reject a link request, once: the decider's answer, then the group's (a target).
    None when this person may not decide it. The chat's buttons and the dashboard both use this;
    the caller commits."""
    request = await session.get(AreaLinkRequest, request_id)
    area = await session.get(Area, request.area_id) if request else None
    group = await session.get(Chat, request.chat_id) if request else None
    if request is None or area is None or group is None:
        return [Reply.say("error.stale_button")]
    if not actor.coordinates(area.id):
        return None
    now = services.clock.now()
    decider = actor.person.id if actor.person else None
    if group.area_id == area.id:
        await decide(session, request.id, RequestStatus.REPLACED, decider, now)
        return [Reply.say("wijk.request_done")]
    status = RequestStatus.APPROVED if approving else RequestStatus.REJECTED
    if not await decide(session, request.id, status, decider, now):
        return [Reply.say("wijk.request_done")]
    if approving:
        group.area_id = area.id
    log.info(
        "area link request %s %s: chat %s area %s by %s",
        request.id,
        status.value,
        group.id,
        area.key,
        actor.person.pseudonym if actor.person else "-",
    )
    to_group = Target(Platform(group.platform), group.external_id)
    title = group.title or "?"
    if approving:
        return [
            Reply.say("wijk.request_approved", group=title, name=area.name),
            Reply((Msg.of("wijk.linked", name=area.name),), target=to_group),
        ]
    return [
        Reply.say("wijk.request_rejected", group=title, name=area.name),
        Reply((Msg.of("wijk.request_rejected_group", name=area.name),), target=to_group),
    ]
