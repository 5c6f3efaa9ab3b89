"""Area link requests: a plain group admin asks, a coordinator of the area (or a beheerder) decides.

Revision ID: 0008_area_link_requests
Revises: 0007_alerts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_area_link_requests"
down_revision = "0007_alerts"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "area_link_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
    )


def downgrade() -> None:
    op.drop_table("area_link_requests")
