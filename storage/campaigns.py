"""Campaign state in the database: on/off per area, per-group opt-out, and the run log.

The campaigns themselves are files (``messages/campaigns/``); these tables hold what changes at run
time. The run log's unique (campaign_id, run_at) is what makes a run post once, even when two
workers or a restarted process reach the same run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Chat

ALL_AREAS = "*"


class CampaignState(Base):
    """A campaign switched on or off, for one area (``scope`` = area id) or for all (``*``)."""

    __tablename__ = "campaign_states"
    __table_args__ = (UniqueConstraint("campaign_id", "scope"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(40))
    # Not a nullable area id: NULLs never collide in a unique constraint on PostgreSQL.
    scope: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class CampaignOptOut(Base):
    """A group that does not want campaign posts (``/campagnes uit``)."""

    __tablename__ = "campaign_opt_outs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime]


class CampaignRun(Base):
    """One run of a campaign; the row is claimed before posting, in the same transaction."""

    __tablename__ = "campaign_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "run_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(40))
    run_at: Mapped[datetime]
    started_at: Mapped[datetime]
    posts: Mapped[int] = mapped_column(Integer, default=0)


async def claim_run(
    session: AsyncSession, campaign_id: str, run_at: datetime, now: datetime
) -> CampaignRun | None:
    """Record the run; None when it is in the log already (posted before, or by another worker)."""
    exists = await session.scalar(
        select(CampaignRun.id).where(CampaignRun.campaign_id == campaign_id, CampaignRun.run_at == run_at)
    )
    if exists is not None:
        return None
    run = CampaignRun(campaign_id=campaign_id, run_at=run_at, started_at=now, posts=0)
    try:
        async with session.begin_nested():
            session.add(run)
            await session.flush()
    except IntegrityError:
        return None
    return run


async def set_state(
    session: AsyncSession, campaign_id: str, area_id: int | None, active: bool, now: datetime
) -> None:
    """Switch a campaign for one area, or (area_id None) for all areas, clearing area choices."""
    scope = ALL_AREAS if area_id is None else str(area_id)
    if area_id is None:
        await session.execute(
            delete(CampaignState).where(
                CampaignState.campaign_id == campaign_id, CampaignState.scope != ALL_AREAS
            )
        )
    row = await session.scalar(
        select(CampaignState).where(CampaignState.campaign_id == campaign_id, CampaignState.scope == scope)
    )
    if row is None:
        session.add(
            CampaignState(
                campaign_id=campaign_id, scope=scope, area_id=area_id, active=active, updated_at=now
            )
        )
    else:
        row.active, row.updated_at = active, now
    await session.flush()


async def states(session: AsyncSession, campaign_id: str) -> dict[str, bool]:
    """Scope → active for one campaign."""
    rows = await session.execute(
        select(CampaignState.scope, CampaignState.active).where(CampaignState.campaign_id == campaign_id)
    )
    return {scope: active for scope, active in rows.tuples()}


def is_active(scoped: dict[str, bool], area_id: int | None, default: bool) -> bool:
    """An area's own choice wins over the city-wide one, which wins over the file's default."""
    if area_id is not None and str(area_id) in scoped:
        return scoped[str(area_id)]
    return scoped.get(ALL_AREAS, default)


async def set_opt_out(session: AsyncSession, chat_id: int, opted_out: bool, now: datetime) -> None:
    row = await session.scalar(select(CampaignOptOut).where(CampaignOptOut.chat_id == chat_id))
    if opted_out and row is None:
        session.add(CampaignOptOut(chat_id=chat_id, created_at=now))
    elif not opted_out and row is not None:
        await session.delete(row)
    await session.flush()


async def is_opted_out(session: AsyncSession, chat_id: int) -> bool:
    row = await session.scalar(select(CampaignOptOut.id).where(CampaignOptOut.chat_id == chat_id))
    return row is not None


async def subscribed_groups(session: AsyncSession, area_ids: list[int] | None) -> list[Chat]:
    """Active group chats that did not opt out; only those in ``area_ids`` unless it is None."""
    query = (
        select(Chat)
        .outerjoin(CampaignOptOut, CampaignOptOut.chat_id == Chat.id)
        .where(Chat.kind == "group", Chat.active.is_(True), CampaignOptOut.id.is_(None))
        .order_by(Chat.id)
    )
    if area_ids is not None:
        query = query.where(Chat.area_id.in_(area_ids))
    return list(await session.scalars(query))
