"""Signal in the one ``serve()`` runtime: found in ``bot.adapters.ADAPTERS``, started, paced, stopped."""

from __future__ import annotations

import pytest

from bot.adapters import enabled_adapters
from bot.adapters.signal.adapter import SignalAdapter
from bot.app import App
from bot.pacing import Budget, Budgets
from bot.serve import Server, missing_setting
from config.settings import Settings, SettingsError, load_settings
from tests.bot.signal.conftest import BOB, GROUP, signal_settings
from tests.fakes.signal_cli import FakeSignalCli


async def test_the_server_starts_signal_from_the_settings_and_its_sender_replies(
    app: App, settings: Settings, daemon: FakeSignalCli
) -> None:
    configured = signal_settings(settings.database_url, daemon, signal_rate_per_second=20)
    adapters = enabled_adapters(configured)
    assert [a.platform for a in adapters] == ["signal"]
    assert missing_setting(adapters, webhook=False) is None
    runtime = Server(app, configured, adapters, port=0, host="127.0.0.1")
    await runtime.start()
    try:
        await daemon.wait_connected()
        assert ("listGroups", {}) in daemon.calls  # the groups are known from the start
        await daemon.push(daemon.private_message(BOB, "/regels"))
        [answer] = await daemon.wait_for_sends(1)  # the runtime's own paced sender delivers it
        assert answer.recipient == BOB.uuid and answer.message.startswith("Afspraken in deze groep")
        await daemon.push(daemon.group_update(BOB, GROUP))
        sent = await daemon.wait_for_sends(2)
        assert sent[1].group_id == GROUP and "SAAR" in sent[1].message
    finally:
        await runtime.stop()
    adapter = runtime.adapters[0]
    assert isinstance(adapter, SignalAdapter) and adapter.stream is not None
    assert daemon.connections == 1 and not adapter.stream.connected.is_set()  # stopped, not reconnecting


def test_signal_is_off_without_both_settings_and_paced_by_its_own(settings: Settings) -> None:
    assert [a.platform for a in enabled_adapters(settings)] == []
    half = settings.model_copy(update={"signal_rpc_url": "http://127.0.0.1:8081"})
    adapter = SignalAdapter(half)
    assert not adapter.enabled() and adapter.missing_setting(False) == "SIGNAL_NUMBER"
    configured = half.model_copy(update={"signal_number": "+31850000000", "signal_rate_per_second": 2.0})
    assert SignalAdapter(configured).budgets() == Budgets(Budget(2.0), Budget(0.5))


@pytest.mark.parametrize("number", ["0612345678", "+31 6 12", "31612345678"])
def test_a_signal_number_must_be_international(number: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, signal_number=number)
    assert refused.value.variable == "SIGNAL_NUMBER"
    assert load_settings(_env_file=None, signal_number="+31 6 1234 5678").signal_number == "+31612345678"
