"""WhatsApp: area subscriptions, forward kits, the 24 h window per number, sent-message statuses.

Revision ID: 0006_whatsapp
Revises: 0005_campaigns
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_whatsapp"
down_revision = "0005_campaigns"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "area_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column(
            "area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("chat_id", "area_id"),
    )
    op.create_table(
        "forward_kits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "group_chat_id",
            sa.Integer,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "coordinator_chat_id",
            sa.Integer,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("group_chat_id", "coordinator_chat_id"),
    )
    op.create_table(
        "whatsapp_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("wa_id", sa.String(64), nullable=False, unique=True),
        sa.Column("last_inbound_at", TS, nullable=False),
        sa.Column("menu", sa.JSON),
    )
    op.create_table(
        "whatsapp_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("wamid", sa.String(128), unique=True),
        sa.Column("recipient", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error_code", sa.Integer),
        sa.Column("error_title", sa.String(300)),
        sa.Column("created_at", TS, nullable=False, index=True),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_messages")
    op.drop_table("whatsapp_contacts")
    op.drop_table("forward_kits")
    op.drop_table("area_subscriptions")
