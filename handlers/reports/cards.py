"""The report card: one message per incident in each group of the area, edited as things change.

All user text (street, descriptions, plate) goes in as Msg parameters, so each adapter escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.categories import label
from handlers.types import Button, Msg, Platform, Reply, Target
from storage.chats import group_chats_in_areas
from storage.models import Area, Chat
from storage.outbox import aware
from storage.reports import (
    Report,
    ReportStatus,
    ReportSuspect,
    TapKind,
    incident_members,
    suspect_of,
    tap_count,
)

_PERSON_ORDER = ("behaviour", "clothing", "build", "length", "age")


@dataclass(frozen=True)
class Card:
    """Everything a card shows about one incident (its root report plus linked reports)."""

    root: Report
    members: tuple[Report, ...]
    area: str
    person: str | None
    vehicle: str | None
    plate: str | None
    direction: str | None
    called: bool
    seen: int
    near: Msg | None = None  # the buurt of a shared location
    people: int | None = None
    objects: str | None = None
    plate_partial: str | None = None


def card_track(root: Report) -> str:
    return f"card:{root.short_id}"


def _join(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values if v)


def describe_person(person: dict[str, Any] | None) -> str | None:
    """Behaviour first, then clothing, build, length, age; appearance only beside those."""
    if not person:
        return None
    if person.get("text"):
        return str(person["text"])
    parts: list[Any] = []
    for key in _PERSON_ORDER:
        value = person.get(key)
        parts.extend(value if isinstance(value, list) else [value])
    if any(parts):
        parts.extend(person.get("appearance") or [])
    details = _join(parts)
    who = person.get("group") or person.get("who")
    if who and who != "iemand":
        return f"{who} – {details}" if details else str(who)
    return details or None


def describe_vehicle(vehicle: dict[str, Any] | None) -> str | None:
    if not vehicle:
        return None
    if vehicle.get("text"):
        return str(vehicle["text"])
    return _join([vehicle.get("colour"), vehicle.get("make"), vehicle.get("type")]) or None


def person_count(person: dict[str, Any] | None) -> int | None:
    count = person.get("count") if person else None
    return count if isinstance(count, int) and count > 0 else None


def person_objects(person: dict[str, Any] | None) -> list[str]:
    objects = person.get("objects") if person else None
    return [str(item) for item in objects] if isinstance(objects, list) else []


def plate_partial(vehicle: dict[str, Any] | None) -> str | None:
    value = vehicle.get("plate_partial") if vehicle else None
    return str(value) if value else None


def place_text(report: Report, near: Msg | None = None) -> str | Msg | None:
    """Street and number as typed; for a shared location the buurt it lies in, else coordinates."""
    if report.street:
        return f"{report.street} {report.house_number}" if report.house_number else report.street
    if near is not None and report.latitude is not None:
        return near
    if report.latitude is not None and report.longitude is not None:
        return f"📍 {report.latitude:.4f}, {report.longitude:.4f}"
    return None


def time_text(report: Report, tz: tzinfo) -> str:
    moment = aware(report.occurred_at) or aware(report.created_at)
    assert moment is not None
    clock = moment.astimezone(tz).strftime("%d-%m %H:%M")
    if report.time_phrase and report.occurred_at is not None:
        return f"{clock} ({report.time_phrase})"
    return clock


def _first(values: list[str | None]) -> str | None:
    return next((value for value in values if value), None)


async def load_card(session: AsyncSession, root: Report) -> Card:
    members = tuple(await incident_members(session, root.id))
    suspects: list[ReportSuspect] = [s for m in members if (s := await suspect_of(session, m.id))]
    area = await session.get(Area, root.area_id) if root.area_id else None
    called_taps = await tap_count(session, root.id, TapKind.CALLED)
    return Card(
        root=root,
        members=members,
        area=area.name if area else "-",
        person=_first([describe_person(s.person) for s in suspects]),
        vehicle=_first([describe_vehicle(s.vehicle) for s in suspects]),
        plate=_first([s.licence_plate for s in suspects]),
        direction=_first([s.direction for s in suspects]),
        called=called_taps > 0 or any(m.called_112 for m in members),
        seen=await tap_count(session, root.id, TapKind.SEEN),
        near=await _near(session, members),
        people=max((c for s in suspects if (c := person_count(s.person))), default=None),
        objects=_join(list(dict.fromkeys(o for s in suspects for o in person_objects(s.person)))) or None,
        plate_partial=_first([plate_partial(s.vehicle) for s in suspects]),
    )


async def _near(session: AsyncSession, members: tuple[Report, ...]) -> Msg | None:
    """ "bij Sterrenburg 1-Oost (wijk Sterrenburg)" for the first shared location in a known buurt."""
    code = next((m.buurt_code for m in members if m.buurt_code), None)
    buurt = await session.scalar(select(Area).where(Area.code == code)) if code else None
    if buurt is None:
        return None
    wijk = await session.get(Area, buurt.parent_id) if buurt.parent_id else None
    if wijk is None:
        return Msg.of("places.in_wijk", wijk=buurt.name)
    return Msg.of("places.near", buurt=buurt.name, wijk=wijk.name)


def card_lines(card: Card, tz: tzinfo) -> list[Msg]:
    """The card's lines as the groups read them (the dashboard shows the same)."""
    return _lines(card, tz)


def _lines(card: Card, tz: tzinfo) -> list[Msg]:
    root = card.root
    place = next((p for m in card.members if (p := place_text(m, card.near))), None)
    lines = [
        Msg.of("reports.card.title", id=root.short_id, category=label(root.category, root.in_progress)),
        Msg.of("reports.card.area", area=card.area),
        Msg.of("reports.card.status", status=Msg.of(f"reports.status.{root.status}")),
        Msg.of("reports.card.time", time=time_text(root, tz)),
        Msg.of("reports.card.place", place=place) if place else Msg.of("reports.card.place_unknown"),
    ]
    if card.people and card.people > 1:
        lines.append(Msg.of("reports.card.people", count=card.people))
    details = {
        "person": card.person,
        "objects": card.objects,
        "vehicle": card.vehicle,
        "plate": card.plate,
        "direction": card.direction,
    }
    for key, value in details.items():
        if value:
            lines.append(Msg.of(f"reports.card.{key}", **{key: value}))
    if card.plate_partial and not card.plate:
        lines.append(Msg.of("reports.card.plate_partial", plate=card.plate_partial))
    lines.append(Msg.of("reports.card.called_yes" if card.called else "reports.card.called_no"))
    if card.seen:
        lines.append(Msg.of("reports.card.confirmations", count=card.seen))
    if len(card.members) > 1:
        lines.append(Msg.of("reports.card.linked", count=len(card.members)))
    return lines


def _buttons(root: Report) -> tuple[tuple[Button, ...], ...]:
    if root.status == ReportStatus.CLOSED:
        return ()
    sid = root.short_id
    first = (
        Button(Msg.of("reports.button.called"), f"rp:called:{sid}"),
        Button(Msg.of("reports.button.seen"), f"rp:seen:{sid}"),
    )
    second = [Button(Msg.of("reports.button.close"), f"rp:close:{sid}")]
    if root.status == ReportStatus.OPEN:
        second.insert(0, Button(Msg.of("reports.button.forward"), f"rp:fwd:{sid}"))
    return (first, tuple(second))


def card_reply(card: Card, tz: tzinfo, chat: Chat, *, edit: bool) -> Reply:
    """The card for one group chat: posted (``track``) the first time, edited afterwards."""
    track = card_track(card.root)
    return Reply(
        parts=(Msg.of("text.lines", lines=tuple(_lines(card, tz))),),
        buttons=_buttons(card.root),
        target=Target(Platform(chat.platform), chat.external_id),
        track=None if edit else track,
        edit=track if edit else None,
    )


async def card_chats(session: AsyncSession, root: Report) -> list[Chat]:
    """The groups that show this incident's card: every active group of the area, and the group it
    was filed in (also when its location put it in another wijk)."""
    chats = await group_chats_in_areas(session, [root.area_id]) if root.area_id else []
    origin = await session.get(Chat, root.chat_id) if root.chat_id is not None else None
    shown = origin is not None and origin.kind != "private" and origin.active and origin not in chats
    if shown and origin is not None and (not chats or origin.area_id is not None):
        chats.append(origin)
    return chats


async def card_replies(session: AsyncSession, root: Report, tz: tzinfo, *, edit: bool) -> list[Reply]:
    card = await load_card(session, root)
    return [card_reply(card, tz, chat, edit=edit) for chat in await card_chats(session, root)]


def now_text(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d-%m %H:%M")
