"""Dialog state per (chat, person), in the database so dialogs survive restarts and workers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DialogState


async def current_dialog(
    session: AsyncSession, chat_id: int, person_id: int, now: datetime
) -> DialogState | None:
    """The live dialog, or None; an expired one is removed on sight."""
    state = await session.scalar(
        select(DialogState).where(DialogState.chat_id == chat_id, DialogState.person_id == person_id)
    )
    return await live_dialog(session, state, now)


async def live_dialog(session: AsyncSession, state: DialogState | None, now: datetime) -> DialogState | None:
    """``state`` if it has not expired; an expired one is removed on sight."""
    if state is not None and _aware(state.expires_at) <= now:
        await session.delete(state)
        await session.flush()
        return None
    return state


async def dialog_chats(session: AsyncSession, person_id: int) -> frozenset[int]:
    """The chats where this person has a dialog row (live or expired)."""
    rows = await session.scalars(select(DialogState.chat_id).where(DialogState.person_id == person_id))
    return frozenset(rows)


async def save_dialog(
    session: AsyncSession,
    chat_id: int,
    person_id: int,
    name: str,
    step: str,
    data: dict[str, Any],
    expires_at: datetime,
) -> DialogState:
    state = await session.scalar(
        select(DialogState).where(DialogState.chat_id == chat_id, DialogState.person_id == person_id)
    )
    if state is None:
        state = DialogState(
            chat_id=chat_id, person_id=person_id, name=name, step=step, data=data, expires_at=expires_at
        )
        session.add(state)
    else:
        state.name, state.step, state.data, state.expires_at = name, step, dict(data), expires_at
    await session.flush()
    return state


async def end_dialog(session: AsyncSession, chat_id: int, person_id: int) -> bool:
    result = await session.execute(
        delete(DialogState).where(DialogState.chat_id == chat_id, DialogState.person_id == person_id)
    )
    return bool(getattr(result, "rowcount", 0))


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; we only ever store UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
