"""Who is speaking, where, and what they may do: resolved once per update."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import Services
from handlers.types import Incoming
from storage.audit import remember_member
from storage.cache import CachedChat, CachedPerson, RowCache, row_cache
from storage.chats import ensure_chat
from storage.models import Chat, Person, Role, RoleName
from storage.people import ensure_person, pseudonym_secret, roles_of


class Audience(StrEnum):
    EVERYONE = "everyone"
    GROUP_ADMIN = "group_admin"  # admins of this group, coordinators of its area, beheerders
    COORDINATOR = "coordinator"  # coordinators (any area) and beheerders
    BEHEERDER = "beheerder"


@dataclass(frozen=True)
class Actor:
    chat: Chat
    person: Person | None
    roles: tuple[Role, ...]
    is_beheerder: bool
    is_chat_admin: bool

    def coordinates(self, area_id: int | None) -> bool:
        return self.is_beheerder or any(
            r.role == RoleName.COORDINATOR and r.area_id == area_id for r in self.roles
        )

    @property
    def is_coordinator(self) -> bool:
        return self.is_beheerder or any(r.role == RoleName.COORDINATOR for r in self.roles)

    def may(self, audience: Audience) -> bool:
        match audience:
            case Audience.EVERYONE:
                return True
            case Audience.GROUP_ADMIN:
                return self.is_chat_admin or self.coordinates(self.chat.area_id)
            case Audience.COORDINATOR:
                return self.is_coordinator
            case Audience.BEHEERDER:
                return self.is_beheerder


async def resolve_actor(session: AsyncSession, incoming: Incoming, services: Services) -> Actor:
    """Find or create the chat and the person, with their roles."""
    chat, person = await ensure_rows(session, incoming, services)
    if incoming.sender is None or person is None:
        return Actor(chat, None, (), False, False)
    sender = incoming.sender
    roles = tuple(await roles_of(session, person.id))
    is_beheerder = services.settings.is_beheerder(incoming.platform, sender.external_id) or any(
        r.role == RoleName.BEHEERDER for r in roles
    )
    return Actor(chat, person, roles, is_beheerder, sender.is_chat_admin)


async def ensure_rows(
    session: AsyncSession, incoming: Incoming, services: Services
) -> tuple[Chat, Person | None]:
    """The chat's row and the sender's, created on first contact; names follow renames."""
    now = services.clock.now()
    chat = await ensure_chat(
        session, incoming.platform, incoming.chat_id, incoming.chat_kind, incoming.chat_title, now
    )
    if incoming.sender is None:
        return chat, None
    sender = incoming.sender
    configured = services.settings.pseudonym_secret

    async def secret() -> bytes:  # only needed for a new person: saves a select per update
        return await pseudonym_secret(session, configured.get_secret_value() if configured else None)

    person = await ensure_person(
        session, incoming.platform, sender.external_id, sender.display_name, sender.username, now, secret
    )
    if incoming.is_group and sender.external_id != incoming.chat_id:  # not an anonymous admin
        await remember_member(session, chat.id, person.id, now)
    return chat, person


@dataclass(frozen=True)
class Known:
    """What the row cache knows of this update's chat and sender (see storage/cache.py)."""

    chat: CachedChat
    person: CachedPerson | None


def known_rows(cache: RowCache, incoming: Incoming) -> Known | None:
    """The cached chat and sender when both rows exist exactly as ``ensure_rows`` would leave them
    (same title, name and username), else None."""
    chat = cache.chat(incoming.platform, incoming.chat_id)
    if chat is None or (incoming.chat_title and chat.title != incoming.chat_title):
        return None
    sender = incoming.sender
    if sender is None:
        return Known(chat, None)
    person = cache.person(incoming.platform, sender.external_id)
    if person is None or person.username != sender.username:
        return None
    if sender.display_name and person.display_name != sender.display_name[:255]:
        return None
    return Known(chat, person)


def known(incoming: Incoming, services: Services) -> Known | None:
    """:func:`known_rows` for handlers that only need ids, locales or the area: no database."""
    cache = row_cache(services.db)
    return known_rows(cache, incoming) if cache is not None else None
