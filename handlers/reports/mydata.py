"""What ``/mijngegevens`` lists, in plain words: roles, each report and what it holds, subscriptions.

Report numbers alone told a resident nothing; now each report says its category, place, time,
status and whether the details about a suspect are still kept (and until when) or already erased.
Roles read "coördinator van Krispijn", and WhatsApp area subscriptions and forward-kit groups are
listed, so nothing stored is left out.
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.cards import place_text, time_text
from handlers.types import Msg
from storage.chats import reachable_private_chat
from storage.models import Area, Chat, Person, Role, RoleName
from storage.outbox import aware
from storage.reports import Report, suspect_of
from storage.whatsapp import ForwardKit, subscribed_areas


async def role_lines(session: AsyncSession, person: Person) -> list[Msg]:
    """``coördinator van Krispijn``, ``beheerder``: one line each."""
    lines: list[Msg] = []
    for role in await session.scalars(select(Role).where(Role.person_id == person.id).order_by(Role.id)):
        area = await session.get(Area, role.area_id) if role.area_id else None
        if role.role == RoleName.COORDINATOR:
            lines.append(Msg.of("role.coordinator", area=area.name if area else "-"))
        else:
            lines.append(Msg.of(f"role.{role.role}"))
    return lines


async def report_lines(session: AsyncSession, reports: list[Report], tz: tzinfo, days: int) -> list[Msg]:
    lines: list[Msg] = []
    for report in reports:
        if report.suspect_purged_at is not None:
            details = Msg.of("mydata.details_erased")
        elif await suspect_of(session, report.id) is not None:
            created = aware(report.created_at)
            until = (created + timedelta(days=days)).astimezone(tz).strftime("%d-%m-%Y") if created else "-"
            details = Msg.of("mydata.details_kept", until=until)
        else:
            details = Msg.of("mydata.details_none")
        lines.append(
            Msg.of(
                "mydata.report",
                id=report.short_id or "-",
                category=Msg.of(f"reports.category.{report.category}"),
                place=place_text(report) or Msg.of("reports.list.no_place"),
                time=time_text(report, tz),
                status=Msg.of(f"reports.status.{report.status}"),
                details=details,
            )
        )
    return lines


async def whatsapp_lines(session: AsyncSession, person: Person) -> list[Msg]:
    """Area subscriptions of the person's private chat, and the WhatsApp groups they forward to."""
    lines: list[Msg] = []
    chat = await reachable_private_chat(session, person)
    if chat is not None:
        areas = await subscribed_areas(session, chat.id)
        if areas:
            lines.append(Msg.of("mydata.subscriptions", areas=", ".join(a.name for a in areas)))
    groups = await session.scalars(
        select(Chat.title)
        .join(ForwardKit, ForwardKit.group_chat_id == Chat.id)
        .where(ForwardKit.person_id == person.id)
        .order_by(Chat.id)
    )
    names = [title or "?" for title in groups]
    if names:
        lines.append(Msg.of("mydata.kits", groups=", ".join(names)))
    return lines
