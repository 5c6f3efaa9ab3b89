"""The one way a platform runtime is served: start, run the scheduler, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import signal
from typing import Protocol

from bot.app import App
from bot.campaign_scheduler import scheduled


class Runtime(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def serve_until_signal(app: App, runtime: Runtime) -> None:
    """Serve until SIGINT/SIGTERM; the runtime and the app are closed however it ends."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await runtime.start()
        with scheduled(app.services):  # campaigns, the privacy purge, dedupe housekeeping
            await stop.wait()
    finally:
        await runtime.stop()
        await app.close()
