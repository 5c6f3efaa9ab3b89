"""The daemon's event stream (``GET /api/v1/events``), read for as long as the bot runs.

signal-cli writes each received envelope as one server-sent event ``event:receive`` with one
``data:`` line of JSON (``http/ServerSentEventSender.java``, ``json/JsonReceiveMessageHandler.java``:
``{"account": ..., "envelope": {...}}``, plus ``"exception": {"message", "type"}`` when decrypting
failed) and a ``:`` keep-alive comment every 15 s. When the stream drops (daemon restart, network)
we connect again with exponential backoff, reset after a connection that delivered something.

Nothing is lost while we are away only if the daemon runs with ``--receive-mode=on-connection``:
then its own stdout handler is a *weak* listener (``commands/DaemonCommand.java``), so it stops
receiving from Signal's servers when our stream is gone, and the messages wait there. With the
default ``on-start`` the daemon keeps receiving and writes what arrives meanwhile only to stdout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
OnEvent = Callable[[str], Awaitable[None]]

# No data (not even the 15 s keep-alive) for this long: the connection is dead, reconnect.
READ_TIMEOUT_SECONDS = 60.0
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


async def sse_events(response: aiohttp.ClientResponse) -> AsyncIterator[tuple[str, str]]:
    """``(event type, data)`` for every complete event of a text/event-stream body (WHATWG rules:
    ``field:value``, one optional space after the colon, data lines joined by newlines, comments
    start with ``:``, a blank line ends the event)."""
    kind, data = "message", list[str]()
    async for raw in response.content:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if data:
                yield kind, "\n".join(data)
            kind, data = "message", list[str]()
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            kind = value
        elif name == "data":
            data.append(value)


class EventStream:
    """Reads the stream and hands each ``receive`` event's JSON text to ``on_event``, until stopped."""

    def __init__(
        self,
        url: str,
        http: aiohttp.ClientSession,
        on_event: OnEvent,
        *,
        sleep: Sleep = asyncio.sleep,
        read_timeout: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self._url = url
        self._http = http
        self._on_event = on_event
        self._sleep = sleep
        self._read_timeout = read_timeout
        self.connections = 0  # successful connections so far (tests, logs)
        self.connected = asyncio.Event()
        self.delays: list[float] = []  # the waits before each reconnection (tests, logs)

    async def run(self, stop: asyncio.Event) -> None:
        delay = BACKOFF_FIRST_SECONDS
        while not stop.is_set():
            delivered = False
            try:
                delivered = await self._read_once(stop)
                reason = "closed by the daemon"
            except (aiohttp.ClientError, TimeoutError) as error:
                reason = type(error).__name__
            except Exception as error:  # a bug in handling one event must not end the stream for good
                log.exception("signal event stream: handling failed")
                reason = type(error).__name__
            finally:
                self.connected.clear()
            if stop.is_set():
                break
            if delivered:
                delay = BACKOFF_FIRST_SECONDS  # it worked for a while: a drop now is a fresh one
            log.warning("signal event stream: %s; connecting again in %.0f s", reason, delay)
            self.delays.append(delay)
            await self._sleep(delay)
            delay = min(BACKOFF_MAX_SECONDS, delay * 2)

    async def _read_once(self, stop: asyncio.Event) -> bool:
        """One connection; True when it delivered at least one event."""
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=self._read_timeout)
        delivered = False
        headers = {"Accept": "text/event-stream"}
        async with self._http.get(self._url, timeout=timeout, headers=headers) as response:
            if response.status != 200:
                log.warning("signal event stream: HTTP %s", response.status)
                return False
            self.connections += 1
            self.connected.set()
            async for kind, data in sse_events(response):
                if kind == "receive":
                    await self._on_event(data)
                    delivered = True
                if stop.is_set():
                    break
        return delivered
