"""The dashboard's Wijken page: groups per wijk, link requests to decide, coordinators; beheerders
rename wijken and merge one into another.

Deciding a request goes through ``handlers.area_links.settle`` (the chat's buttons do the same).
A merge moves the groups, the coordinators and the open link requests to the other wijk; reports
stay where they were filed, so the statistics of the past do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.area_links import settle
from handlers.services import Services
from handlers.types import Reply
from storage.area_links import AreaLinkRequest, RequestStatus
from storage.chats import area_key, find_area
from storage.models import Area, Chat, Person, Role, RoleName


class Refused(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Request:
    id: int
    group: str
    asked_by: str


@dataclass(frozen=True)
class WijkCard:
    wijk: Area
    groups: tuple[Chat, ...]
    coordinators: tuple[str, ...]
    requests: tuple[Request, ...]


def _name(person: Person | None) -> str:
    if person is None:
        return "?"
    return person.display_name or person.username or person.pseudonym


async def cards(session: AsyncSession, actor: Actor) -> list[WijkCard]:
    """Every wijk this person coordinates (a beheerder: all), in four queries whatever their number."""
    wijken = [
        w
        for w in await session.scalars(select(Area).where(Area.kind == "wijk").order_by(Area.name))
        if actor.coordinates(w.id)
    ]
    ids = [w.id for w in wijken]
    groups: dict[int, list[Chat]] = {i: [] for i in ids}
    for chat in await session.scalars(
        select(Chat).where(Chat.area_id.in_(ids), Chat.kind != "private").order_by(Chat.title, Chat.id)
    ):
        groups[chat.area_id or 0].append(chat)
    pending: dict[int, list[Request]] = {i: [] for i in ids}
    rows = await session.execute(
        select(AreaLinkRequest, Chat, Person)
        .join(Chat, Chat.id == AreaLinkRequest.chat_id)
        .outerjoin(Person, Person.id == AreaLinkRequest.person_id)
        .where(AreaLinkRequest.area_id.in_(ids), AreaLinkRequest.status == RequestStatus.PENDING)
        .order_by(AreaLinkRequest.id)
    )
    for request, chat, person in rows.tuples():
        pending[request.area_id].append(Request(request.id, chat.title or "?", _name(person)))
    coordinators: dict[int, list[str]] = {i: [] for i in ids}
    for area_id, person in (
        await session.execute(
            select(Role.area_id, Person)
            .join(Person, Person.id == Role.person_id)
            .where(Role.role == RoleName.COORDINATOR, Role.area_id.in_(ids))
            .order_by(Person.id)
        )
    ).tuples():
        coordinators[area_id or 0].append(_name(person))
    return [WijkCard(w, tuple(groups[w.id]), tuple(coordinators[w.id]), tuple(pending[w.id])) for w in wijken]


async def decide(
    session: AsyncSession, services: Services, actor: Actor, request_id: int, approving: bool
) -> list[Reply]:
    replies = await settle(session, services, actor, request_id, approving)
    if replies is None:
        raise Refused("desk.wijken.not_yours")
    return replies


async def rename(session: AsyncSession, actor: Actor, wijk_id: int, name: str) -> Area:
    if not actor.is_beheerder:
        raise Refused("desk.wijken.beheerders_only")
    name = " ".join(name.split())[:100]
    wijk = await session.get(Area, wijk_id)
    if wijk is None or wijk.kind != "wijk":
        raise Refused("desk.wijken.unknown")
    if not area_key(name):
        raise Refused("desk.wijken.bad_name")
    other = await find_area(session, name)
    if other is not None and other.id != wijk.id:
        raise Refused("desk.wijken.name_taken")
    wijk.name, wijk.key = name, area_key(name)
    await session.flush()
    return wijk


async def merge(session: AsyncSession, actor: Actor, source_id: int, target_id: int) -> tuple[Area, Area]:
    """Move the groups, coordinator roles and open requests of ``source`` to ``target``."""
    if not actor.is_beheerder:
        raise Refused("desk.wijken.beheerders_only")
    source, target = await session.get(Area, source_id), await session.get(Area, target_id)
    if source is None or target is None or source.id == target.id or "wijk" not in (source.kind, target.kind):
        raise Refused("desk.wijken.unknown")
    await session.execute(update(Chat).where(Chat.area_id == source.id).values(area_id=target.id))
    already = set(
        await session.scalars(
            select(Role.person_id).where(Role.area_id == target.id, Role.role == RoleName.COORDINATOR)
        )
    )
    for role in await session.scalars(
        select(Role).where(Role.area_id == source.id, Role.role == RoleName.COORDINATOR)
    ):
        if role.person_id in already:
            await session.delete(role)
        else:
            role.area_id = target.id
    await session.execute(
        update(AreaLinkRequest)
        .where(AreaLinkRequest.area_id == source.id, AreaLinkRequest.status == RequestStatus.PENDING)
        .values(area_id=target.id)
    )
    await session.flush()
    return source, target
