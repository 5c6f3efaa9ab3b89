"""Who is looking at the dashboard and what they may see: resolved once per request from the session.

Coordinators see their own wijken (with the buurten in them), beheerders everything; the gemeente
role sees statistics and exports of every wijk but never report texts, suspect details or people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import Services
from storage.models import Area, Person, RoleName
from storage.people import roles_of


@dataclass(frozen=True)
class Viewer:
    person_id: int
    pseudonym: str
    name: str
    locale: str | None
    is_beheerder: bool
    is_gemeente: bool
    coordinated: frozenset[int]  # wijk ids of the coordinator's roles
    visible: frozenset[int]  # those wijken and their buurten (report area ids)

    @property
    def may_use(self) -> bool:
        return self.is_beheerder or self.is_gemeente or bool(self.coordinated)

    @property
    def reads_reports(self) -> bool:
        """Report texts, witnesses and timelines: coordinators and beheerders, never the gemeente."""
        return self.is_beheerder or bool(self.coordinated)

    @property
    def sees_all_wijken(self) -> bool:
        return self.is_beheerder or self.is_gemeente

    def sees_report_of(self, area_id: int | None) -> bool:
        if self.is_beheerder:
            return True
        return area_id is not None and area_id in self.visible

    def sees_wijk(self, area_id: int) -> bool:
        return self.sees_all_wijken or area_id in self.visible

    @property
    def role_key(self) -> str:
        if self.is_beheerder:
            return "dashboard.role.beheerder"
        if self.coordinated:
            return "dashboard.role.coordinator"
        return "dashboard.role.gemeente"


async def load_viewer(session: AsyncSession, services: Services, person_id: int) -> Viewer | None:
    person = await session.get(Person, person_id)
    if person is None:
        return None
    roles = await roles_of(session, person.id)
    beheerder = services.settings.is_beheerder(person.platform, person.external_id) or any(
        r.role == RoleName.BEHEERDER for r in roles
    )
    wijken = frozenset(r.area_id for r in roles if r.role == RoleName.COORDINATOR and r.area_id is not None)
    children = (
        set(await session.scalars(select(Area.id).where(Area.parent_id.in_(list(wijken)))))
        if wijken
        else set()
    )
    return Viewer(
        person_id=person.id,
        pseudonym=person.pseudonym,
        name=person.display_name or person.username or person.pseudonym,
        locale=person.locale,
        is_beheerder=beheerder,
        is_gemeente=any(r.role == RoleName.GEMEENTE for r in roles),
        coordinated=wijken,
        visible=wijken | frozenset(children),
    )
