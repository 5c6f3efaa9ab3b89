"""Areas, chats, people, roles, dialogs and dedupe against the real database (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from storage.chats import area_key, create_area, ensure_chat, find_area, migrate_chat
from storage.dedupe import first_delivery, forget_old
from storage.dialogs import current_dialog, end_dialog, save_dialog
from storage.models import Chat, Person, Role, RoleName
from storage.people import (
    ensure_person,
    find_person_by_handle,
    grant_role,
    is_coordinator_of,
    make_pseudonym,
    pseudonym_secret,
    revoke_role,
)


def test_area_keys_fold_case_accents_and_separators() -> None:
    assert area_key("Oud-Krispijn ") == area_key("oud krispijn") == "oud-krispijn"
    assert area_key("Reeëland") == "reeeland"
    assert area_key("!!!") == ""


async def test_area_lookup_is_forgiving(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        await create_area(session, "Oud-Krispijn", clock.now())
        await session.commit()
        found = await find_area(session, "oud krispijn")
        assert found is not None and found.name == "Oud-Krispijn"
        assert await find_area(session, "") is None


async def test_migration_keeps_area_and_removes_a_stray_new_row(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        old = await ensure_chat(session, "telegram", "-100", "group", "Buurt", clock.now())
        old.area_id = area.id
        await ensure_chat(session, "telegram", "-1009", "group", "Buurt", clock.now())
        await session.commit()
        await migrate_chat(session, "telegram", "-100", "-1009")
        await session.commit()
    async with app.services.db() as session:
        rows = list(await session.execute(select(Chat.external_id, Chat.area_id)))
    assert [tuple(r) for r in rows] == [("-1009", area.id)]


async def test_pseudonyms_are_keyed_and_stable(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        generated = await pseudonym_secret(session, None)
        await session.commit()
        assert await pseudonym_secret(session, None) == generated  # kept, not regenerated
        person = await ensure_person(session, "telegram", "42", "Ans", "ans", clock.now(), b"k1")
        await session.commit()
    assert person.pseudonym == make_pseudonym(b"k1", "telegram", "42")
    assert "42" not in person.pseudonym
    assert make_pseudonym(b"k2", "telegram", "42") != person.pseudonym


async def test_roles_grant_revoke_and_lookup(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", clock.now())
        person = await ensure_person(session, "console", "ans", "Ans", None, clock.now(), b"k")
        assert await grant_role(session, person.id, RoleName.COORDINATOR, area.id, clock.now())
        assert not await grant_role(session, person.id, RoleName.COORDINATOR, area.id, clock.now())
        assert await grant_role(session, person.id, RoleName.BEHEERDER, None, clock.now())
        assert not await grant_role(session, person.id, RoleName.BEHEERDER, None, clock.now())
        await session.commit()
        assert await is_coordinator_of(session, person.id, area.id)
        assert (await find_person_by_handle(session, "console", "@ANS")) is not None
        assert await revoke_role(session, person.id, RoleName.COORDINATOR, area.id)
        await session.commit()
        assert not await is_coordinator_of(session, person.id, area.id)
        roles = list(await session.scalars(select(Role.role)))
    assert roles == [RoleName.BEHEERDER]


async def test_dialogs_expire_and_end(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        chat = await ensure_chat(session, "console", "ans", "private", "Ans", clock.now())
        person = await ensure_person(session, "console", "ans", "Ans", None, clock.now(), b"k")
        await save_dialog(
            session, chat.id, person.id, "melding", "waar", {"a": 1}, clock.now() + timedelta(minutes=5)
        )
        await session.commit()
        state = await current_dialog(session, chat.id, person.id, clock.now())
        assert state is not None and state.data == {"a": 1}
        clock.advance(minutes=6)
        assert await current_dialog(session, chat.id, person.id, clock.now()) is None
        await session.commit()
        await save_dialog(
            session, chat.id, person.id, "melding", "wat", {}, clock.now() + timedelta(minutes=5)
        )
        assert await end_dialog(session, chat.id, person.id)
        assert not await end_dialog(session, chat.id, person.id)
        await session.commit()


async def test_delivery_ids_are_processed_once(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        assert await first_delivery(session, "telegram", "1001", clock.now())
        assert not await first_delivery(session, "telegram", "1001", clock.now())
        assert await first_delivery(session, "whatsapp", "1001", clock.now())
        await session.commit()
        clock.advance(days=8)
        assert await forget_old(session, now=clock.now()) == 2
        await session.commit()
        assert await first_delivery(session, "telegram", "1001", clock.now())
        await session.commit()
        people = list(await session.scalars(select(Person)))
    assert people == []
