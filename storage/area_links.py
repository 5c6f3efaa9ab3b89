"""Requests to link a group to an existing area, waiting for a coordinator (or beheerder) to decide.

Anyone can make a group and add the bot, so a plain group admin may not link it to a wijk on their
own: that would push their reports into every group of the wijk and give them its alerts. A chat
has at most one pending request; a newer request, or linking the chat directly, replaces it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Person, Role, RoleName


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer request, or the chat was linked directly


class AreaLinkRequest(Base):
    __tablename__ = "area_link_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


async def pending_request(session: AsyncSession, chat_id: int) -> AreaLinkRequest | None:
    request: AreaLinkRequest | None = await session.scalar(
        select(AreaLinkRequest)
        .where(AreaLinkRequest.chat_id == chat_id, AreaLinkRequest.status == RequestStatus.PENDING)
        .order_by(AreaLinkRequest.id.desc())
        .limit(1)
    )
    return request


async def replace_pending(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """Close whatever this chat still had pending: its buttons then answer "already handled"."""
    await session.execute(
        update(AreaLinkRequest)
        .where(AreaLinkRequest.chat_id == chat_id, AreaLinkRequest.status == RequestStatus.PENDING)
        .values(status=RequestStatus.REPLACED, decided_at=now)
    )


async def open_request(
    session: AsyncSession, chat_id: int, area_id: int, person_id: int | None, now: datetime
) -> AreaLinkRequest:
    await replace_pending(session, chat_id, now)
    request = AreaLinkRequest(
        chat_id=chat_id, area_id=area_id, person_id=person_id, status=RequestStatus.PENDING, created_at=now
    )
    session.add(request)
    await session.flush()
    return request


async def decide(
    session: AsyncSession, request_id: int, status: RequestStatus, person_id: int | None, now: datetime
) -> bool:
    """Settle a pending request; False when it was already settled (a second press, a race)."""
    result = await session.execute(
        update(AreaLinkRequest)
        .where(AreaLinkRequest.id == request_id, AreaLinkRequest.status == RequestStatus.PENDING)
        .values(status=status, decided_at=now, decided_by=person_id)
    )
    return bool(getattr(result, "rowcount", 0))


async def coordinators_of(session: AsyncSession, area_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(Role, Role.person_id == Person.id)
        .where(Role.role == RoleName.COORDINATOR, Role.area_id == area_id)
        .order_by(Person.id)
    )
    return list(rows.unique())


async def beheerders_by_role(session: AsyncSession) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(Role, Role.person_id == Person.id)
        .where(Role.role == RoleName.BEHEERDER)
        .order_by(Person.id)
    )
    return list(rows.unique())
