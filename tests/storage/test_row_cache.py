"""The row cache answers only what the database would say: every kind of write invalidates it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import App
from handlers.access import known
from handlers.clock import FakeClock
from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender
from storage.cache import row_cache
from storage.chats import migrate_chat
from storage.dialogs import end_dialog, save_dialog
from storage.models import Chat, Person


def _chatter(clock: FakeClock, chat_id: str = "-9", title: str = "Wielwijk", name: str = "Bas") -> Incoming:
    return Incoming(
        platform=Platform.TELEGRAM, chat_id=chat_id, chat_kind=ChatKind.GROUP, chat_title=title,
        kind=EventKind.MESSAGE, received_at=clock.now(), sender=Sender("8", name, "bas"), text="Goedemorgen",
    )  # fmt: skip


async def test_known_rows_after_first_contact_and_renames_reach_the_database(
    app: App, clock: FakeClock
) -> None:
    first = _chatter(clock)
    assert known(first, app.services) is None  # never seen
    await app.dispatcher.dispatch(first)
    rows = known(first, app.services)
    assert rows is not None and rows.person is not None
    renamed = _chatter(clock, title="Wielwijk-Zuid", name="Bas B.")
    assert known(renamed, app.services) is None  # a new title/name is not "current": the DB path runs
    await app.dispatcher.dispatch(renamed)
    async with app.services.db() as session:
        chat = await session.get(Chat, rows.chat.id)
        person = await session.get(Person, rows.person.id)
    assert chat is not None and chat.title == "Wielwijk-Zuid"
    assert person is not None and person.display_name == "Bas B."
    # The rename's own write invalidated the cache mid-read, so it fills on the next update.
    await app.dispatcher.dispatch(renamed)
    assert known(renamed, app.services) is not None


async def test_a_dialog_saved_anywhere_ends_the_no_dialog_answer(app: App, clock: FakeClock) -> None:
    incoming = _chatter(clock)
    await app.dispatcher.dispatch(incoming)
    cache = row_cache(app.services.db)
    rows = known(incoming, app.services)
    assert cache is not None and rows is not None and rows.person is not None
    assert cache.has_no_dialog(rows.chat.id, rows.person.id)
    async with app.services.db() as session:
        expires = clock.now() + timedelta(minutes=5)
        await save_dialog(session, rows.chat.id, rows.person.id, "melding", "wat", {}, expires)
        await session.commit()
    assert not cache.has_no_dialog(rows.chat.id, rows.person.id)
    # Ending it (a bulk DELETE) keeps the cache cautious until the dispatcher reads again.
    async with app.services.db() as session:
        await end_dialog(session, rows.chat.id, rows.person.id)
        await session.commit()
    await app.dispatcher.dispatch(incoming)
    assert cache.has_no_dialog(rows.chat.id, rows.person.id)


async def test_bulk_updates_and_migrations_forget_chats(app: App, clock: FakeClock) -> None:
    old, new = _chatter(clock, chat_id="-10"), _chatter(clock, chat_id="-100010")
    await app.dispatcher.dispatch(old)
    await app.dispatcher.dispatch(new)  # the supergroup talked before the migration arrived
    assert known(old, app.services) is not None and known(new, app.services) is not None
    async with app.services.db() as session:
        await migrate_chat(session, Platform.TELEGRAM, "-10", "-100010")
        await session.commit()
    assert known(new, app.services) is None  # it pointed at the folded (deleted) row
    await app.dispatcher.dispatch(new)
    rows = known(new, app.services)
    async with app.services.db() as session:
        live = await session.scalar(select(Chat.id).where(Chat.external_id == "-100010"))
        await session.execute(update(Chat).where(Chat.id == live).values(area_id=None))
        await session.commit()
    assert rows is not None and rows.chat.id == live
    assert known(new, app.services) is None  # a bulk UPDATE on chats clears them all
