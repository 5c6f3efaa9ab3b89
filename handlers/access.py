"""Who is speaking, where, and what they may do: resolved once per update, by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import Services
from handlers.types import Incoming
from storage.audit import remember_member
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
