"""Every real update in the conformance file goes through the adapter without an unhandled error."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.telegram.run import TelegramRuntime
from bot.telegram.webhook import parse_update
from tests.fakes.telegram_api import FakeTelegram

FILE = Path("/work/shared/conformance/telegram-updates.jsonl")
LINES = FILE.read_text(encoding="utf-8").splitlines() if FILE.exists() else []


@pytest.mark.skipif(not LINES, reason="conformance file not available")
async def test_every_update_kind_is_handled_or_ignored(
    manual: TelegramRuntime, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    routed = ignored = unreadable = 0
    for number, line in enumerate(LINES, start=1):
        data = {k: v for k, v in json.loads(line).items() if not k.startswith("_")}
        data["update_id"] = number  # the file repeats docs' example ids
        update = parse_update(data, manual.ptb.bot)
        if update is None:
            unreadable += 1
            continue
        incoming = await manual.adapter.handle_update(update)
        routed, ignored = routed + (incoming is not None), ignored + (incoming is None)
    await manual.drain.drain()
    with caplog.at_level(logging.ERROR):
        assert not [r for r in caplog.records if r.name.startswith(("handlers", "bot")) and r.levelno >= 40]
    texts = [c.params["text"] for c in fake.calls_to("sendMessage")]
    assert not any(t.startswith("Er ging iets mis") for t in texts)  # no handler failed
    assert routed > 40 and ignored > 10 and routed + ignored + unreadable == len(LINES)
