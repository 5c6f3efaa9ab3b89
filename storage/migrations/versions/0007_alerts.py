"""Alerts: the broadcast audit log, and the outbox claim owner for shared sender workers.

Revision ID: 0007_alerts
Revises: 0006_whatsapp
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_alerts"
down_revision = "0006_whatsapp"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL"), index=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("alert_type", sa.String(60)),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("area_ids", sa.JSON, nullable=False),
        sa.Column("area_names", sa.String(500), nullable=False, server_default=""),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("scheduled_for", TS),
        sa.Column("confirmed_at", TS),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("delivered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("progress_at", TS),
        sa.Column("finished_at", TS),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(40)))
        batch.create_index("ix_outbox_due", ["status", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_due")
        batch.drop_column("claimed_by")
    op.drop_table("broadcasts")
