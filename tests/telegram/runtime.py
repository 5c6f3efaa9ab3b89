"""Telegram alone through the one ``bot.serve.Server``, with its parts at hand for the tests."""

from __future__ import annotations

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.adapters.telegram.platform import PTBApp, TelegramPlatform
from bot.adapters.telegram.polling import Poller
from bot.app import App
from bot.sender import PacedSender
from bot.serve import Server
from config.settings import Settings


class TelegramRuntime(Server):
    """``Server(app, settings, [TelegramPlatform(settings)])``; ``open()`` alone connects (getMe)
    and builds the sender without running anything: the test feeds updates and drains itself."""

    def __init__(self, app: App, settings: Settings, *, webhook: bool = False) -> None:
        self.telegram = TelegramPlatform(settings)
        super().__init__(app, settings, [self.telegram], webhook=webhook)

    @property
    def ptb(self) -> PTBApp:
        return self.telegram.ptb

    @property
    def adapter(self) -> TelegramAdapter:
        return self.telegram.adapter

    @property
    def poller(self) -> Poller:
        return self.telegram.poller

    @property
    def drain(self) -> PacedSender:
        return self.sender
