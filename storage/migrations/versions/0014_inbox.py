"""Inbox: every delivered update stored raw before it is acknowledged (durable intake).

Revision ID: 0014_inbox
Revises: 0013_patrols
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_inbox"
down_revision = "0013_patrols"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("external_key", sa.String(128), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(80)),
        sa.Column("last_error", sa.String(80)),
        sa.Column("done_at", TS),
        sa.UniqueConstraint("platform", "external_key", name="uq_inbox_platform_key"),
    )
    op.create_index("ix_inbox_due", "inbox", ["state", "next_attempt_at"])
    op.create_index("ix_inbox_done_at", "inbox", ["done_at"])
    # Ids handled just before the upgrade keep deduping: Telegram may still redeliver them.
    op.execute(
        sa.text(
            "INSERT INTO inbox (platform, external_key, payload, received_at, state, attempts,"
            " next_attempt_at, done_at)"
            " SELECT platform, delivery_id, '{}', received_at, 'done', 0, received_at, received_at"
            " FROM processed_deliveries"
        )
    )


def downgrade() -> None:
    op.drop_table("inbox")
