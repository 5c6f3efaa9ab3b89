"""On WhatsApp a coordinator is appointed by phone number, never by a display name anyone can copy."""

from __future__ import annotations

from sqlalchemy import select

from handlers.routes import ROUTES
from storage.models import Person, Role, RoleName
from storage.people import ensure_person, grant_role
from tests.bot.whatsapp.test_e2e import ANS, BOB, WA, _area, wa

__all__ = ["wa"]


async def _beheerder(wa: WA, wa_id: str) -> None:
    async with wa.app.services.db() as session:
        person = await ensure_person(session, "whatsapp", wa_id, "Beheer", None, wa.clock.now(), b"k")
        await grant_role(session, person.id, RoleName.BEHEERDER, None, wa.clock.now())
        await session.commit()


async def _coordinators(wa: WA) -> list[str]:
    async with wa.app.services.db() as session:
        rows = await session.scalars(
            select(Person.external_id)
            .join(Role, Role.person_id == Person.id)
            .where(Role.role == "coordinator")
        )
        return list(rows)


async def test_display_name_never_appoints_and_the_number_does(wa: WA) -> None:
    wa.app.dispatcher.routes = ROUTES
    await _area(wa)
    await _beheerder(wa, ANS)
    await wa.say(BOB, "hallo")
    async with wa.app.services.db() as session:
        bob = (await session.scalars(select(Person).where(Person.external_id == BOB))).one()
        name = bob.display_name
    mark = len(wa.api.sent)
    await wa.say(ANS, f"/coordinator @{name} Krispijn")
    await wa.say(ANS, f"/coordinator {name} Krispijn")
    replies = [c.text or "" for c in wa.api.sent[mark:] if c.to == ANS]
    assert len(replies) == 2 and all("telefoonnummer" in text for text in replies)
    assert await _coordinators(wa) == []
    mark = len(wa.api.sent)
    await wa.say(ANS, f"/coordinator +{BOB} Krispijn")
    assert any("coördinator van Krispijn" in (c.text or "") for c in wa.api.sent[mark:] if c.to == ANS)
    assert await _coordinators(wa) == [BOB]
