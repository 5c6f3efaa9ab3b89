"""Core tables: areas, chats, people, roles, dialog state, outbox, sent messages, dedupe.

Feature modules (``storage/reports.py`` …) add their own tables on the same :class:`Base`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back aware in UTC, on every database.

    Why: SQLite has no time zone type; SQLAlchemy writes an aware value's wall-clock digits and
    drops the offset, and reads them back naive. A moment in local time (a report's "om 08.39")
    then came back an hour or more off. Converting on the way in and tagging UTC on the way out
    makes SQLite behave like PostgreSQL's ``timestamptz``. A naive value is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JSON}


class RoleName(StrEnum):
    RESIDENT = "bewoner"
    COORDINATOR = "coordinator"
    BEHEERDER = "beheerder"
    # The municipal safety team: statistics and exports of every wijk, never report texts or people.
    GEMEENTE = "gemeente"


class Area(Base):
    """A wijk or buurt; groups are linked to one, alerts and statistics are per area."""

    __tablename__ = "areas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), unique=True)  # normalised name, for look-ups
    kind: Mapped[str] = mapped_column(String(20), default="wijk")
    postcodes: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    # CBS code (WK0505xx for a wijk, BU0505xxxx for a buurt): imports match on it, exports carry it.
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # GeoJSON, WGS84
    inhabitants: Mapped[int | None] = mapped_column(Integer)


class Chat(Base):
    """A chat the bot is in: a group or a private chat, on one platform."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(255))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Person(Base):
    """Someone who talked to the bot. Raw platform ids live only here; elsewhere the pseudonym."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    pseudonym: Mapped[str] = mapped_column(String(32), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime]


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("person_id", "role", "area_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime]


class DialogState(Base):
    """A multi-step conversation of one person in one chat; survives restarts and workers."""

    __tablename__ = "dialog_states"
    __table_args__ = (UniqueConstraint("chat_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime]


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """Every outgoing message is a row before it is sent (crash-safe, exactly-once per key)."""

    __tablename__ = "outbox"
    # The senders' question "which pending rows are due?" (claims, the simple drain).
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    # A sender worker's lease: other workers skip the row until it expires (crash → reclaimed).
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    broadcast_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class SentMessage(Base):
    """The platform id of a tracked message (e.g. a report card), so later replies can edit it."""

    __tablename__ = "sent_messages"
    __table_args__ = (UniqueConstraint("chat_id", "track"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(100))
    platform_message_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class ProcessedDelivery(Base):
    """Platform delivery ids already handled (Telegram update_id, WhatsApp wamid): process once."""

    __tablename__ = "processed_deliveries"
    __table_args__ = (UniqueConstraint("platform", "delivery_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(index=True)


class AppState(Base):
    """Small key/value facts the deployment keeps (e.g. a generated pseudonym key)."""

    __tablename__ = "app_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
