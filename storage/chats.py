"""Areas and chats: look-up, creation, linking a group to an area, migration to a new id."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Area, Chat, Person


def area_key(name: str) -> str:
    """Normalise an area name for look-ups: 'Oud-Krispijn ' and 'oud krispijn' are the same wijk."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


async def find_area(session: AsyncSession, name: str) -> Area | None:
    key = area_key(name)
    if not key:
        return None
    area: Area | None = await session.scalar(select(Area).where(Area.key == key))
    return area


async def create_area(session: AsyncSession, name: str, now: datetime, kind: str = "wijk") -> Area:
    area = Area(name=name.strip()[:100], key=area_key(name), kind=kind, postcodes="", created_at=now)
    session.add(area)
    await session.flush()
    return area


async def list_areas(session: AsyncSession) -> list[Area]:
    return list(await session.scalars(select(Area).order_by(Area.name)))


async def get_chat(session: AsyncSession, platform: str, external_id: str) -> Chat | None:
    chat: Chat | None = await session.scalar(
        select(Chat).where(Chat.platform == platform, Chat.external_id == external_id)
    )
    return chat


async def reachable_private_chat(session: AsyncSession, person: Person) -> Chat | None:
    """The person's private chat with the bot, if they have one and have not blocked or left it."""
    chat = await session.scalar(
        select(Chat).where(
            Chat.platform == person.platform,
            Chat.external_id == person.external_id,
            Chat.kind == "private",
            Chat.active.is_(True),
        )
    )
    return chat


async def ensure_chat(
    session: AsyncSession, platform: str, external_id: str, kind: str, title: str | None, now: datetime
) -> Chat:
    """Return the chat row, creating it on first contact; the title follows renames."""
    chat = await get_chat(session, platform, external_id)
    if chat is None:
        chat = Chat(
            platform=platform, external_id=external_id, kind=kind, title=title, active=True, created_at=now
        )
        session.add(chat)
        await session.flush()
    else:
        follow_title(chat, title)
    return chat


def follow_title(chat: Chat, title: str | None) -> None:
    """A group's row follows its renames (an update without a title changes nothing)."""
    if title and chat.title != title:
        chat.title = title


async def migrate_chat(session: AsyncSession, platform: str, old_id: str, new_id: str) -> Chat | None:
    """A group became a supergroup: keep area, settings and history under the new id."""
    chat = await get_chat(session, platform, old_id)
    if chat is None:
        return None
    duplicate = await get_chat(session, platform, new_id)
    if duplicate is not None and duplicate.id != chat.id:
        # The new id already talked to us (updates can arrive out of order): fold it into the old row.
        await session.delete(duplicate)
        await session.flush()
    chat.external_id = new_id
    await session.flush()
    return chat


async def group_chats_in_areas(session: AsyncSession, area_ids: list[int]) -> list[Chat]:
    rows = await session.scalars(
        select(Chat)
        .where(Chat.area_id.in_(area_ids), Chat.kind == "group", Chat.active.is_(True))
        .order_by(Chat.id)
    )
    return list(rows)


async def set_active(session: AsyncSession, chat_id: int, active: bool) -> None:
    await session.execute(update(Chat).where(Chat.id == chat_id).values(active=active))
