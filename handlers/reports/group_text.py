"""Free text in a group: a SAAR message becomes a report, a doubtful one is asked about, chatter and
thanks get no answer at all. Photos get a short reminder that photos of people go to the police.
A second witness's details ("…112 gebeld, rode pet") about an open nearby incident join its card.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.reports.draft import Draft
from handlers.reports.filing import bel_112_first, file_report, incident_called, open_incidents
from handlers.reports.linking import could_follow_up, follows_up
from handlers.reports.recognise import Recognition, Verdict, classify
from handlers.reports.text import Text
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from storage.dialogs import current_dialog, end_dialog, save_dialog
from storage.models import AppState, DialogState
from storage.reports import Report

QUESTION = "melding_vraag"
# One photo reminder per group in this window: an album of ten photos gets one reminder.
PHOTO_REMINDER_EVERY = timedelta(minutes=10)
_YES = frozenset({"ja", "jawel", "jazeker", "ja zeker", "ja hoor", "ja graag", "ja melding", "yes", "jep"})
_NO = frozenset({"nee", "neen", "nee hoor", "nee bedankt", "geen melding", "nee geen melding", "no"})
_NOT_WORD = re.compile(r"[^\w\s]")


def _question_track(actor: Actor) -> str:
    assert actor.person is not None
    return f"vraag:{actor.person.id}"


async def recognise(incoming: Incoming, services: Context) -> list[Reply] | None:
    """The free-text recogniser for groups; None when the message is not ours (chatter included)."""
    if not incoming.is_group or incoming.command is not None:
        return None
    if incoming.has_photo:
        return await _photo_reminder(incoming, services)
    if not incoming.text.strip():
        return None
    recognition = classify(incoming.text, services.clock.now(), services.settings.tz, services.understood)
    if recognition.verdict is Verdict.CHATTER:
        if not could_follow_up(recognition.report):
            return None
        return await _follow_up_only(incoming, services, recognition)
    session, actor = services.session, services.actor
    replies = await _handle(session, services, actor, incoming, recognition)
    await session.flush()
    return replies


async def _follow_up_only(
    incoming: Incoming, services: Context, recognition: Recognition
) -> list[Reply] | None:
    """Details too thin to be a report alone: they join an open incident, or are not ours (None)."""
    session, actor = services.session, services.actor
    replies = await _as_follow_up(session, services, actor, incoming, recognition)
    await session.flush()
    return replies


async def _as_follow_up(
    session: AsyncSession, services: Services, actor: Actor, incoming: Incoming, recognition: Recognition
) -> list[Reply] | None:
    """File the message as a second witness of the newest open incident it fits; else None."""
    parsed = recognition.report
    area_id = actor.chat.area_id
    if actor.person is None or area_id is None:
        return None
    if parsed.person is not None and parsed.person.appearance_only:
        return None
    now = services.clock.now()
    since = now - timedelta(minutes=services.settings.report_link_window_minutes)
    distance = float(services.settings.report_link_distance_metres)
    for root, incident in await open_incidents(session, area_id, since):
        if follows_up(parsed, incoming.text, incident, distance):
            draft = Draft.from_parsed(parsed, incoming.text).with_(area_id=area_id, category=root.category)
            return await _file(session, services, actor, draft, "group_text", incident=root)
    return None


async def _handle(
    session: AsyncSession, services: Services, actor: Actor, incoming: Incoming, recognition: Recognition
) -> list[Reply]:
    if actor.person is None:
        return []
    verdict, parsed = recognition.verdict, recognition.report
    if parsed.person is not None and parsed.person.appearance_only:
        return [Reply.say("reports.dialog.profiling")]
    if actor.chat.area_id is None:
        return [Reply.say("reports.action.no_area")] if verdict is Verdict.REPORT else []
    draft = Draft.from_parsed(parsed, incoming.text).with_(area_id=actor.chat.area_id)
    if verdict is Verdict.REPORT:
        return await _file(session, services, actor, draft, "group_text")
    if (linked := await _as_follow_up(session, services, actor, incoming, recognition)) is not None:
        return linked
    expires = services.clock.now() + timedelta(minutes=services.settings.dialog_timeout_minutes)
    await save_dialog(
        session, actor.chat.id, actor.person.id, QUESTION, "ask", {"draft": draft.to_data()}, expires
    )
    parts = [Msg.of("reports.ask.is_report")]
    if draft.urgent(services.clock.now()) and draft.called_112 is not True:
        parts.append(Msg.of("reports.ask.danger"))
    buttons = (
        (Button(Msg.of("reports.button.yes"), "mv:ja"), Button(Msg.of("reports.button.no"), "mv:nee")),
    )
    return [Reply(tuple(parts), buttons=buttons, track=_question_track(actor))]


async def _file(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    draft: Draft,
    source: str,
    incident: Report | None = None,
) -> list[Reply]:
    _, root, cards = await file_report(
        session,
        services,
        draft,
        area_id=draft.area_id,
        chat=actor.chat,
        reporter=actor.person,
        source=source,
        incident=incident,
    )
    return [*bel_112_first(draft, services.clock.now(), await incident_called(session, root)), *cards]


def typed_answer(text: str) -> bool | None:
    """A typed "ja"/"nee" (people answer with words as often as with the buttons); else None."""
    words = _NOT_WORD.sub(" ", Text.of(text).low).split()
    phrase = " ".join(words)
    if phrase in _YES:
        return True
    if phrase in _NO:
        return False
    return None


async def on_question_text(incoming: Incoming, services: Context, state: DialogState) -> list[Reply] | None:
    """A message while "Is dit een melding?" waits: "ja"/"nee" answers it; any other text ends the
    question and is routed like any new message (None), so e.g. a plea for help gets its referral.
    """
    answer = typed_answer(incoming.text)
    if answer is not None:
        return await _answer(incoming, services, answer)
    session = services.session
    await end_dialog(session, state.chat_id, state.person_id)
    await session.flush()
    return None


async def on_answer(incoming: Incoming, services: Context) -> list[Reply]:
    """``mv:ja`` / ``mv:nee``: only the person who wrote the message can answer for it."""
    return await _answer(incoming, services, (incoming.callback_data or "").endswith(":ja"))


async def _answer(incoming: Incoming, services: Context, yes: bool) -> list[Reply]:
    session, actor = services.session, services.actor
    if actor.person is None:
        return []
    state = await current_dialog(session, actor.chat.id, actor.person.id, services.clock.now())
    if state is None or state.name != QUESTION:
        await session.flush()
        return [Reply((Msg.of("reports.ask.gone"),), private_to_sender=True)]
    await end_dialog(session, actor.chat.id, actor.person.id)
    track = _question_track(actor)
    if not yes:
        await session.flush()
        return [Reply((Msg.of("reports.ask.declined"),), edit=track)]
    draft = Draft.from_data(dict(state.data.get("draft") or {}))
    replies = await _file(session, services, actor, draft, "group_text")
    await session.flush()
    return [Reply((Msg.of("reports.ask.accepted"),), edit=track), *replies]


async def _photo_reminder(incoming: Incoming, services: Context) -> list[Reply]:
    now = services.clock.now()
    session, actor = services.session, services.actor
    key = f"photo-reminder:{actor.chat.id}"
    last = await session.get(AppState, key)
    recent = last is not None and now - datetime.fromisoformat(last.value) < PHOTO_REMINDER_EVERY
    if last is None:
        session.add(AppState(key=key, value=now.isoformat()))
    elif not recent:
        last.value = now.isoformat()
    await session.flush()
    return [] if recent else [Reply.say("reports.photo.reminder")]
