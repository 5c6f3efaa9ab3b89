"""Campaigns: state per area, per-group opt-out, run log (one row per campaign run).

Revision ID: 0005_campaigns
Revises: 0003_reports
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_campaigns"
down_revision = "0003_reports"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaign_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.String(40), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="CASCADE")),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("campaign_id", "scope"),
    )
    op.create_table(
        "campaign_opt_outs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "campaign_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.String(40), nullable=False),
        sa.Column("run_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("posts", sa.Integer, nullable=False),
        sa.UniqueConstraint("campaign_id", "run_at"),
    )


def downgrade() -> None:
    op.drop_table("campaign_runs")
    op.drop_table("campaign_opt_outs")
    op.drop_table("campaign_states")
