"""The inbox's repository functions: dedupe, leases between workers, housekeeping of done rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.campaign_scheduler import CampaignScheduler
from handlers.clock import FakeClock
from storage.inbox import InboxMessage, NewInbound, claim_due, mark_done, record_failure, store

LEASE = timedelta(seconds=60)


def _item(key: str) -> NewInbound:
    return NewInbound("telegram", key, f'{{"update_id": {key}}}')


async def test_store_skips_keys_seen_before_and_keeps_the_raw_payload(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        first = await store(session, [_item("1"), _item("2")], clock.now(), "w1", LEASE)
        again = await store(session, [_item("2"), _item("3")], clock.now(), "w1", LEASE)
        other_platform = await store(session, [NewInbound("whatsapp", "2", "{}")], clock.now(), "w1", LEASE)
        await session.commit()
        payloads = list(await session.scalars(select(InboxMessage.payload).order_by(InboxMessage.id)))
    assert [row.external_key for row in first] == ["1", "2"]
    assert [row.external_key for row in again] == ["3"]
    assert [row.platform for row in other_platform] == ["whatsapp"]
    assert payloads == ['{"update_id": 1}', '{"update_id": 2}', '{"update_id": 3}', "{}"]


async def test_leases_keep_other_workers_off_until_they_run_out(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        stored = await store(session, [_item("1"), _item("2")], clock.now(), "w1", LEASE)
        await session.commit()
    async with app.services.db() as session:
        assert await claim_due(session, clock.now(), "w2", LEASE) == []  # w1 is on them
        back = await claim_due(session, clock.now(), "w1", LEASE, own_too=True)  # w1 restarted
        await session.commit()
    assert [row.id for row in back] == [row.id for row in stored]  # in order of arrival
    clock.advance(seconds=61)  # w1 died for good: its lease runs out
    async with app.services.db() as session:
        taken = await claim_due(session, clock.now(), "w2", LEASE)
        assert await claim_due(session, clock.now(), "w3", LEASE) == []  # now w2's
        await mark_done(session, [taken[0].id], clock.now())
        await record_failure(session, taken[1].id, "OperationalError", clock.now(), clock.now())
        await session.commit()
    async with app.services.db() as session:
        retried = await claim_due(session, clock.now(), "w3", LEASE)  # its backoff is over
        await session.commit()
    assert [(row.external_key, row.attempts) for row in retried] == [("2", 1)]
    async with app.services.db() as session:
        done = await session.get(InboxMessage, taken[0].id)
    assert done is not None and (done.state, done.payload) == ("done", "")  # handled: content gone


async def test_housekeeping_forgets_old_done_rows_and_keeps_the_rest(app: App, clock: FakeClock) -> None:
    async with app.services.db() as session:
        done, pending, dead = await store(
            session, [_item("1"), _item("2"), _item("3")], clock.now(), "w", LEASE
        )
        await mark_done(session, [done.id], clock.now())
        await record_failure(session, dead.id, "KeyError", clock.now(), None)
        await session.commit()
    clock.advance(days=8)
    jobs = CampaignScheduler(app.services)
    assert await jobs.forget_deliveries() == 1
    async with app.services.db() as session:
        left = list(await session.scalars(select(InboxMessage.external_key).order_by(InboxMessage.id)))
    assert left == [pending.external_key, dead.external_key]
    clock.advance(days=app.services.settings.suspect_data_retention_days)
    assert await jobs.forget_deliveries() == 1  # a dead row nobody replayed: its payload goes too
    async with app.services.db() as session:
        left = list(await session.scalars(select(InboxMessage.external_key)))
    assert left == [pending.external_key]  # never dropped unhandled
