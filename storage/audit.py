"""The audit table (every refusal: who, what, where, when) and chat membership (who was seen where).

``who`` is the person's keyed pseudonym, never a platform id, so the audit log can be read by
beheerders without handing out phone numbers. Membership rows say "this person was seen in this
group": a card tap counts only from a member of the card's chats (or the reporter).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    who: Mapped[str] = mapped_column(String(32))  # pseudonym, or "-" for an update without a sender
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(160))  # "privé" or the group's title, as it was then
    action: Mapped[str] = mapped_column(String(120))  # "/alert inbraakgolf" or "knop rp:called:M-0001"
    reason: Mapped[str] = mapped_column(String(80))  # the catalog key of the refusal's reason


class ChatMember(Base):
    __tablename__ = "chat_members"
    __table_args__ = (UniqueConstraint("chat_id", "person_id", name="uq_chat_members"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    first_seen: Mapped[datetime]


async def add_audit(session: AsyncSession, **fields: object) -> AuditEntry:
    entry = AuditEntry(**fields)
    session.add(entry)
    await session.flush()
    return entry


async def recent_audit(session: AsyncSession, limit: int = 20) -> list[AuditEntry]:
    rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return list(rows)


async def remember_member(session: AsyncSession, chat_id: int, person_id: int, now: datetime) -> None:
    """Record that the person was seen in the chat (once; later sightings change nothing)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(ChatMember)
        .values(chat_id=chat_id, person_id=person_id, first_seen=now)
        .on_conflict_do_nothing(index_elements=["chat_id", "person_id"])
    )


async def is_member_of_any(session: AsyncSession, person_id: int, chat_ids: Sequence[int]) -> bool:
    if not chat_ids:
        return False
    found = await session.scalar(
        select(ChatMember.id)
        .where(ChatMember.person_id == person_id, ChatMember.chat_id.in_(list(chat_ids)))
        .limit(1)
    )
    return found is not None
