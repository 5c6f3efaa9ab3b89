"""Who is speaking, where, and what they may do: resolved once per update, by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import Services
from handlers.types import Incoming
from storage.audit import remember_member
from storage.chats import ensure_chat, follow_title
from storage.dialogs import live_dialog
from storage.models import Chat, DialogState, Person, Role, RoleName
from storage.people import ensure_person, follow_names, pseudonym_secret, roles_of
from storage.speaker import load_speaker


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
    actor, _ = await resolve(session, incoming, services)
    return actor


async def resolve(
    session: AsyncSession, incoming: Incoming, services: Services
) -> tuple[Actor, DialogState | None]:
    """The actor (chat and person rows created on first contact, names following renames, roles)
    and the person's live dialog in this chat. A chat and sender seen before cost one query."""
    now = services.clock.now()
    sender = incoming.sender
    seen = await load_speaker(
        session, incoming.platform, incoming.chat_id, sender.external_id if sender else None
    )
    if seen is None:  # first contact with this chat
        chat = await ensure_chat(
            session, incoming.platform, incoming.chat_id, incoming.chat_kind, incoming.chat_title, now
        )
    else:
        chat = seen.chat
        follow_title(chat, incoming.chat_title)
    if sender is None:
        return Actor(chat, None, (), False, False), None
    if seen is not None and seen.person is not None:
        person, roles, dialog, member = seen.person, seen.roles, seen.dialog, seen.member
        follow_names(person, sender.display_name, sender.username)
    else:
        # A new chat or a new person: no dialog or membership can exist yet, roles perhaps.
        person = await _ensure_person(session, incoming, services, now)
        roles, dialog, member = tuple(await roles_of(session, person.id)), None, False
    if incoming.is_group and sender.external_id != incoming.chat_id and not member:
        await remember_member(session, chat.id, person.id, now)  # not for an anonymous admin
    is_beheerder = services.settings.is_beheerder(incoming.platform, sender.external_id) or any(
        r.role == RoleName.BEHEERDER for r in roles
    )
    actor = Actor(chat, person, roles, is_beheerder, sender.is_chat_admin)
    return actor, await live_dialog(session, dialog, now)


async def _ensure_person(
    session: AsyncSession, incoming: Incoming, services: Services, now: datetime
) -> Person:
    assert incoming.sender is not None
    sender = incoming.sender
    configured = services.settings.pseudonym_secret

    async def secret() -> bytes:  # only needed for a new person: saves a select per update
        return await pseudonym_secret(session, configured.get_secret_value() if configured else None)

    return await ensure_person(
        session, incoming.platform, sender.external_id, sender.display_name, sender.username, now, secret
    )
