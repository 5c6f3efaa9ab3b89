"""Pacing arithmetic on a fake clock: budgets, and a 429 that blocks one chat only."""

from __future__ import annotations

from bot.pacing import Budget, Budgets, Pacer, TokenBucket
from handlers.clock import FakeClock


def _pacer(clock: FakeClock) -> Pacer:
    return Pacer(Budgets(Budget(30), Budget(1, 3), Budget(20 / 60)), clock)


def test_per_chat_burst_then_one_per_second() -> None:
    pacer = _pacer(FakeClock())
    waits = [pacer.reserve("5", is_group=False) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0]


def test_group_budget_is_twenty_a_minute() -> None:
    pacer = Pacer(Budgets(Budget(30), Budget(100, 100), Budget(20 / 60)), FakeClock())
    waits = [pacer.reserve("-1", is_group=True) for _ in range(3)]
    assert waits == [0.0, 3.0, 6.0]


def test_429_blocks_only_that_chat() -> None:
    clock = FakeClock()
    pacer = _pacer(clock)
    pacer.block("-1", 7)
    assert pacer.reserve("-1", is_group=True) == 7.0
    assert pacer.reserve("-2", is_group=True) == 0.0
    assert pacer.blocked_until("-2") is None and pacer.blocked_until("-1") is not None
    clock.advance(seconds=7)
    assert pacer.blocked_until("-1") is None


def test_overall_bucket_keeps_at_most_its_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(100, 3), clock)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert round(bucket.take(), 3) == 0.01
    clock.advance(seconds=60)  # a long pause does not save up more than the burst
    assert [bucket.take() == 0.0 for _ in range(4)] == [True, True, True, False]
