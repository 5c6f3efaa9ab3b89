"""People and roles. Raw platform ids stay in this table; everything else uses the pseudonym."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppState, Person, Role, RoleName

PSEUDONYM_KEY = "pseudonym_secret"


async def pseudonym_secret(session: AsyncSession, configured: str | None) -> bytes:
    """The configured key, or one generated once and kept in the database."""
    if configured:
        return configured.encode()
    row = await session.get(AppState, PSEUDONYM_KEY)
    if row is None:
        row = AppState(key=PSEUDONYM_KEY, value=secrets.token_hex(32))
        session.add(row)
        await session.flush()
    return row.value.encode()


def make_pseudonym(secret: bytes, platform: str, external_id: str) -> str:
    """A keyed, stable pseudonym: the same person always maps to it, nobody can reverse it."""
    digest = hmac.new(secret, f"{platform}:{external_id}".encode(), hashlib.sha256).hexdigest()
    return "p-" + digest[:16]


async def get_person(session: AsyncSession, platform: str, external_id: str) -> Person | None:
    person: Person | None = await session.scalar(
        select(Person).where(Person.platform == platform, Person.external_id == external_id)
    )
    return person


async def ensure_person(
    session: AsyncSession,
    platform: str,
    external_id: str,
    display_name: str,
    username: str | None,
    now: datetime,
    secret: bytes | Callable[[], Awaitable[bytes]],
) -> Person:
    """The person's row, created on first contact; ``secret`` may be a loader, called only then."""
    person = await get_person(session, platform, external_id)
    if person is None:
        if not isinstance(secret, bytes):
            secret = await secret()
        person = Person(
            platform=platform,
            external_id=external_id,
            display_name=display_name[:255],
            username=username,
            pseudonym=make_pseudonym(secret, platform, external_id),
            created_at=now,
        )
        session.add(person)
        await session.flush()
    else:
        follow_names(person, display_name, username)
    return person


def follow_names(person: Person, display_name: str, username: str | None) -> None:
    """A person's row follows renames of their display name and username."""
    if display_name and person.display_name != display_name:
        person.display_name = display_name[:255]
    if username != person.username:
        person.username = username


async def find_person_by_handle(session: AsyncSession, platform: str, handle: str) -> Person | None:
    """Find someone by @username (Telegram) or by display name (console), case-insensitively."""
    name = handle.removeprefix("@").strip().lower()
    for person in await session.scalars(select(Person).where(Person.platform == platform)):
        if (person.username or "").lower() == name or person.display_name.lower() == name:
            return person
    return None


async def roles_of(session: AsyncSession, person_id: int) -> list[Role]:
    return list(await session.scalars(select(Role).where(Role.person_id == person_id)))


async def grant_role(
    session: AsyncSession, person_id: int, role: RoleName, area_id: int | None, now: datetime
) -> bool:
    """Give a role; False when the person already had it."""
    existing = await session.scalar(
        select(Role).where(
            Role.person_id == person_id,
            Role.role == role,
            Role.area_id.is_(area_id) if area_id is None else Role.area_id == area_id,
        )
    )
    if existing is not None:
        return False
    session.add(Role(person_id=person_id, role=role, area_id=area_id, granted_at=now))
    await session.flush()
    return True


async def revoke_role(session: AsyncSession, person_id: int, role: RoleName, area_id: int | None) -> bool:
    area_clause = Role.area_id.is_(None) if area_id is None else Role.area_id == area_id
    result = await session.execute(
        delete(Role).where(Role.person_id == person_id, Role.role == role, area_clause)
    )
    return bool(getattr(result, "rowcount", 0))


async def is_coordinator_of(session: AsyncSession, person_id: int, area_id: int) -> bool:
    row = await session.scalar(
        select(Role.id).where(
            Role.person_id == person_id, Role.role == RoleName.COORDINATOR, Role.area_id == area_id
        )
    )
    return row is not None


async def has_role(session: AsyncSession, person_id: int, role: RoleName) -> bool:
    row = await session.scalar(select(Role.id).where(Role.person_id == person_id, Role.role == role))
    return row is not None
