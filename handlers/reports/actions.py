"""What residents and coordinators do with a card: 112 gebeld, ik zie het ook, doorgeven, afsluiten.

Also ``/meldingen``: the open reports of this group's area (or of the coordinator's areas).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.context import Context
from handlers.reports.cards import card_chats, card_replies, place_text, time_text
from handlers.reports.categories import label
from handlers.services import Services
from handlers.types import Incoming, Msg, Platform, Reply, Target, button_action
from storage.audit import is_member_of_any
from storage.chats import reachable_private_chat
from storage.models import Area, Person, RoleName
from storage.reports import (
    Outcome,
    Report,
    ReportStatus,
    TapKind,
    add_tap,
    get_by_short_id,
    incident_members,
    open_reports,
)


async def _root(session: AsyncSession, short_id: str) -> Report | None:
    report = await get_by_short_id(session, short_id)
    if report is not None and report.incident_id is not None:
        return await session.get(Report, report.incident_id)
    return report


def _may_manage(actor: Actor, root: Report) -> bool:
    """Coordinators of the area, beheerders, and admins of a group that shows the card."""
    return actor.coordinates(root.area_id) or (actor.is_chat_admin and actor.chat.area_id == root.area_id)


async def _may_tap(session: AsyncSession, actor: Actor, root: Report) -> bool:
    """A tap counts from a member of the card's chats or from a reporter of the incident.

    A forged ``rp:called`` sent from a private chat once set "112 is gebeld" on a group's card,
    which can stop people calling 112. Coordinators of the area may manage cards from anywhere.
    """
    assert actor.person is not None
    if actor.coordinates(root.area_id):
        return True
    chat_ids = [chat.id for chat in await card_chats(session, root)]
    if actor.chat.id in chat_ids or await is_member_of_any(session, actor.person.id, chat_ids):
        return True
    reporters = {m.reporter_pseudonym for m in await incident_members(session, root.id)}
    return actor.person.pseudonym in reporters


async def on_button(incoming: Incoming, services: Context) -> list[Reply]:
    """``rp:<action>:<M-id>`` pressed on a card."""
    action, short_id = button_action(incoming.callback_data)
    session, actor = services.session, services.actor
    root = await _root(session, short_id)
    if root is None or actor.person is None:
        await session.flush()
        return [Reply.say("reports.action.unknown_report")]
    if not await _may_tap(session, actor, root):
        await session.flush()
        refusal = Msg.of("error.not_allowed", reason=Msg.of("reason.not_member"))
        return [Reply((refusal,), private_to_sender=True)]
    replies = await _act(session, services, actor, root, action)
    await session.flush()
    return replies


async def _act(
    session: AsyncSession, services: Services, actor: Actor, root: Report, action: str
) -> list[Reply]:
    assert actor.person is not None
    now, tz = services.clock.now(), services.settings.tz
    if root.status == ReportStatus.CLOSED:
        return [Reply((Msg.of("reports.action.already_closed"),), private_to_sender=True)]
    if action in ("called", "seen"):
        kind = TapKind.CALLED if action == "called" else TapKind.SEEN
        if not await add_tap(session, root.id, actor.person.pseudonym, kind, now):
            return []  # one tap per person: a second tap changes nothing and stays quiet
        root.updated_at = now
        return await card_replies(session, root, tz, edit=True)
    if action not in ("fwd", "close"):
        return [Reply.say("error.stale_button")]
    if not _may_manage(actor, root):
        return [Reply.say("error.not_allowed", reason=Msg.of("reason.coordinator"))]
    if action == "fwd":
        root.status, root.updated_at = ReportStatus.DOORGEGEVEN, now
        root.forwarded_at = root.forwarded_at or now  # statistics: median time to doorgegeven
        await session.flush()
        return await card_replies(session, root, tz, edit=True)
    return await close(session, services, root)


async def close(
    session: AsyncSession, services: Services, root: Report, outcome: Outcome | None = None
) -> list[Reply]:
    """Close an incident: cards lose their buttons, groups get the all-clear, reporters a note.

    ``outcome`` (from the dashboard) is stored on every member and told to the groups."""
    now = services.clock.now()
    members = await incident_members(session, root.id)
    for member in members:
        member.status, member.closed_at, member.updated_at = ReportStatus.CLOSED, now, now
        member.outcome = outcome.value if outcome is not None else member.outcome
    await session.flush()
    replies = await card_replies(session, root, services.settings.tz, edit=True)
    category = label(root.category, root.in_progress)
    place = next((p for m in members if (p := place_text(m))), None) or Msg.of("reports.list.no_place")
    for chat in await card_chats(session, root):
        parts = [Msg.of("reports.closed.group", id=root.short_id, category=category, place=place)]
        if outcome is not None:
            parts.append(
                Msg.of("dashboard.outcome.told", outcome=Msg.of(f"dashboard.outcome.{outcome.value}"))
            )
        replies.append(Reply(tuple(parts), target=Target(Platform(chat.platform), chat.external_id)))
    replies.extend(await _reporter_notes(session, members, root, category))
    return replies


async def _reporter_notes(
    session: AsyncSession, members: list[Report], root: Report, category: Msg
) -> list[Reply]:
    """A private note to each reporter whose private chat with the bot we know."""
    notes: list[Reply] = []
    pseudonyms = {m.reporter_pseudonym for m in members if m.reporter_pseudonym}
    for pseudonym in sorted(pseudonyms):
        person = await session.scalar(select(Person).where(Person.pseudonym == pseudonym))
        if person is None:
            continue
        if await reachable_private_chat(session, person) is not None:
            target = Target(Platform(person.platform), person.external_id)
            notes.append(
                Reply(
                    (Msg.of("reports.closed.reporter", id=root.short_id, category=category),), target=target
                )
            )
    return notes


async def list_open(incoming: Incoming, services: Context) -> list[Reply]:
    """``/meldingen``: open reports of this group's area, or of the areas this coordinator covers."""
    session, actor = services.session, services.actor
    area_ids = await _areas_for(session, actor, incoming)
    if area_ids is None:
        return [Reply.say("error.not_allowed", reason=Msg.of("reason.coordinator"))]
    if not area_ids:
        return [Reply.say("reports.action.no_area" if incoming.is_group else "reports.list.group_only")]
    reports = await open_reports(session, area_ids)
    names = [
        a.name for a in await session.scalars(select(Area).where(Area.id.in_(area_ids)).order_by(Area.name))
    ]
    await session.flush()
    area = ", ".join(names)
    if not reports:
        return [Reply.say("reports.list.empty", area=area)]
    tz = services.settings.tz
    lines = [
        Msg.of(
            "reports.list.item",
            id=r.short_id,
            category=label(r.category, r.in_progress),
            place=place_text(r) or Msg.of("reports.list.no_place"),
            time=time_text(r, tz),
            status=Msg.of(f"reports.status.{r.status}"),
        )
        for r in reports
    ]
    return [Reply((Msg.of("reports.list.header", area=area), Msg.of("text.lines", lines=tuple(lines))))]


async def _areas_for(session: AsyncSession, actor: Actor, incoming: Incoming) -> list[int] | None:
    """Area ids the actor may list; None when not allowed at all."""
    if incoming.is_group:
        area_id = actor.chat.area_id
        if area_id is not None and not (actor.coordinates(area_id) or actor.is_chat_admin):
            return None
        return [area_id] if area_id is not None else []
    if actor.is_beheerder:
        return list(await session.scalars(select(Area.id)))
    areas = [r.area_id for r in actor.roles if r.role == RoleName.COORDINATOR and r.area_id is not None]
    return areas if areas else None
