"""Dashboard logins: one-time login tokens and server-side sessions, both stored only as hashes.

A token or session id is 32 random bytes; the database keeps its SHA-256, so a copy of the
database (a backup, a log of queries) opens no session. A login token is used once: redeeming it
is one conditional UPDATE, so two clicks on the same link (or two workers) cannot both win.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

LOGIN_VALID = timedelta(minutes=10)


class DashboardLoginToken(Base):
    __tablename__ = "dashboard_login_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class DashboardSession(Base):
    __tablename__ = "dashboard_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def create_login_token(session: AsyncSession, person_id: int, now: datetime) -> str:
    """A fresh one-time token for this person; only its hash is stored."""
    token = new_secret()
    session.add(
        DashboardLoginToken(
            token_hash=digest(token), person_id=person_id, created_at=now, expires_at=now + LOGIN_VALID
        )
    )
    await session.flush()
    return token


async def login_token_valid(session: AsyncSession, token: str, now: datetime) -> bool:
    """Whether the token would still log in (the login page asks before showing its button)."""
    if not token or len(token) > 200:
        return False
    found = await session.scalar(
        select(DashboardLoginToken.id).where(
            DashboardLoginToken.token_hash == digest(token),
            DashboardLoginToken.used_at.is_(None),
            DashboardLoginToken.expires_at > now,
        )
    )
    return found is not None


async def redeem_login_token(session: AsyncSession, token: str, now: datetime) -> int | None:
    """The person of a valid, unused token (which is now used up), else None."""
    if not token or len(token) > 200:
        return None
    hashed = digest(token)
    result = await session.execute(
        update(DashboardLoginToken)
        .where(
            DashboardLoginToken.token_hash == hashed,
            DashboardLoginToken.used_at.is_(None),
            DashboardLoginToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if not getattr(result, "rowcount", 0):
        return None
    person_id: int | None = await session.scalar(
        select(DashboardLoginToken.person_id).where(DashboardLoginToken.token_hash == hashed)
    )
    return person_id


@dataclass(frozen=True)
class LiveSession:
    id: int
    person_id: int


async def create_session(session: AsyncSession, person_id: int, now: datetime) -> str:
    """A new session; returns the secret for the cookie (the row keeps its hash)."""
    secret = new_secret()
    session.add(
        DashboardSession(session_hash=digest(secret), person_id=person_id, created_at=now, last_seen_at=now)
    )
    await session.flush()
    return secret


async def find_session(
    session: AsyncSession, secret: str, now: datetime, idle: timedelta
) -> LiveSession | None:
    """The session of this cookie when it is not ended nor idle too long; its last-seen moves to now."""
    if not secret or len(secret) > 200:
        return None
    row = await session.scalar(
        select(DashboardSession).where(DashboardSession.session_hash == digest(secret))
    )
    if row is None or row.ended_at is not None:
        return None
    if row.last_seen_at <= now - idle:
        row.ended_at = now
        await session.flush()
        return None
    row.last_seen_at = now
    await session.flush()
    return LiveSession(row.id, row.person_id)


async def end_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(
        update(DashboardSession)
        .where(DashboardSession.id == session_id, DashboardSession.ended_at.is_(None))
        .values(ended_at=now)
    )


async def forget_old_logins(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    """Delete used or expired tokens and ended or idle sessions older than ``keep``."""
    cutoff = now - keep
    tokens = await session.execute(delete(DashboardLoginToken).where(DashboardLoginToken.expires_at < cutoff))
    sessions = await session.execute(delete(DashboardSession).where(DashboardSession.last_seen_at < cutoff))
    return int(getattr(tokens, "rowcount", 0) or 0) + int(getattr(sessions, "rowcount", 0) or 0)
