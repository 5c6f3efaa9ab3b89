"""The repeat filter: a few copies per window, then one line that counts what was left out."""

from __future__ import annotations

import logging

import pytest

from bot.log_limit import RepeatFilter


def test_repeats_are_counted_and_reported_after_the_window(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    logger = logging.getLogger("tests.repeat")
    repeat_filter = RepeatFilter(burst=3, window=60, clock=lambda: now[0])
    logger.addFilter(repeat_filter)
    try:
        with caplog.at_level(logging.WARNING, logger="tests.repeat"):
            for number in range(100):
                logger.warning("bad request from %s", number)
            logger.error("another problem")  # a different message has its own allowance
            now[0] = 61.0
            logger.warning("bad request from %s", "later")
    finally:
        logger.removeFilter(repeat_filter)
    assert [r.getMessage() for r in caplog.records] == [
        "bad request from 0",
        "bad request from 1",
        "bad request from 2",
        "another problem",
        "bad request from later [97 more like this were not logged]",
    ]
