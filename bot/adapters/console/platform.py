"""The console as an :class:`bot.adapters.base.Adapter`: unpaced, printing to this terminal.

``serve()`` never starts it (it is never ``enabled()``): the console owns the terminal, so
``buurtbot console`` (and ``buurtbot run`` with no platform set up) runs it in the foreground
(``session.py``). It is in the adapter list so the one sender knows its rows go unpaced.
"""

from __future__ import annotations

from aiohttp import web

from bot.adapters.base import AdapterContext
from bot.adapters.console.session import ConsoleTransport
from bot.delivery import Transport
from bot.pacing import Budgets
from config.settings import Settings
from handlers.types import Platform


class ConsolePlatform:
    platform: str = Platform.CONSOLE.value

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def enabled(self) -> bool:
        return False  # foreground only: ``buurtbot console``

    def missing_setting(self, webhook: bool) -> str | None:
        return None

    def budgets(self) -> Budgets | None:
        return None  # a terminal has no rate limit

    async def open(self, context: AdapterContext) -> Transport:
        return ConsoleTransport(context.app, lambda text: print(text, flush=True))

    def add_routes(self, web_app: web.Application) -> None:
        """No webhooks."""

    async def start(self) -> None:
        """Lines are read by ``session.run_console`` in the foreground."""

    async def stop(self) -> None:
        """Nothing to close."""
