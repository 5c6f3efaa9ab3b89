"""Drive real conversations through the console adapter and read what the bot printed."""

from __future__ import annotations

from bot.adapters.console.session import ConsoleSession
from bot.app import App


class ConsoleHarness:
    def __init__(self, app: App) -> None:
        self.app = app
        self.output: list[str] = []
        self.session = ConsoleSession(app, self.output.append)

    async def start(self) -> list[str]:
        return await self._capture(self.session.start())

    async def say(self, *lines: str) -> list[str]:
        """Send lines as the current speaker; returns everything printed meanwhile."""
        mark = len(self.output)
        for line in lines:
            await self.session.handle_line(line)
        return self.output[mark:]

    async def text(self, *lines: str) -> str:
        return "\n".join(await self.say(*lines))

    async def _capture(self, job: object) -> list[str]:
        mark = len(self.output)
        await job  # type: ignore[misc]
        return self.output[mark:]
