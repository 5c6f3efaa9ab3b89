"""Foundation: areas, chats, people, roles, dialog state, outbox, sent messages, dedupe.

Revision ID: 0001_foundation
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("postcodes", sa.String(500), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(255)),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="SET NULL"), index=True),
        sa.Column("locale", sa.String(5)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "external_id"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("pseudonym", sa.String(32), nullable=False, index=True),
        sa.Column("locale", sa.String(5)),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "external_id"),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="CASCADE")),
        sa.Column("granted_at", TS, nullable=False),
        sa.UniqueConstraint("person_id", "role", "area_id"),
    )
    op.create_table(
        "dialog_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), index=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.UniqueConstraint("chat_id", "person_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), index=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False, index=True),
        sa.Column("claimed_until", TS),
        sa.Column("broadcast_id", sa.Integer, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.Column("platform_message_id", sa.String(64)),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
        sa.Column("track", sa.String(100), nullable=False),
        sa.Column("platform_message_id", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("chat_id", "track"),
    )
    op.create_table(
        "processed_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("delivery_id", sa.String(128), nullable=False),
        sa.Column("received_at", TS, nullable=False, index=True),
        sa.UniqueConstraint("platform", "delivery_id"),
    )
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "app_state",
        "processed_deliveries",
        "sent_messages",
        "outbox",
        "dialog_states",
        "roles",
        "people",
        "chats",
        "areas",
    ):
        op.drop_table(table)
