"""Relays to neighbouring wijken: requests with one decision, and where a relayed broadcast came from.

Revision ID: 0012_relays
Revises: 0011_utc
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_relays"
down_revision = "0011_utc"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "relay_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("source_area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="SET NULL")),
        sa.Column(
            "target_area_id",
            sa.Integer,
            sa.ForeignKey("areas.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("decided_at", TS),
        sa.Column("relayed_broadcast_id", sa.Integer),
        sa.UniqueConstraint("subject", "target_area_id", name="uq_relay_subject_target"),
    )
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("relayed_from", sa.String(500)))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("relayed_from")
    op.drop_table("relay_requests")
