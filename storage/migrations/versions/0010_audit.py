"""The audit table (every refusal) and chat membership (who was seen in which group).

Revision ID: 0010_audit
Revises: 0009_places
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_audit"
down_revision = "0009_places"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", TS, nullable=False, index=True),
        sa.Column("who", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="SET NULL")),
        sa.Column("place", sa.String(160), nullable=False),
        sa.Column("action", sa.String(120), nullable=False),
        sa.Column("reason", sa.String(80), nullable=False),
    )
    op.create_table(
        "chat_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("first_seen", TS, nullable=False),
        sa.UniqueConstraint("chat_id", "person_id", name="uq_chat_members"),
    )


def downgrade() -> None:
    op.drop_table("chat_members")
    op.drop_table("audit")
