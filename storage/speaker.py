"""Everything the dispatcher needs about who wrote an update, in one query.

The chat, the sender, the sender's roles, their dialog in this chat and whether they are a known
member of it: one SELECT with outer joins instead of five statements, because on SQLite every
statement of the handling transaction is a round trip through the driver's thread while the
process's single writer turn is held. First contact (no chat row yet) takes the ordinary path.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import ChatMember
from storage.models import Chat, DialogState, Person, Role

# Built once with bound parameters: constructing it anew for every update cost about as much CPU
# as running it (SQLAlchemy's statement building and cache-key walk), ~0.5 ms per update here.
_SPEAKER = (
    select(Chat, Person, Role, DialogState, ChatMember.id)
    .select_from(Chat)
    .outerjoin(
        Person, and_(Person.platform == bindparam("platform"), Person.external_id == bindparam("person"))
    )
    .outerjoin(Role, Role.person_id == Person.id)
    .outerjoin(DialogState, and_(DialogState.chat_id == Chat.id, DialogState.person_id == Person.id))
    .outerjoin(ChatMember, and_(ChatMember.chat_id == Chat.id, ChatMember.person_id == Person.id))
    .where(Chat.platform == bindparam("platform"), Chat.external_id == bindparam("chat"))
)


@dataclass(frozen=True)
class Seen:
    chat: Chat
    person: Person | None  # None: this sender has no row yet (or the update has no sender)
    roles: tuple[Role, ...]
    dialog: DialogState | None  # maybe expired: the caller decides
    member: bool  # a chat_members row exists for (chat, person)


async def load_speaker(
    session: AsyncSession, platform: str, chat_external_id: str, person_external_id: str | None
) -> Seen | None:
    """The rows of this chat and sender, or None when the chat has no row yet."""
    if person_external_id is None:
        chat = await session.scalar(
            select(Chat).where(Chat.platform == platform, Chat.external_id == chat_external_id)
        )
        return None if chat is None else Seen(chat, None, (), None, False)
    params = {"platform": platform, "chat": chat_external_id, "person": person_external_id}
    rows = (await session.execute(_SPEAKER, params)).all()
    if not rows:
        return None
    chat, person, _, dialog, member = rows[0]
    roles = tuple(dict.fromkeys(row[2] for row in rows if row[2] is not None))
    return Seen(chat, person, roles, dialog, member is not None)
