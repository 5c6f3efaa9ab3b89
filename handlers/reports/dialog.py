"""The guided ``/melding`` dialog (SAAR): category, where, when, person, vehicle, direction, 112.

State lives in ``DialogState`` (name ``melding``), so the dialog survives restarts and works on every
platform. Every step can be skipped; ``/stop`` (core) cancels; the dialog expires after the
configured timeout. ``/melding <tekst>`` files a report in one go.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.reports.categories import CHOICES, Category, choice_data, label
from handlers.reports.describe import find_person, find_vehicle
from handlers.reports.draft import MAX_FIELD, Draft
from handlers.reports.filing import bel_112_first, file_report, incident_called
from handlers.reports.location import GENERIC, find_place
from handlers.reports.parser import find_called_112, find_direction, parse
from handlers.reports.plates import find_partial_plate, find_plates
from handlers.reports.text import Text, tidy
from handlers.reports.timeexpr import find_time
from handlers.reports.unseen import no_group_replies
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from handlers.understanding.taxonomy import urgent
from handlers.understanding.understand import typed_category
from storage.chats import get_chat, list_areas
from storage.dialogs import current_dialog, end_dialog, save_dialog
from storage.models import DialogState

DIALOG = "melding"
STEPS = ("area", "category", "where", "when", "person", "vehicle", "direction", "called")
_SKIP_WORDS = frozenset({"overslaan", "skip", "-", "sla over", "weet ik niet", "nvt", "n.v.t."})
_YES = frozenset({"ja", "yes", "j", "ja gebeld", "gebeld"})
_NO = frozenset({"nee", "no", "n", "nog niet", "niet"})

_STOP = Button(Msg.of("reports.button.stop"), "ml:stop")
_SKIP = Button(Msg.of("reports.button.skip"), "ml:skip")


def _question(step: str, areas: list[tuple[int, str]] | None = None) -> Reply:
    match step:
        case "area":
            rows = [
                (Button(Msg.of("reports.button.area", name=name), f"ml:area:{i}"),) for i, name in areas or []
            ]
            return Reply((Msg.of("reports.dialog.ask_area"),), buttons=(*rows, (_STOP,)))
        case "category":
            cats = [Button(label(c.value, now), f"ml:cat:{choice_data(c, now)}") for c, now in CHOICES]
            pairs: list[tuple[Button, ...]] = [tuple(cats[i : i + 2]) for i in range(0, len(cats), 2)]
            return Reply((Msg.of("reports.dialog.start"),), buttons=(*pairs, (_STOP,)))
        case "where":
            here = Button(Msg.of("reports.button.here"), "ml:here")
            return Reply((Msg.of("reports.dialog.ask_where"),), buttons=((here, _SKIP), (_STOP,)))
        case "when":
            now = Button(Msg.of("reports.button.now"), "ml:now")
            return Reply((Msg.of("reports.dialog.ask_when"),), buttons=((now, _SKIP), (_STOP,)))
        case "called":
            yes = Button(Msg.of("reports.button.called_yes"), "ml:112:ja")
            no = Button(Msg.of("reports.button.called_no"), "ml:112:nee")
            unknown = Button(Msg.of("reports.button.called_unknown"), "ml:112:onbekend")
            return Reply((Msg.of("reports.dialog.ask_112"),), buttons=((yes, no), (unknown, _STOP)))
        case _:
            return Reply((Msg.of(f"reports.dialog.ask_{step}"),), buttons=((_SKIP, _STOP),))


def _next(step: str) -> str | None:
    index = STEPS.index(step) + 1
    return STEPS[index] if index < len(STEPS) else None


async def _save(
    session: AsyncSession, services: Services, actor: Actor, step: str, draft: Draft, **extra: Any
) -> None:
    assert actor.person is not None
    expires = services.clock.now() + timedelta(minutes=services.settings.dialog_timeout_minutes)
    await save_dialog(
        session, actor.chat.id, actor.person.id, DIALOG, step, {"draft": draft.to_data(), **extra}, expires
    )


async def start(incoming: Incoming, services: Context) -> list[Reply]:
    """``/melding`` starts the dialog; ``/melding <tekst>`` files a report at once."""
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    draft = Draft()
    if incoming.args.strip():
        parsed = parse(incoming.args, services.clock.now(), services.settings.tz)
        if parsed.person is not None and parsed.person.appearance_only:
            return [Reply.say("reports.dialog.profiling")]
        draft = Draft.from_parsed(parsed, incoming.args)
    replies = await _begin(session, services, actor, incoming, draft, oneline=bool(incoming.args.strip()))
    await session.flush()
    return replies


async def _origin_area(session: AsyncSession, incoming: Incoming) -> int | None:
    """The wijk of the group a private dialog was started from, if any."""
    if incoming.from_group is None:
        return None
    group = await get_chat(session, incoming.platform, incoming.from_group)
    return group.area_id if group is not None else None


async def _begin(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    incoming: Incoming,
    draft: Draft,
    *,
    oneline: bool,
) -> list[Reply]:
    if actor.chat.area_id is not None or incoming.is_group:
        if actor.chat.area_id is None:
            return [Reply.say("reports.action.no_area")]
        draft = draft.with_(area_id=actor.chat.area_id)
    elif (group_area := await _origin_area(session, incoming)) is not None:
        draft = draft.with_(area_id=group_area)  # /melding in a group, continued privately
    else:
        # Residents choose a wijk; buurten are too many for buttons (a shared pin finds the buurt).
        areas = [area for area in await list_areas(session) if area.parent_id is None]
        if not areas:
            return [Reply.say("reports.dialog.no_group")]
        if len(areas) > 1:
            await _save(session, services, actor, "area", draft, oneline=oneline)
            return [_question("area", [(a.id, a.name) for a in areas])]
        draft = draft.with_(area_id=areas[0].id)
    if oneline:
        return await _finish(session, services, actor, incoming, draft, "oneline")
    await _save(session, services, actor, "category", draft)
    return [_question("category")]


async def _finish(
    session: AsyncSession, services: Services, actor: Actor, incoming: Incoming, draft: Draft, source: str
) -> list[Reply]:
    """File the report; the cards go to the groups of the area."""
    if actor.person is not None:
        await end_dialog(session, actor.chat.id, actor.person.id)
    _, root, cards = await file_report(
        session,
        services,
        draft,
        area_id=draft.area_id,
        chat=actor.chat,
        reporter=actor.person,
        source=source,
    )
    first = bel_112_first(draft, services.clock.now(), await incident_called(session, root))
    thanks = [] if incoming.is_group else [Reply.say("reports.dialog.saved", id=root.short_id or "")]
    if not cards and not incoming.is_group:  # no group shows it: say so, tell the coordinators
        thanks = await no_group_replies(session, root, actor.person)
    return [*first, *cards, *thanks]


async def on_text(incoming: Incoming, services: Context, state: DialogState) -> list[Reply]:
    """A message while the dialog is open: the answer to the current step."""
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    draft = Draft.from_data(dict(state.data.get("draft") or {}))
    text = Text.of(incoming.text)
    if text.low in _SKIP_WORDS:
        replies = await _advance(session, services, actor, incoming, state.step, draft)
    else:
        replies = await _answer(session, services, actor, incoming, state, draft, text)
    await session.flush()
    return replies


async def _answer(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    incoming: Incoming,
    state: DialogState,
    draft: Draft,
    text: Text,
) -> list[Reply]:
    step, now = state.step, services.clock.now()
    typed = typed_category(incoming.text) if step == "category" else None
    if typed is not None:  # "inbraak" typed instead of tapped
        category, in_progress = typed
        chosen = draft.with_(category=category.value, in_progress=in_progress)
        return await _advance(session, services, actor, incoming, step, chosen)
    if step in ("area", "category"):
        return [
            Reply.say("reports.dialog.bad_category"),
            _question(step)
            if step == "category"
            else _question("area", [(a.id, a.name) for a in await list_areas(session)]),
        ]
    draft = draft.add_text(incoming.text) if step in ("person", "vehicle", "direction") else draft
    if step == "where":
        draft = _where(draft, incoming, text)
    elif step == "when":
        when = find_time(text.low, text.raw, now, services.settings.tz)
        if when is None:
            return [Reply.say("reports.dialog.bad_time"), _question("when")]
        draft = draft.with_(occurred_at=when.at.isoformat(), time_phrase=when.phrase[:100])
    elif step == "person":
        person = find_person(text.low, text.raw)
        if person is not None and person.appearance_only:
            return [Reply.say("reports.dialog.profiling")]
        data = person.to_json_dict() if person else {}
        draft = draft.with_(person={**data, "text": tidy(text.raw)[:MAX_FIELD]})
    elif step == "vehicle":
        vehicle, plates = find_vehicle(text.low), find_plates(text.raw)
        seen = vehicle.to_json_dict() if vehicle else {}
        if not plates and (partial := find_partial_plate(text.raw)):
            seen["plate_partial"] = partial  # "begon met 12-": a part of the plate helps too
        draft = draft.with_(
            vehicle={**seen, "text": tidy(text.raw)[:MAX_FIELD]},
            licence_plate=plates[0].text if plates else draft.licence_plate,
        )
    elif step == "direction":
        direction, _ = find_direction(text.low, text.raw)
        draft = draft.with_(direction=(direction or tidy(text.raw))[:MAX_FIELD] or None)
    elif step == "called":
        called = find_called_112(text.low)
        if text.low not in _YES | _NO and called is None:
            return [_question("called")]
        draft = draft.with_(called_112=called if called is not None else text.low in _YES)
    return await _advance(session, services, actor, incoming, step, draft, state.data.get("announced", False))


def _where(draft: Draft, incoming: Incoming, text: Text) -> Draft:
    if incoming.location is not None:
        return draft.with_(
            latitude=incoming.location.latitude,
            longitude=incoming.location.longitude,
            place=None,
            street=None,
            house_number=None,
        )
    place = find_place(text.low, text.raw)
    if place is not None and place.street:
        return draft.with_(place=place.text, street=place.street_label, house_number=place.house_number)
    if place is not None and place.text != GENERIC:  # a landmark or a wijk: kept as named
        return draft.with_(place=place.text, street=place.text)
    if place is not None:
        return draft.with_(place=GENERIC, street=None)
    return draft.with_(place=tidy(text.raw)[:MAX_FIELD] or None, street=tidy(text.raw)[:MAX_FIELD] or None)


async def _advance(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    incoming: Incoming,
    step: str,
    draft: Draft,
    announced: bool = False,
) -> list[Reply]:
    following = _next(step)
    if following is None:
        return await _finish(session, services, actor, incoming, draft, "dialog")
    warn: list[Reply] = []
    urgent_now = draft.urgent(services.clock.now()) and draft.called_112 is not True
    urgent_step = step == "when" or (step == "category" and urgent(draft.category, draft.in_progress))
    if urgent_now and not announced and urgent_step:
        warn, announced = [Reply.say("reports.dialog.call_112_first")], True
    await _save(session, services, actor, following, draft, announced=announced)
    return [*warn, _question(following)]


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``ml:…`` buttons: category, area, here, now, skip, 112 answer, stop."""
    parts = (incoming.callback_data or "").split(":")
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    state = await current_dialog(session, actor.chat.id, actor.person.id, services.clock.now())
    if state is None or state.name != DIALOG:
        await session.flush()
        return [Reply.say("reports.dialog.expired")]
    replies = await _press(session, services, actor, incoming, state, parts[1:])
    await session.flush()
    return replies


async def _press(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    incoming: Incoming,
    state: DialogState,
    args: list[str],
) -> list[Reply]:
    draft = Draft.from_data(dict(state.data.get("draft") or {}))
    announced = bool(state.data.get("announced", False))
    action, value = [*args, "", ""][:2]
    step = state.step
    if action == "stop":
        assert actor.person is not None
        await end_dialog(session, actor.chat.id, actor.person.id)
        return [Reply.say("reports.dialog.stopped")]
    if action == "area" and step == "area" and value.isdigit():
        draft = draft.with_(area_id=int(value))
        if state.data.get("oneline"):
            return await _finish(session, services, actor, incoming, draft, "oneline")
    elif action == "cat" and step == "category" and value in {c.value for c in Category}:
        in_progress = {"nu": True, "na": False}.get(args[2]) if len(args) > 2 else None
        draft = draft.with_(category=value, in_progress=in_progress)
    elif action == "here" and step == "where":
        draft = draft.with_(place=GENERIC, street=None, house_number=None)
    elif action == "now" and step == "when":
        draft = draft.with_(occurred_at=services.clock.now().isoformat(), time_phrase=None)
    elif action == "112" and step == "called":
        draft = draft.with_(called_112={"ja": True, "nee": False}.get(value))
    elif action != "skip" or step in ("area", "category"):
        return [_question(step)] if step != "area" else []
    return await _advance(session, services, actor, incoming, step, draft, announced)
