"""Relay requests: an alert or an urgent report offered to a neighbouring wijk's coordinators.

One decision wins (a conditional UPDATE), a request expires, and the relayed broadcast row points
back at where it came from, so the broadcast audit shows every relay.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class RelayStatus(StrEnum):
    OFFERED = "offered"  # chosen in an alert's preview; asked when the alert is sent
    PENDING = "pending"  # asked, waiting for one of the target's coordinators
    APPROVED = "approved"
    REJECTED = "rejected"


class RelayRequest(Base):
    __tablename__ = "relay_requests"
    __table_args__ = (UniqueConstraint("subject", "target_area_id", name="uq_relay_subject_target"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))  # "alert:12" or "report:7"
    source_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    target_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    relayed_broadcast_id: Mapped[int | None] = mapped_column(Integer)


async def add_relay(
    session: AsyncSession,
    subject: str,
    source_area_id: int | None,
    target_area_id: int,
    status: RelayStatus,
    now: datetime,
    expires_at: datetime,
) -> RelayRequest | None:
    """A new request, or None when this subject was already offered to that wijk."""
    existing = await session.scalar(
        select(RelayRequest).where(
            RelayRequest.subject == subject, RelayRequest.target_area_id == target_area_id
        )
    )
    if existing is not None:
        return None
    request = RelayRequest(
        subject=subject,
        source_area_id=source_area_id,
        target_area_id=target_area_id,
        status=status,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(request)
    await session.flush()
    return request


async def requests_for(session: AsyncSession, subject: str, status: RelayStatus) -> list[RelayRequest]:
    rows = await session.scalars(
        select(RelayRequest).where(RelayRequest.subject == subject, RelayRequest.status == status)
    )
    return list(rows)


async def decide_relay(
    session: AsyncSession, request_id: int, status: RelayStatus, person_id: int | None, now: datetime
) -> bool:
    """Record the decision if nobody decided before and the request has not expired."""
    result = await session.execute(
        update(RelayRequest)
        .where(
            RelayRequest.id == request_id,
            RelayRequest.status == RelayStatus.PENDING,
            RelayRequest.expires_at > now,
        )
        .values(status=status, decided_by=person_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
