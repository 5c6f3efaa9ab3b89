"""Privacy by default: ``/mijngegevens`` shows what is stored about someone, ``/vergeetmij`` erases it,
and the daily purge erases suspect details after ``SUSPECT_DATA_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.reports.mydata import report_lines, role_lines, whatsapp_lines
from handlers.reports.scrub import scrub_after_purge, secrets_of
from handlers.services import Services
from handlers.types import Button, Incoming, Msg, Reply
from storage.models import Chat, DialogState, Person, Role
from storage.patrols import erase_old_observations
from storage.reports import Report, anonymise, purge_suspect_data, reports_by, taps_by

REPORT_DIALOGS = ("melding", "melding_vraag")


async def my_data(incoming: Incoming, services: Context) -> list[Reply]:
    """Everything stored about the sender, sent privately (never into the group)."""
    session, actor = services.session, services.actor
    person = actor.person
    if person is None:
        return []
    parts = await _overview(session, services, person)
    await session.flush()
    private = incoming.is_group
    return [Reply(tuple(parts), private_to_sender=private)]


async def _overview(session: AsyncSession, services: Services, person: Person) -> list[Msg]:
    tz, days = services.settings.tz, services.settings.suspect_data_retention_days
    roles = await role_lines(session, person)
    reports = await reports_by(session, person.pseudonym)
    dialogs = await session.scalar(
        select(func.count(DialogState.id)).where(DialogState.person_id == person.id)
    )
    name = person.display_name + (f" @{person.username}" if person.username else "")
    lines: list[Msg] = [Msg.of("reports.privacy.person", name=name, platform=person.platform)]
    lines += [Msg.of("mydata.roles_header"), *roles] if roles else [Msg.of("reports.privacy.no_roles")]
    if reports:
        lines += [Msg.of("mydata.reports_header"), *await report_lines(session, reports, tz, days)]
    else:
        lines.append(Msg.of("reports.privacy.no_reports"))
    lines += await whatsapp_lines(session, person)
    lines += [
        Msg.of("reports.privacy.taps", count=await taps_by(session, person.pseudonym)),
        Msg.of("reports.privacy.dialogs", count=int(dialogs or 0)),
    ]
    return [
        Msg.of("reports.privacy.header"),
        Msg.of("text.lines", lines=tuple(lines)),
        Msg.of("reports.privacy.footer"),
    ]


async def forget_me(incoming: Incoming, services: Context) -> list[Reply]:
    """Ask first: erasing cannot be undone; a coordinator hears that their role ends too."""
    session, actor = services.session, services.actor
    roles = await role_lines(session, actor.person) if actor.person else []
    await session.flush()
    warning = (Msg.of("mydata.forget_roles", roles=tuple(roles)),) if roles else ()
    buttons = (
        (
            Button(Msg.of("reports.button.forget_yes"), "vm:ja"),
            Button(Msg.of("reports.button.forget_no"), "vm:nee"),
        ),
    )
    return [
        Reply(
            (Msg.of("reports.privacy.forget_confirm"), *warning),
            buttons=buttons,
            private_to_sender=incoming.is_group,
        )
    ]


async def on_forget_answer(incoming: Incoming, services: Context) -> list[Reply]:
    if not (incoming.callback_data or "").endswith(":ja"):
        return [Reply.say("reports.privacy.forget_cancelled")]
    session, actor = services.session, services.actor
    roles = await role_lines(session, actor.person) if actor.person else []
    if actor.person is not None:
        await erase_person(session, actor.person)
    await session.flush()
    ended = (Msg.of("mydata.roles_ended", roles=tuple(roles)),) if roles else ()
    return [Reply((Msg.of("reports.privacy.forget_done"), *ended))]


async def erase_person(session: AsyncSession, person: Person) -> None:
    """Reports and taps stay (with a random stand-in pseudonym); the person, roles, dialogs and the
    private chat (whose id is the person's platform id) go."""
    await anonymise(session, person.pseudonym)
    await session.execute(delete(DialogState).where(DialogState.person_id == person.id))
    await session.execute(delete(Role).where(Role.person_id == person.id))
    await session.execute(
        delete(Chat).where(
            Chat.platform == person.platform, Chat.external_id == person.external_id, Chat.kind == "private"
        )
    )
    await session.delete(person)
    await session.flush()


async def purge(services: Services) -> int:
    """The daily job (and ``buurtbot purge``): erase suspect details past the retention period."""
    async with services.db() as session:
        now = services.clock.now()
        days = services.settings.suspect_data_retention_days
        due = list(
            await session.scalars(
                select(Report).where(
                    Report.created_at < now - timedelta(days=days), Report.suspect_purged_at.is_(None)
                )
            )
        )
        secrets = await secrets_of(session, due)
        count = await purge_suspect_data(session, now, days)
        if due:  # copies in the outbox and the cards posted in the groups go too
            roots = {r.incident_id or r.id for r in due}
            await scrub_after_purge(session, services, roots, secrets, min(r.created_at for r in due))
        # Patrol observations hold walkers' words too (issue 16): same retention.
        await erase_old_observations(
            session, now - timedelta(days=services.settings.suspect_data_retention_days)
        )
        # Unfinished report dialogs hold a resident's words too; expired ones go now, not on sight.
        await session.execute(
            delete(DialogState).where(DialogState.name.in_(REPORT_DIALOGS), DialogState.expires_at < now)
        )
        await session.commit()
    services.outbox.wake()
    return count
