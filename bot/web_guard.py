"""Limits that keep the web server answering under hostile traffic (slow or half-sent requests).

Without them ~1,000 connections that never finished their request held the server: aiohttp waits
an hour for a request head by default and has no cap on connections. Here:

- **header timeout**: aiohttp's keep-alive timer also runs from the moment a connection opens and
  closes it when no complete request head arrived in time; the same limit closes idle keep-alive
  connections between requests.
- **body timeout**: a middleware reads the whole body within a deadline before any handler runs
  (the handler's own ``request.read()`` then returns the cached bytes), else 408.
- **connection cap**: a connection beyond the cap evicts the oldest one that has no request in
  progress (a half-sent or idle one), so an attacker's stale sockets make room for Telegram, Meta
  and ``/healthz``; only when every connection is busy is the newcomer refused with 503.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
BUSY = web.AppKey("busy_transports", set)  # transports with a request in progress

_REFUSED = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass(frozen=True)
class WebLimits:
    """Seconds and counts; the defaults suit webhooks (small bodies, few concurrent posts)."""

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 256
    linger: float = 1.0  # after an early answer (408, 413), how long to drain the rest of a body


DEFAULT_LIMITS = WebLimits()


class _Counted(asyncio.Protocol):
    """aiohttp's protocol for one connection, seen by the gate when it opens and closes."""

    def __init__(self, inner: asyncio.Protocol, gate: Gate) -> None:
        self.inner, self.gate = inner, gate
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.inner.connection_made(transport)
        self.gate.opened(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.gate.closed(self.transport)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class Gate:
    """The protocol factory the listening socket uses: aiohttp's server behind a connection cap."""

    def __init__(self, server: web.Server, limits: WebLimits, busy: set[asyncio.BaseTransport]) -> None:
        self.server, self.limits, self.busy = server, limits, busy
        self.open: dict[asyncio.Transport, None] = {}  # insertion order = age

    def __call__(self) -> asyncio.Protocol:
        return _Counted(self.server(), self)

    def opened(self, transport: asyncio.Transport) -> None:
        self.open[transport] = None
        if len(self.open) <= self.limits.max_connections:
            return
        stale = next((t for t in self.open if t is not transport and t not in self.busy), None)
        if stale is not None:
            self.open.pop(stale, None)
            stale.abort()
            return
        self.open.pop(transport, None)
        transport.write(_REFUSED)
        transport.close()
        log.warning("web server full: %d requests in progress, a new connection was refused", len(self.busy))

    def closed(self, transport: asyncio.Transport) -> None:
        self.open.pop(transport, None)
        self.busy.discard(transport)


class GuardedRunner(web.AppRunner):
    """An :class:`~aiohttp.web.AppRunner` whose sites listen through a :class:`Gate`."""

    def __init__(self, app: web.Application, limits: WebLimits, **kwargs: Any) -> None:
        super().__init__(app, keepalive_timeout=limits.header_timeout, lingering_time=limits.linger, **kwargs)
        self.limits = limits
        self.gate: Gate | None = None

    @property
    def server(self) -> Any:  # TCPSite calls this as the protocol factory
        plain = super().server
        if plain is None:
            return None
        if self.gate is None or self.gate.server is not plain:
            self.gate = Gate(plain, self.limits, self.app[BUSY])
        return self.gate


def guard_middleware(limits: WebLimits) -> Any:
    """Mark a connection busy while its request runs, and read the body within the deadline."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        busy: set[asyncio.BaseTransport] = request.app[BUSY]
        transport = request.transport
        if transport is not None:
            busy.add(transport)
        try:
            if request.body_exists:
                try:
                    async with asyncio.timeout(limits.body_timeout):
                        await request.read()
                except TimeoutError:
                    return web.Response(status=408, headers={"Connection": "close"})
            return await handler(request)
        finally:
            if transport is not None:
                busy.discard(transport)

    return guard
