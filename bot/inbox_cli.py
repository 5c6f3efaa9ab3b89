"""``buurtbot inbox``: what the durable intake holds, and putting stuck updates back.

Beheerders see counts per state and the dead rows (id, platform, when, how often tried, the error's
class name), never a payload: it may hold what a resident wrote. ``replay ID`` or ``replay --dead``
makes dead rows pending again; a running bot picks them up with its next sweep (bot/inbox.py).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from config.settings import Settings
from handlers.types import Msg
from messages.catalog import Catalog, strip_tags
from storage.db import create_engine, create_sessionmaker
from storage.inbox import counts, dead_rows, replay

Say = Callable[..., None]


def cmd_inbox(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import upgrade

    catalog = Catalog.load(default_locale=settings.default_locale)

    def say(key: str, **params: object) -> None:
        print(strip_tags(catalog.render(Msg.of(f"inbox.cli.{key}", **params))))

    replaying = getattr(args, "inbox_action", None) == "replay"
    if replaying and args.id is None and not args.dead:
        say("replay_needs")
        return 2
    upgrade(settings.database_url)
    if replaying:
        say("replayed", count=asyncio.run(_replay(settings, None if args.dead else args.id)))
        return 0
    asyncio.run(_list(settings, say))
    return 0


async def _replay(settings: Settings, row_id: int | None) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            count = await replay(session, row_id)
            await session.commit()
        return count
    finally:
        await engine.dispose()


async def _list(settings: Settings, say: Say) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            states = await counts(session)
            dead = await dead_rows(session)
    finally:
        await engine.dispose()
    say("counts", **states)
    if not dead:
        say("none_dead")
        return
    say("dead_header")
    for row in dead:
        received = row.received_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        say(
            "dead_line",
            id=row.id,
            platform=row.platform,
            received=received,
            attempts=row.attempts,
            error=row.last_error or "?",
        )
