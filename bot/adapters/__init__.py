"""Chat platforms, one folder each; ``ADAPTERS`` is the one list ``serve()`` starts them from.

Adding a platform is one folder (``bot/adapters/<platform>/`` with an object satisfying
``bot.adapters.base.Adapter``) plus one line here: its factory, ``Callable[[Settings], Adapter]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.adapters.base import Adapter, AdapterFactory
from bot.adapters.console.platform import ConsolePlatform
from bot.adapters.telegram.platform import TelegramPlatform
from bot.adapters.whatsapp.platform import WhatsAppPlatform
from bot.pacing import Budgets
from config.settings import Settings

ADAPTERS: tuple[AdapterFactory, ...] = (
    TelegramPlatform,
    WhatsAppPlatform,
    ConsolePlatform,
)


def all_adapters(settings: Settings) -> list[Adapter]:
    return [factory(settings) for factory in ADAPTERS]


def enabled_adapters(settings: Settings) -> list[Adapter]:
    """The platforms the settings configure, in list order."""
    return [adapter for adapter in all_adapters(settings) if adapter.enabled()]


def adapter_budgets(settings: Settings, platforms: Iterable[str]) -> dict[str, Budgets | None]:
    """Each platform's send budgets, as its adapter states them (None: unpaced)."""
    wanted = set(platforms)
    return {a.platform: a.budgets() for a in all_adapters(settings) if a.platform in wanted}
