"""Relays to neighbouring wijken: a burglary wave at the edge of Oud Krispijn matters to Wielwijk too.

An alert's preview offers "Ook naar de buurwijken"; the sender's own neighbouring wijken are added
at once, the others are asked when the alert goes out. An urgent report with a pin near a border is
offered to the neighbour's coordinators. They press Doorsturen or Niet: one decision wins, a stale
button says so, and a request expires. A relayed alert is a broadcast of its own (the audit),
headed "Doorgestuurd vanuit …".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.area_links import private_targets
from handlers.broadcasts import fan_out
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.reports.cards import card_reply, load_card
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Platform, Reply, Target, button_action
from storage.alerts import Broadcast, BroadcastStatus, create_broadcast
from storage.area_links import coordinators_of
from storage.chats import group_chats_in_areas
from storage.models import Area
from storage.outbox import aware
from storage.relays import RelayRequest, RelayStatus, add_relay, decide_relay, requests_for
from storage.reports import Report

log = logging.getLogger(__name__)

CALLBACK = "rl"


async def _wijken(session: AsyncSession, area_ids: list[int]) -> list[Area]:
    """The wijken of these areas (a buurt counts as its wijk)."""
    found: list[Area] = []
    for area_id in area_ids:
        area = await session.get(Area, area_id)
        if area is not None and area.parent_id is not None:
            area = await session.get(Area, area.parent_id)
        if area is not None and area not in found:
            found.append(area)
    return found


async def neighbours_of(session: AsyncSession, services: Services, area_ids: list[int]) -> list[Area]:
    """Wijken bordering these areas, not already among them."""
    index = await services.places.index(session)
    own = await _wijken(session, area_ids)
    names: list[Area] = []
    for wijk in own:
        for neighbour in index.neighbours(wijk.id):
            area = await session.get(Area, neighbour.id)
            if area is not None and area not in own and area not in names:
                names.append(area)
    return names


async def neighbour_button(session: AsyncSession, services: Services, broadcast: Broadcast) -> Button | None:
    """ "Ook naar de buurwijken: Wielwijk, Nieuw-Krispijn" under a draft alert, when there are any."""
    if broadcast.status != BroadcastStatus.DRAFT or broadcast.relayed_from is not None:
        return None
    subject = f"alert:{broadcast.id}"
    if await requests_for(session, subject, RelayStatus.OFFERED):
        return None
    around = await neighbours_of(session, services, list(broadcast.area_ids))
    if not around:
        return None
    names = ", ".join(area.name for area in around)
    return Button(Msg.of("relay.button_neighbours", names=names), f"bc:nb:{broadcast.id}")


async def include_neighbours(
    session: AsyncSession, services: Services, actor: Actor, broadcast: Broadcast
) -> list[Msg]:
    """The sender's own neighbouring wijken join the alert; the others are offered when it is sent."""
    now = services.clock.now()
    expires = now + timedelta(minutes=services.settings.relay_expiry_minutes)
    added, asked = [], []
    for area in await neighbours_of(session, services, list(broadcast.area_ids)):
        if actor.coordinates(area.id):
            broadcast.area_ids = [*broadcast.area_ids, area.id]
            added.append(area.name)
        else:
            source = broadcast.area_ids[0] if broadcast.area_ids else None
            subject = f"alert:{broadcast.id}"
            if await add_relay(session, subject, source, area.id, RelayStatus.OFFERED, now, expires):
                asked.append(area.name)
    if added:
        broadcast.area_names = ", ".join([broadcast.area_names, *added])[:500]
    notes = []
    if asked:
        notes.append(Msg.of("relay.will_ask", names=", ".join(asked)))
    return notes


async def ask_offered(session: AsyncSession, services: Services, broadcast: Broadcast) -> list[Reply]:
    """When the alert goes out: its offered relays become questions to those wijken's coordinators."""
    now = services.clock.now()
    asks: list[Reply] = []
    for request in await requests_for(session, f"alert:{broadcast.id}", RelayStatus.OFFERED):
        request.status = RelayStatus.PENDING
        request.expires_at = now + timedelta(minutes=services.settings.relay_expiry_minutes)
        question = Msg.of("relay.ask_alert", source=broadcast.area_names)
        asks.extend(await _ask(session, services, request, question))
    return asks


async def offer_report(session: AsyncSession, services: Services, report: Report) -> list[Reply]:
    """An urgent report with a pin near a wijk border is offered to that neighbour's coordinators."""
    if report.latitude is None or report.longitude is None or report.area_id is None:
        return []
    index = await services.places.index(session)
    limit = services.settings.relay_border_metres
    now = services.clock.now()
    expires = now + timedelta(minutes=services.settings.relay_expiry_minutes)
    source = await session.get(Area, report.area_id)
    asks: list[Reply] = []
    for neighbour in await neighbours_of(session, services, [report.area_id]):
        distance = index.distance_to_border_m(report.latitude, report.longitude, neighbour.id)
        if distance is None or distance > limit:
            continue
        request = await add_relay(
            session, f"report:{report.id}", report.area_id, neighbour.id, RelayStatus.PENDING, now, expires
        )
        if request is not None:
            question = Msg.of(
                "relay.ask_report", source=source.name if source else "-", metres=round(distance)
            )
            asks.extend(await _ask(session, services, request, question))
    return asks


async def _ask(
    session: AsyncSession, services: Services, request: RelayRequest, question: Msg
) -> list[Reply]:
    target = await session.get(Area, request.target_area_id)
    if target is None:
        return []
    people = await coordinators_of(session, target.id)
    buttons = (
        (
            Button(Msg.of("relay.button_forward"), f"{CALLBACK}:ok:{request.id}"),
            Button(Msg.of("relay.button_not"), f"{CALLBACK}:no:{request.id}"),
        ),
    )
    parts = (question, Msg.of("relay.to", name=target.name))
    return [Reply(parts, buttons=buttons, target=t) for t in await private_targets(session, people)]


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``rl:ok:ID`` / ``rl:no:ID``: a coordinator of the target wijk (or a beheerder) decides, once."""
    action, raw_id = button_action(incoming.callback_data)
    if action not in ("ok", "no") or not raw_id.isdigit():
        return [Reply.say("error.stale_button")]
    session, actor = services.session, services.actor
    request = await session.get(RelayRequest, int(raw_id))
    if request is None:
        return [Reply.say("error.stale_button")]
    if not actor.coordinates(request.target_area_id):
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    now = services.clock.now()
    approving = action == "ok"
    status = RelayStatus.APPROVED if approving else RelayStatus.REJECTED
    person_id = actor.person.id if actor.person else None
    if not await decide_relay(session, request.id, status, person_id, now):
        await session.flush()
        expired = request.status == RelayStatus.PENDING and (aware(request.expires_at) or now) <= now
        return [Reply.say("relay.expired" if expired else "relay.done")]
    await session.refresh(request)
    target = await session.get(Area, request.target_area_id)
    replies = await _forward(session, services, actor, request) if approving else []
    await session.flush()
    log.info(
        "relay %s %s by %s", request.subject, status.value, actor.person.pseudonym if actor.person else "-"
    )
    if approving:
        services.outbox.wake()
    name = target.name if target else "-"
    return [Reply.say("relay.forwarded" if approving else "relay.not_forwarded", name=name), *replies]


async def _forward(
    session: AsyncSession, services: Services, actor: Actor, request: RelayRequest
) -> list[Reply]:
    kind, _, raw = request.subject.partition(":")
    source = await session.get(Area, request.source_area_id) if request.source_area_id else None
    source_name = source.name if source else "-"
    if kind == "alert":
        original = await session.get(Broadcast, int(raw))
        if original is None:
            return []
        target = await session.get(Area, request.target_area_id)
        copy = await create_broadcast(
            session,
            person_id=actor.person.id if actor.person else None,
            chat_id=actor.chat.id,
            kind=original.kind,
            alert_type=original.alert_type,
            text=original.text,
            area_ids=[request.target_area_id],
            area_names=target.name if target else "-",
            relayed_from=original.area_names,
            created_at=services.clock.now(),
            confirmed_at=services.clock.now(),
        )
        copy.status = BroadcastStatus.QUEUED
        request.relayed_broadcast_id = copy.id
        if await fan_out(session, services, copy) == 0:
            copy.status, copy.finished_at = BroadcastStatus.DONE, services.clock.now()
        return []
    report = await session.get(Report, int(raw))
    if report is None:
        return []
    card = await load_card(session, report)
    heading = Msg.of("relay.from", source=source_name)
    replies = []
    for chat in await group_chats_in_areas(session, [request.target_area_id]):
        shown = card_reply(card, services.settings.tz, chat, edit=False)
        to = Target(Platform(chat.platform), chat.external_id)
        replies.append(replace(shown, parts=(heading, *shown.parts), buttons=(), track=None, target=to))
    return replies


async def relayed_alerts(session: AsyncSession, subject: str) -> list[Broadcast]:
    """The broadcasts made from one alert's relays (for the audit and tests)."""
    ids = [r.relayed_broadcast_id for r in await requests_for(session, subject, RelayStatus.APPROVED)]
    rows = await session.scalars(select(Broadcast).where(Broadcast.id.in_([i for i in ids if i is not None])))
    return list(rows)
