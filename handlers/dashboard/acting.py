"""The dashboard acts through the same handlers as the chat: a viewer becomes the chat's :class:`Actor`.

The actor's chat is the person's private chat with the bot (where the login link came from), so the
progress and final report of an alert sent from the dashboard arrive there, as after ``/alert``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Actor
from handlers.dashboard.viewer import Viewer
from handlers.types import ChatKind
from storage.chats import reachable_private_chat
from storage.models import Chat, Person
from storage.people import roles_of


async def actor_for(session: AsyncSession, viewer: Viewer) -> Actor | None:
    person = await session.get(Person, viewer.person_id)
    if person is None:
        return None
    chat = await reachable_private_chat(session, person)
    if chat is None:
        # Never stored: an alert sent by someone whose chat is gone gets no progress messages.
        chat = Chat(platform=person.platform, external_id=person.external_id, kind=ChatKind.PRIVATE)
    roles = tuple(await roles_of(session, person.id))
    return Actor(chat, person, roles, viewer.is_beheerder, False)
