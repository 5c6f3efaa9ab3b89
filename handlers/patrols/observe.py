"""During a round, what a walker writes to the bot privately is an observation of that round.

The existing recognisers decide what it is, nothing new is guessed here: a text the report
recogniser calls a report is filed as a normal report (source ``tijdens_ronde``, its card in the
wijk's groups); a public-space defect the referral recogniser calls ``kapot`` is noted for Fixi /
the gemeente; anything else ("alles rustig", "3 ramen open, briefje achtergelaten") is a note.
Chatter ("ok", "👍") and requests for help are left to the normal routes.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.referrals.recognise import recognise as recognise_situation
from handlers.reports.draft import Draft
from handlers.reports.filing import bel_112_first, file_report, incident_called
from handlers.reports.parser import ParsedReport
from handlers.reports.recognise import Verdict, classify
from handlers.services import Services
from handlers.types import Incoming, Msg, Reply
from storage.patrols import ObservationKind, PatrolObservation, PatrolRound, RoundStatus, person_rounds

SOURCE = "tijdens_ronde"  # the report's source: filed during a patrol round
DEFECT_SITUATION = "kapot"
MAX_NOTE = 1000


async def observe(incoming: Incoming, services: Context) -> list[Reply] | None:
    """The recogniser for walkers' private messages; None for everyone not on a started round."""
    if incoming.is_group or incoming.command is not None or incoming.sender is None:
        return None
    text = incoming.text.strip()
    if not any(ch.isalnum() for ch in text):
        return None  # a thumbs-up is not an observation; "alles rustig" during a round is

    session, actor = services.session, services.actor
    if actor.person is None:
        return None
    walking = await person_rounds(session, actor.person.id, (RoundStatus.STARTED,))
    if not walking:
        return None  # the common case: one indexed query
    return await _record(session, services, actor, walking[0], text)


async def _record(
    session: AsyncSession, services: Services, actor: Actor, row: PatrolRound, text: str
) -> list[Reply] | None:
    now = services.clock.now()
    recognition = classify(text, now, services.settings.tz)
    if recognition.verdict is Verdict.REPORT:
        return await _file(session, services, actor, row, text, recognition.report)
    situation = recognise_situation(text)
    if situation is not None and situation.situation != DEFECT_SITUATION:
        return None  # a request for help: the referral route answers it
    kind = ObservationKind.DEFECT if situation is not None else ObservationKind.NOTE
    session.add(_observation(row, actor, kind, text, None, services))
    return [Reply.say(f"patrols.observe.{kind}")]


def _observation(
    row: PatrolRound,
    actor: Actor,
    kind: ObservationKind,
    text: str | None,
    report_id: int | None,
    services: Services,
) -> PatrolObservation:
    return PatrolObservation(
        round_id=row.id,
        person_id=actor.person.id if actor.person is not None else None,
        kind=kind,
        text=text[:MAX_NOTE] if text else None,
        report_id=report_id,
        observed_at=services.clock.now(),
    )


async def _file(
    session: AsyncSession, services: Services, actor: Actor, row: PatrolRound, text: str, parsed: ParsedReport
) -> list[Reply]:
    draft = Draft.from_parsed(parsed, text).with_(area_id=row.area_id)
    report, root, cards = await file_report(
        session, services, draft, area_id=row.area_id, chat=actor.chat, reporter=actor.person, source=SOURCE
    )
    # The report keeps the words; the observation only points to it (one place to erase them).
    session.add(_observation(row, actor, ObservationKind.REPORT, None, report.id, services))
    first = bel_112_first(draft, services.clock.now(), await incident_called(session, root))
    filed = Reply((Msg.of("patrols.observe.report", id=report.short_id or "-"),))
    return [*first, filed, *cards]
