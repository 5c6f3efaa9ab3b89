"""The one shape of a chat platform: what ``serve()`` and the one paced sender need from it.

A platform lives in ``bot/adapters/<platform>/`` and exposes one object satisfying :class:`Adapter`;
its factory (``Callable[[Settings], Adapter]``) is one line in ``bot.adapters.ADAPTERS``. Building
an adapter only reads settings (no network, no database), so ``buurtbot run`` can name a missing
setting before touching anything. The life of an adapter in a bot process:

1. ``enabled()`` / ``missing_setting(webhook)``: is it configured, and completely?
2. ``await open(context)`` → its :class:`~bot.delivery.Transport` (HTTP clients ready; ``buurtbot send``
   stops here: it only sends);
3. ``add_routes(web_app)``: its webhooks on the one aiohttp application (nothing when it has none);
4. ``await start()``: its receive side (a polling loop, setting a webhook, an event stream), each
   producing stored inbox rows / ``Incoming`` values for ``context.app``; returns once running;
5. ``await stop()``: receive loops end, clients close (the sender has already stopped).

The sender paces each platform's rows with ``budgets()`` (``None``: unpaced, e.g. the console);
a transport answers one outbox row with a neutral outcome (``bot.delivery``: ``Sent``,
``RetryAfter`` — held back for that chat only —, ``ChatGone``, ``Migrated``, ``Transient``,
``Permanent`` with the platform's code in the reason).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import aiohttp
from aiohttp import web

from bot.delivery import Transport
from bot.pacing import Budgets
from config.settings import Settings
from handlers.types import Msg

if TYPE_CHECKING:
    from bot.app import App


@dataclass(frozen=True)
class AdapterContext:
    """What a running adapter may use: the app (services, inbox, handle), the process's one HTTP
    session, whether the process serves webhooks (``--webhook``) and the process's stop event."""

    app: App
    http: aiohttp.ClientSession
    webhook: bool
    stop: asyncio.Event


class StartError(RuntimeError):
    """A platform refused to start (token refused, API unreachable, webhook refused): ``message``
    (a catalog message) says so in one line; ``buurtbot run`` prints it and exits with 2."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.key)
        self.message = message


class Adapter(Protocol):
    platform: str  # the value stored in chats.platform ("telegram", "whatsapp", "signal", …)

    def enabled(self) -> bool:
        """The settings configure this platform (e.g. its token is set)."""
        ...

    def missing_setting(self, webhook: bool) -> str | None:
        """The environment variable this platform still needs (in this mode), or None."""
        ...

    def budgets(self) -> Budgets | None:
        """The platform's send budgets (per token, per chat, per group); None: not paced."""
        ...

    async def open(self, context: AdapterContext) -> Transport:
        """Get ready to send (and register inbox row handlers); returns the transport the one sender
        delivers this platform's rows with. Raises :class:`StartError` when the platform refuses."""
        ...

    def add_routes(self, web_app: web.Application) -> None:
        """Add this platform's webhook routes to the one aiohttp application (may add none)."""
        ...

    async def start(self) -> None:
        """Start receiving (polling loop, webhook registration, event stream); returns when running."""
        ...

    async def stop(self) -> None:
        """Stop receiving and close what ``open``/``start`` opened; safe after a failed start."""
        ...


AdapterFactory = Callable[[Settings], Adapter]
