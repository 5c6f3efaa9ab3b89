"""Helpers for the durable-intake tests: a database cut that can spare some statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App
from storage.inbox import InboxMessage, counts


def intake_only(statement: str) -> bool:
    """What survives a cut 'between the 200 and the handling': storing new updates."""
    return statement.startswith("BEGIN") or statement.startswith("INSERT INTO inbox")


def inbox_only(statement: str) -> bool:
    """Handling fails, but the inbox itself (storing, claiming, recording a failure) works."""
    return statement.startswith("BEGIN") or ("inbox" in statement and "outbox" not in statement)


def nothing(statement: str) -> bool:
    return statement.startswith("BEGIN")


@contextmanager
def database_cut(engine: AsyncEngine, spare: Callable[[str], bool] = nothing) -> Iterator[list[str]]:
    """Every statement not ``spare``d fails as a lost connection would, until the block ends.

    Yields the statements refused, so a test can show the cut really hit something."""
    refused: list[str] = []

    def refuse(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool) -> None:
        if not spare(statement.lstrip()):
            refused.append(statement)
            raise OperationalError(statement, params, ConnectionError("database cut (test)"))

    event.listen(engine.sync_engine, "before_cursor_execute", refuse)
    try:
        yield refused
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", refuse)


async def inbox_states(app: App) -> dict[str, int]:
    async with app.services.db() as session:
        return await counts(session)


async def inbox_size(app: App) -> int:
    async with app.services.db() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxMessage)) or 0)
