"""Statistics, digest and exports: indexes for the per-wijk/per-period queries, the moment a report
was passed on to the police, and the weekly digest's claim log and opt-outs.

Revision ID: 0017_statistics
Revises: 0016_schema
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_statistics"
down_revision = "0016_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True))
    # /statistiek WIJK PERIODE and the digest read one wijk's (or the city's) reports of a time range:
    # covering indexes, so a year of a wijk or a month of the city is read from the index alone
    # (measured in bench/statistics.py: one random row lookup per report was most of the time).
    # (id too: SQLite keeps the rowid in every index anyway, PostgreSQL needs it for index-only scans)
    stats_columns = ["category", "incident_id", "called_112", "closed_at", "forwarded_at", "id"]
    op.create_index("ix_reports_area_stats", "reports", ["area_id", "created_at", *stats_columns])
    op.create_index("ix_reports_created_stats", "reports", ["created_at", *stats_columns])
    op.create_index("ix_reports_buurt_created", "reports", ["buurt_code", "created_at"])
    # "Open now": the open statuses per area, with incident_id to count incidents from the index.
    op.create_index("ix_reports_open", "reports", ["status", "area_id", "incident_id"])
    op.create_index("ix_broadcasts_created_at", "broadcasts", ["created_at"])
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person_id", "week", name="uq_digest_runs_person_week"),
    )
    op.create_table(
        "digest_opt_outs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digest_opt_outs")
    op.drop_table("digest_runs")
    op.drop_index("ix_broadcasts_created_at", "broadcasts")
    op.drop_index("ix_reports_open", "reports")
    op.drop_index("ix_reports_buurt_created", "reports")
    op.drop_index("ix_reports_created_stats", "reports")
    op.drop_index("ix_reports_area_stats", "reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("forwarded_at")
