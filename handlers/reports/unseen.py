"""A report filed privately in a wijk without a group reached nobody: say so, tell the coordinators.

"Je melding staat in de groep" while no group showed it made a resident think the neighbours knew.
Now the resident hears what really happened (stored, no group yet, who was told, 112 if there is
danger) and the wijk's coordinators get a private note so someone does see it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.types import Msg, Platform, Reply, Target
from storage.chats import reachable_private_chat
from storage.models import Area, Person, Role, RoleName
from storage.reports import Report


async def no_group_replies(session: AsyncSession, root: Report, reporter: Person | None) -> list[Reply]:
    """The resident's honest answer and a note to every reachable coordinator of the area."""
    area = await session.get(Area, root.area_id) if root.area_id else None
    area_name = area.name if area else "-"
    category = Msg.of(f"reports.category.{root.category}")
    notes: list[Reply] = []
    coordinators = await session.scalars(
        select(Person)
        .join(Role, Role.person_id == Person.id)
        .where(Role.role == RoleName.COORDINATOR, Role.area_id == root.area_id)
        .order_by(Person.id)
    )
    for person in coordinators:
        if reporter is not None and person.id == reporter.id:
            continue
        if await reachable_private_chat(session, person) is None:
            continue
        notes.append(
            Reply(
                (Msg.of("unseen.coordinator", id=root.short_id, category=category, area=area_name),),
                target=Target(Platform(person.platform), person.external_id),
            )
        )
    key = "unseen.resident_told" if notes else "unseen.resident_nobody"
    return [Reply.say(key, id=root.short_id or "", area=area_name), *notes]
