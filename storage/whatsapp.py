"""WhatsApp state: area subscriptions, forward kits, the 24 h window per number, sent-message statuses.

Subscriptions and forward kits point at ``chats`` rows, so they are platform-neutral: a private
Telegram chat could subscribe too. Everything WhatsApp-only is keyed by the number (``wa_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Area, Base, Chat

WINDOW = timedelta(hours=24)


class AreaSubscription(Base):
    """A private chat that asked for an area's alerts (``aanmelden WIJK``); STOP deletes the rows."""

    __tablename__ = "area_subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "area_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class ForwardKit(Base):
    """A coordinator who forwards alerts into a WhatsApp group the bot cannot join."""

    __tablename__ = "forward_kits"
    __table_args__ = (UniqueConstraint("group_chat_id", "coordinator_chat_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    coordinator_chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class WhatsAppContact(Base):
    """The last message a number sent us (opens the 24 h window) and its open numbered menu."""

    __tablename__ = "whatsapp_contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wa_id: Mapped[str] = mapped_column(String(64), unique=True)
    last_inbound_at: Mapped[datetime]
    menu: Mapped[list[str] | None] = mapped_column(JSON)  # button data, in the order shown


class WhatsAppMessage(Base):
    """One send attempt and what became of it: accepted, sent, delivered, read or failed (+ code)."""

    __tablename__ = "whatsapp_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wamid: Mapped[str | None] = mapped_column(String(128), unique=True)  # None when Meta refused it
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # text, interactive, template, location
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[int | None]
    error_title: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


# -- subscriptions ----------------------------------------------------------------------------------
async def subscribe(session: AsyncSession, chat_id: int, area_id: int, now: datetime) -> bool:
    """True when new; subscribing twice is harmless."""
    try:
        async with session.begin_nested():
            session.add(AreaSubscription(chat_id=chat_id, area_id=area_id, created_at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def unsubscribe_all(session: AsyncSession, chat_id: int) -> int:
    result = await session.execute(delete(AreaSubscription).where(AreaSubscription.chat_id == chat_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def subscribed_areas(session: AsyncSession, chat_id: int) -> list[Area]:
    rows = await session.scalars(
        select(Area)
        .join(AreaSubscription, AreaSubscription.area_id == Area.id)
        .where(AreaSubscription.chat_id == chat_id)
        .order_by(Area.name)
    )
    return list(rows)


async def subscriber_chats(session: AsyncSession, area_ids: list[int]) -> list[Chat]:
    """Active chats subscribed to any of the areas, each once."""
    rows = await session.scalars(
        select(Chat)
        .where(
            Chat.id.in_(select(AreaSubscription.chat_id).where(AreaSubscription.area_id.in_(area_ids))),
            Chat.active.is_(True),
        )
        .order_by(Chat.id)
    )
    return list(rows)


# -- forward kits ---------------------------------------------------------------------------------
async def add_forward_kit(
    session: AsyncSession, group_chat_id: int, coordinator_chat_id: int, person_id: int, now: datetime
) -> bool:
    try:
        async with session.begin_nested():
            session.add(
                ForwardKit(
                    group_chat_id=group_chat_id,
                    coordinator_chat_id=coordinator_chat_id,
                    person_id=person_id,
                    created_at=now,
                )
            )
            await session.flush()
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class KitRecipient:
    group: Chat  # the WhatsApp group (kind whatsapp-group), for its name
    coordinator_chat: Chat  # where the kit goes


async def forward_kit_recipients(session: AsyncSession, area_ids: list[int]) -> list[KitRecipient]:
    group = Chat.__table__.alias("kit_group")
    rows = await session.execute(
        select(ForwardKit.group_chat_id, ForwardKit.coordinator_chat_id)
        .join(group, group.c.id == ForwardKit.group_chat_id)
        .where(group.c.area_id.in_(area_ids), group.c.active.is_(True))
        .order_by(ForwardKit.id)
    )
    recipients = []
    for group_id, coordinator_id in rows.all():
        group_chat, coordinator = await session.get(Chat, group_id), await session.get(Chat, coordinator_id)
        if group_chat is not None and coordinator is not None and coordinator.active:
            recipients.append(KitRecipient(group_chat, coordinator))
    return recipients


async def drop_kits_of_person(session: AsyncSession, person_id: int) -> int:
    result = await session.execute(delete(ForwardKit).where(ForwardKit.person_id == person_id))
    return int(getattr(result, "rowcount", 0) or 0)


# -- the 24 h customer-service window -------------------------------------------------------------
async def get_contact(session: AsyncSession, wa_id: str) -> WhatsAppContact | None:
    contact: WhatsAppContact | None = await session.scalar(
        select(WhatsAppContact).where(WhatsAppContact.wa_id == wa_id)
    )
    return contact


async def record_inbound(session: AsyncSession, wa_id: str, at: datetime) -> WhatsAppContact:
    """A message from the number: the window runs 24 h from its latest message."""
    contact = await get_contact(session, wa_id)
    if contact is None:
        contact = WhatsAppContact(wa_id=wa_id, last_inbound_at=at, menu=None)
        session.add(contact)
        await session.flush()
    elif _aware(contact.last_inbound_at) < at:
        contact.last_inbound_at = at
    return contact


async def window_open(session: AsyncSession, wa_id: str, now: datetime) -> bool:
    contact = await get_contact(session, wa_id)
    return contact is not None and now - _aware(contact.last_inbound_at) < WINDOW


async def set_menu(session: AsyncSession, wa_id: str, options: list[str] | None, now: datetime) -> None:
    contact = await get_contact(session, wa_id)
    if contact is None:
        if not options:
            return
        # A menu to someone who never wrote to us (a template send does not carry menus; be safe).
        contact = WhatsAppContact(wa_id=wa_id, last_inbound_at=now - WINDOW, menu=options)
        session.add(contact)
    else:
        contact.menu = options or None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- sent messages and their statuses -------------------------------------------------------------
_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3}


async def record_send(
    session: AsyncSession,
    recipient: str,
    kind: str,
    now: datetime,
    wamid: str | None,
    error_code: int | None = None,
    error_title: str | None = None,
) -> None:
    status = "accepted" if wamid else "failed"
    session.add(
        WhatsAppMessage(
            wamid=wamid,
            recipient=recipient,
            kind=kind,
            status=status,
            error_code=error_code,
            error_title=(error_title or "")[:300] or None,
            created_at=now,
            updated_at=now,
        )
    )
    await session.flush()


async def record_status(
    session: AsyncSession,
    wamid: str,
    status: str,
    recipient: str,
    at: datetime,
    error_code: int | None,
    error_title: str | None,
) -> None:
    """Apply a status webhook. Webhooks arrive out of order: "read" is never downgraded to "sent"."""
    row: WhatsAppMessage | None = await session.scalar(
        select(WhatsAppMessage).where(WhatsAppMessage.wamid == wamid)
    )
    if row is None:  # a status for a send we did not record (another installation, or lost): keep it
        row = WhatsAppMessage(
            wamid=wamid, recipient=recipient, kind="?", status=status, created_at=at, updated_at=at
        )
        session.add(row)
    elif status == "failed" or _RANK.get(status, -1) > _RANK.get(row.status, 99):
        row.status = status
    row.updated_at = at
    if error_code is not None:
        row.error_code, row.error_title = error_code, (error_title or "")[:300] or None
    await session.flush()


async def template_recipients_since(session: AsyncSession, since: datetime) -> set[str]:
    """Numbers reached with a (business-initiated) template since ``since``: the messaging limit."""
    rows = await session.scalars(
        select(WhatsAppMessage.recipient)
        .where(
            WhatsAppMessage.kind == "template",
            WhatsAppMessage.wamid.is_not(None),
            WhatsAppMessage.created_at >= since,
        )
        .distinct()
    )
    return set(rows)


async def oldest_template_send_since(session: AsyncSession, since: datetime) -> datetime | None:
    oldest = await session.scalar(
        select(func.min(WhatsAppMessage.created_at)).where(
            WhatsAppMessage.kind == "template",
            WhatsAppMessage.wamid.is_not(None),
            WhatsAppMessage.created_at >= since,
        )
    )
    return _aware(oldest) if isinstance(oldest, datetime) else None


async def statuses_of(session: AsyncSession, wamids: list[str]) -> dict[str, tuple[str, int | None]]:
    """wamid → (latest status, error code): for delivery reports (outbox rows keep the wamid)."""
    rows = await session.execute(
        select(WhatsAppMessage.wamid, WhatsAppMessage.status, WhatsAppMessage.error_code).where(
            WhatsAppMessage.wamid.in_(wamids)
        )
    )
    return {wamid: (status, code) for wamid, status, code in rows.tuples() if wamid is not None}


async def messages_to(session: AsyncSession, recipient: str) -> list[WhatsAppMessage]:
    rows = await session.scalars(
        select(WhatsAppMessage).where(WhatsAppMessage.recipient == recipient).order_by(WhatsAppMessage.id)
    )
    return list(rows)


async def forget_number(session: AsyncSession, wa_id: str) -> None:
    """Erase what we keep about a number (for /vergeetmij): window, menu and send history."""
    await session.execute(delete(WhatsAppContact).where(WhatsAppContact.wa_id == wa_id))
    await session.execute(delete(WhatsAppMessage).where(WhatsAppMessage.recipient == wa_id))
