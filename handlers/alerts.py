"""``/alert`` and ``/bericht``: a coordinator warns the groups of their areas, after a preview.

``/alert`` lists the types; ``/alert TYPE [WIJK … | alle] [extra tekst] [plan 18:30 | plan morgen 8:00]``
and ``/bericht WIJK … tekst`` store a draft and show it with "Versturen" / "Annuleren". Only the
button sends (``handlers.broadcasts.fan_out``). Coordinators may alert only their own areas.
``/alert gepland`` lists planned alerts with a cancel button each (``handlers.planned``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.alert_targets import AlertTarget, alert_targets, whatsapp_messages
from handlers.broadcasts import alert_reply, edits_in_place, fan_out, progress_reply
from handlers.context import Context
from handlers.coordinators import refuse
from handlers.places.relay import ask_offered, include_neighbours, neighbour_button
from handlers.plan_later import ask_when, later_button
from handlers.planned import PLANNED_WORDS, list_planned, unplan
from handlers.schedule import ScheduleError, local_label, parse_schedule
from handlers.services import Services
from handlers.tone import preview_track, switch_tone, tone_buttons, tone_of
from handlers.types import Button, Incoming, Msg, Reply, button_action
from storage.alerts import Broadcast, BroadcastKind, BroadcastStatus, create_broadcast, take_draft
from storage.chats import area_key, group_chats_in_areas, list_areas
from storage.models import Area

log = logging.getLogger(__name__)

CALLBACK = "bc"
ALL_WORDS = frozenset({"alle", "all"})
MAX_AREA_WORDS = 4  # area names of up to four words ("Oud Krispijn Noord")
ALERT_TYPES: tuple[str, ...] = (
    "babbeltruc-nep-agent",
    "babbeltruc-nep-bank",
    "babbeltruc-meteropnemer",
    "babbeltruc-lekkage",
    "babbeltruc-glaasje-water",
    "babbeltruc-nep-zorg",
    "babbeltruc-nep-collectant",
    "online-hoi-mam",
    "online-phishing",
    "online-bankhelpdesk",
    "online-whatsapp-code",
    "online-marktplaats-tikkie",
    "online-qr-code",
    "inbraakgolf",
    "vermissing",
    "verdacht-voertuig",
)
NEEDS_TEXT = frozenset({"vermissing"})  # a missing person needs a description


def type_list() -> Reply:
    lines = tuple(
        Msg.of("alert.list_line", type=name, preview=Msg.of(f"alert.type.{name}.preview"))
        for name in ALERT_TYPES
    )
    return Reply((Msg.of("alert.list_header"), Msg.of("text.lines", lines=lines), Msg.of("alert.usage")))


async def alert(incoming: Incoming, services: Context) -> list[Reply]:
    words = incoming.args.split(maxsplit=1)
    session, actor = services.session, services.actor
    await session.flush()
    if not actor.is_coordinator:
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    if not words:
        return [type_list()]
    kind = words[0].lower()
    if kind in PLANNED_WORDS:
        return [await list_planned(session, services, actor)]
    if kind not in ALERT_TYPES:
        return [Reply.say("alert.unknown_type", type=words[0][:60]), type_list()]
    rest = words[1] if len(words) > 1 else ""
    return await _draft(session, services, actor, incoming, kind, rest, BroadcastKind.ALERT)


async def bericht(incoming: Incoming, services: Context) -> list[Reply]:
    session, actor = services.session, services.actor
    await session.flush()
    if not actor.is_coordinator:
        return [refuse(incoming, Msg.of("reason.coordinator"))]
    if not incoming.args.strip():
        return [Reply.say("alert.bericht_usage")]
    if incoming.args.strip().lower() in PLANNED_WORDS:
        return [await list_planned(session, services, actor)]
    kind, rest = tone_of(incoming.args)
    return await _draft(session, services, actor, incoming, None, rest, kind)


async def _draft(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    incoming: Incoming,
    alert_type: str | None,
    rest: str,
    kind: str,
) -> list[Reply]:
    now = services.clock.now()
    try:
        scheduled = parse_schedule(rest, now, services.settings.tz)
    except ScheduleError as error:
        return [Reply.say(error.key)]
    areas, text = await _areas_and_text(session, actor, scheduled.rest)
    if not areas:
        return [Reply.say("alert.which_area")]
    for area in areas:
        if not actor.coordinates(area.id):
            return [refuse(incoming, Msg.of("reason.not_coordinator_of", area=area.name))]
    if (alert_type is None or alert_type in NEEDS_TEXT) and not text:
        return [Reply.say("alert.bericht_usage" if alert_type is None else "alert.needs_text")]
    broadcast = await new_draft(session, services, actor, alert_type, text, areas, kind, scheduled.at)
    shown = await preview(session, services, broadcast)
    await session.flush()
    return [shown]


async def new_draft(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    alert_type: str | None,
    text: str,
    areas: list[Area],
    kind: str,
    scheduled_for: datetime | None,
) -> Broadcast:
    """The draft both ``/alert`` and the dashboard's Waarschuwen page store before "Versturen"."""
    return await create_broadcast(
        session,
        person_id=actor.person.id if actor.person else None,
        chat_id=actor.chat.id,
        kind=kind,
        alert_type=alert_type,
        text=text[: services.settings.max_text_length],
        area_ids=[a.id for a in areas],
        area_names=", ".join(a.name for a in areas)[:500],
        created_at=services.clock.now(),
        scheduled_for=scheduled_for,
    )


def may_decide(actor: Actor, broadcast: Broadcast) -> Msg | None:
    """Only the author (or a beheerder) sends or cancels a draft, and only for areas they coordinate."""
    mine = actor.person is not None and broadcast.person_id == actor.person.id
    if not (mine or actor.is_beheerder):
        return Msg.of("reason.not_your_alert")
    if not all(actor.coordinates(area_id) for area_id in broadcast.area_ids):
        return Msg.of("reason.coordinator")
    return None


async def send_draft(session: AsyncSession, services: Services, broadcast: Broadcast) -> list[Reply] | None:
    """Fan a draft out (once; None when it was already sent or cancelled); returns the relay questions
    to neighbouring wijken's coordinators (replies with a target). The caller commits and wakes."""
    if not await take_draft(session, broadcast.id, BroadcastStatus.QUEUED):
        return None
    broadcast.confirmed_at = services.clock.now()
    total = await fan_out(session, services, broadcast)
    if total == 0:
        broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, broadcast.confirmed_at
    log.info("broadcast %s (%s) queued for %s chats", broadcast.id, broadcast.alert_type, total)
    return await ask_offered(session, services, broadcast)


async def _areas_and_text(session: AsyncSession, actor: Actor, text: str) -> tuple[list[Area], str]:
    """Area names at the start (``alle`` = every area this person coordinates); the rest is text."""
    known = {area.key: area for area in await list_areas(session)}
    words, found = text.split(), list[Area]()
    while words:
        if words[0].lower() in ALL_WORDS:
            found.extend(a for a in known.values() if actor.coordinates(a.id) and a not in found)
            words = words[1:]
            continue
        for size in range(min(MAX_AREA_WORDS, len(words)), 0, -1):
            if not all(area_key(word) for word in words[:size]):
                continue  # "Krispijn ⚠️": an emoji or sign is text, never part of an area name
            area = known.get(area_key(" ".join(words[:size])))
            if area is not None:
                if area not in found:
                    found.append(area)
                words = words[size:]
                break
        else:
            break
    if not found:
        found = _default_areas(actor, known)
    return found, " ".join(words)


def _default_areas(actor: Actor, known: dict[str, Area]) -> list[Area]:
    """No area named: this group's area, or the one area this person coordinates."""
    by_id = {area.id: area for area in known.values()}
    if actor.chat.area_id in by_id and actor.coordinates(actor.chat.area_id):
        return [by_id[actor.chat.area_id]]
    own = [by_id[r.area_id] for r in actor.roles if r.area_id in by_id and r.role == "coordinator"]
    return own if len(own) == 1 else []


async def preview(session: AsyncSession, services: Services, broadcast: Broadcast) -> Reply:
    groups = len(await group_chats_in_areas(session, list(broadcast.area_ids)))
    targets = await alert_targets(session, services.catalog, list(broadcast.area_ids), alert_reply(broadcast))
    others = len(targets)
    if groups + others == 0:
        return Reply.say("alert.no_recipients", areas=broadcast.area_names)
    when = (
        Msg.of("alert.when_at", at=local_label(broadcast.scheduled_for, services.settings.tz))
        if broadcast.scheduled_for
        else Msg.of("alert.when_now")
    )
    header = Msg.of("alert.preview", areas=broadcast.area_names, groups=groups, others=others, when=when)
    neighbours = await neighbour_button(session, services, broadcast)
    buttons = (
        (
            Button(Msg.of("alert.button_send"), f"{CALLBACK}:send:{broadcast.id}"),
            Button(Msg.of("alert.button_cancel"), f"{CALLBACK}:cancel:{broadcast.id}"),
        ),
        *tone_buttons(broadcast),
        *later_button(broadcast),
        *(((neighbours,),) if neighbours else ()),
    )
    hint = () if broadcast.scheduled_for else (Msg.of("planned.hint_now"),)
    return Reply(
        (header, *whatsapp_cost(services, targets), *hint, *alert_reply(broadcast).parts),
        buttons=buttons,
        track=preview_track(broadcast.id),
    )


def whatsapp_cost(services: Services, targets: list[AlertTarget]) -> tuple[Msg, ...]:
    """How many WhatsApp messages the alert sends and, with a price set, what it costs."""
    count = whatsapp_messages(targets)
    if not count:
        return ()
    price = services.settings.whatsapp_price_per_message
    if price is None:
        return (Msg.of("share.count", count=count),)
    cost = f"{count * price:.2f}".replace(".", ",")
    return (Msg.of("share.cost", count=count, cost=cost),)


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``bc:send:ID`` / ``bc:cancel:ID``: only the author (or a beheerder) decides, once.
    ``bc:unplan:ID`` cancels a planned alert (any coordinator of its areas)."""
    action, raw_id = button_action(incoming.callback_data)
    if action not in ("send", "cancel", "unplan", "tone", "later", "nb") or not raw_id.isdigit():
        return [Reply.say("error.stale_button")]
    session, actor = services.session, services.actor
    broadcast = await session.get(Broadcast, int(raw_id))
    if broadcast is None:
        return [Reply.say("error.stale_button")]
    if action == "unplan":
        answer = await unplan(session, services, actor, broadcast)
        await session.flush()
        return [answer]
    reason = may_decide(actor, broadcast)
    if reason is not None:
        return [refuse(incoming, reason)]
    if action == "nb":
        if broadcast.status != BroadcastStatus.DRAFT:
            return [Reply.say("alert.already_handled")]
        notes = await include_neighbours(session, services, actor, broadcast)
        shown = await preview(session, services, broadcast)
        await session.flush()
        edited = replace(shown, track=None, edit=preview_track(broadcast.id))
        return [edited, *([Reply(tuple(notes))] if notes else [])]
    if action == "later":
        answer = await ask_when(session, services, actor, broadcast)
        await session.flush()
        return [answer]
    if action == "tone":
        if not await switch_tone(session, broadcast):
            return [Reply.say("alert.already_handled")]
        shown = await preview(session, services, broadcast)
        await session.flush()
        return [replace(shown, track=None, edit=preview_track(broadcast.id))]
    if action == "cancel":
        done = await take_draft(session, broadcast.id, BroadcastStatus.CANCELLED)
        await session.flush()
        return [Reply.say("alert.cancelled" if done else "alert.already_handled")]
    relay_asks = await send_draft(session, services, broadcast)
    if relay_asks is None:
        return [Reply.say("alert.already_handled")]
    total = broadcast.total
    await session.flush()
    services.outbox.wake()
    if broadcast.scheduled_for is not None:
        at = local_label(broadcast.scheduled_for, services.settings.tz)
        return [Reply.say("alert.scheduled", at=at, total=total), *relay_asks]
    # Where messages cannot be edited (WhatsApp) the coordinator gets only the final report.
    progress = [progress_reply(broadcast)] if edits_in_place(incoming.platform) and total else []
    return [*progress, *relay_asks]
