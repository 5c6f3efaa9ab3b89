"""Campaign state, opt-outs and the run log against the real database (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import App
from handlers.clock import FakeClock
from storage import campaigns as store
from storage.chats import create_area, ensure_chat

RUN = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


async def test_a_run_is_claimed_once(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        assert await store.claim_run(session, "donkere-dagen", RUN, clock.now()) is not None
        await session.commit()
    async with app.services.db() as session:
        assert await store.claim_run(session, "donkere-dagen", RUN, clock.now()) is None
        assert await store.claim_run(session, "babbeltrucs", RUN, clock.now()) is not None
        await session.commit()
        count = await session.scalar(select(func.count()).select_from(store.CampaignRun))
    assert count == 2


async def test_area_choice_wins_and_a_city_wide_choice_clears_it(app: App, clock: FakeClock) -> None:
    now = clock.now()
    async with app.services.db() as session:
        krispijn = await create_area(session, "Krispijn", now)
        wielwijk = await create_area(session, "Wielwijk", now)
        await store.set_state(session, "donkere-dagen", krispijn.id, False, now)
        scoped = await store.states(session, "donkere-dagen")
        assert store.is_active(scoped, krispijn.id, True) is False
        assert store.is_active(scoped, wielwijk.id, True) is True
        assert store.is_active(scoped, None, True) is True
        await store.set_state(session, "donkere-dagen", None, True, now)
        scoped = await store.states(session, "donkere-dagen")
        assert scoped == {store.ALL_AREAS: True}
        await store.set_state(session, "groep-werkt-nog", None, True, now)
        assert store.is_active(await store.states(session, "groep-werkt-nog"), krispijn.id, False) is True
        await session.commit()


async def test_subscribed_groups_leave_out_opted_out_inactive_and_private_chats(
    app: App, clock: FakeClock
) -> None:
    now = clock.now()
    async with app.services.db() as session:
        area = await create_area(session, "Krispijn", now)
        a = await ensure_chat(session, "console", "a", "group", "A", now)
        b = await ensure_chat(session, "console", "b", "group", "B", now)
        c = await ensure_chat(session, "console", "c", "group", "C", now)
        await ensure_chat(session, "console", "piet", "private", "Piet", now)
        a.area_id = area.id
        c.active = False
        await store.set_opt_out(session, b.id, True, now)
        await store.set_opt_out(session, b.id, True, now)  # twice is fine
        assert [chat.title for chat in await store.subscribed_groups(session, None)] == ["A"]
        assert [chat.title for chat in await store.subscribed_groups(session, [area.id])] == ["A"]
        await store.set_opt_out(session, b.id, False, now)
        assert await store.is_opted_out(session, b.id) is False
        assert [chat.title for chat in await store.subscribed_groups(session, None)] == ["A", "B"]
        assert await store.subscribed_groups(session, [area.id + 1000]) == []
        await session.commit()


async def test_claim_and_posts_commit_or_roll_back_together(app: App, clock: FakeClock) -> None:
    """On SQLite too: savepoints (claim, outbox rows) stay inside the outer transaction."""
    from handlers.types import Reply
    from storage.models import OutboxMessage

    now = clock.now()
    async with app.services.db() as session:
        chat = await ensure_chat(session, "console", "a", "group", "A", now)
        await session.commit()
    async with app.services.db() as session:
        assert await store.claim_run(session, "donkere-dagen", RUN, now) is not None
        assert await app.services.outbox.enqueue(session, chat, Reply.say("campaigns.post_footer"), "k-1")
        await session.rollback()  # e.g. the process died before commit
    async with app.services.db() as session:
        runs = await session.scalar(select(func.count()).select_from(store.CampaignRun))
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert (runs, rows) == (0, 0)
