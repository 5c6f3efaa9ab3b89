"""PTB's HTTP layer on aiohttp: both request objects of a bot share ONE ``aiohttp.ClientSession``.

PTB's default ``HTTPXRequest`` costs several times more CPU per round trip than aiohttp, which makes
it the throughput bottleneck of a busy bot. PTB keeps two request objects per ``Bot`` (one for
``getUpdates``, one for everything else) and initialises/shuts them down independently, so the
session lives in a :class:`SharedSession` that both reference: it is opened by the first
``initialize()`` and closed by the last ``shutdown()``. The long poll holds one pooled connection; the
pool is large (256 by default) so it never starves the senders.

Timeouts: aiohttp has no per-request write timeout, so PTB's four timeouts map as
``connect`` → ``sock_connect``, ``pool + connect`` → ``connect`` (aiohttp's ``connect`` includes the
wait for a free pooled connection), ``read`` → ``sock_read`` and, as the stand-in for the write
timeout, ``total`` = the sum of all four (unbounded when any is ``None``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}


class SharedSession:
    """A reference-counted ``aiohttp.ClientSession``, created lazily inside the running loop."""

    def __init__(self, connection_pool_size: int = 256) -> None:
        self.connection_pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None
        self._users = 0
        self._lock = asyncio.Lock()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        return self._session

    async def acquire(self) -> None:
        async with self._lock:
            if self._session is None or self._session.closed:
                connector = aiohttp.TCPConnector(limit=self.connection_pool_size, ttl_dns_cache=300)
                # PTB maps status codes itself; aiohttp must not raise on them or follow redirects.
                self._session = aiohttp.ClientSession(
                    connector=connector, raise_for_status=False, auto_decompress=True
                )
            self._users += 1

    async def release(self) -> None:
        async with self._lock:
            self._users = max(0, self._users - 1)
            if self._users == 0 and self._session is not None:
                await self._session.close()
                self._session = None


def _timeouts(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    parts = (read, write, connect, pool)
    total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    connect_total = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=connect_total, sock_connect=connect, sock_read=read)


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` on aiohttp. Use :meth:`pair` to build both of a bot's."""

    __slots__ = (
        "_connect_timeout",
        "_initialized",
        "_media_write_timeout",
        "_pool_timeout",
        "_read_timeout",
        "_shared",
        "_write_timeout",
    )

    def __init__(
        self,
        shared: SharedSession | None = None,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._shared = shared or SharedSession()
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._initialized = False

    @classmethod
    def pair(cls, connection_pool_size: int = 256, **timeouts: Any) -> tuple[AiohttpRequest, AiohttpRequest]:
        """``(request, get_updates_request)`` sharing one session, for ApplicationBuilder."""
        shared = SharedSession(connection_pool_size)
        return cls(shared, **timeouts), cls(shared, **timeouts)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @property
    def shared(self) -> SharedSession:
        return self._shared

    async def initialize(self) -> None:
        if not self._initialized:
            await self._shared.acquire()
            self._initialized = True

    async def shutdown(self) -> None:
        if self._initialized:
            self._initialized = False
            await self._shared.release()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if not self._initialized:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = bool(request_data and request_data.contains_files)
        default_write = self._media_write_timeout if has_files else self._write_timeout
        timeout = _timeouts(
            self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout,
            default_write if isinstance(write_timeout, DefaultValue) else write_timeout,
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout,
        )
        headers = {"User-Agent": self.USER_AGENT}
        body: aiohttp.FormData | bytes | None = None
        if request_data is not None and has_files:
            body = _multipart(request_data)
        elif request_data is not None and request_data.parameters:
            body = request_data.url_encoded_parameters().encode()
            headers.update(_URLENCODED)
        try:
            async with self._shared.session.request(
                method, url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError subclasses it
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
