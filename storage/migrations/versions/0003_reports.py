"""Reports: reports, their purgeable suspect details, and one-per-person taps.

Revision ID: 0003_reports
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reports"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("short_id", sa.String(16), unique=True),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="SET NULL"), index=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="SET NULL")),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL"), index=True),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("reporter_pseudonym", sa.String(32), index=True),
        sa.Column("called_112", sa.Boolean),
        sa.Column("occurred_at", TS),
        sa.Column("time_phrase", sa.String(100)),
        sa.Column("street", sa.String(200)),
        sa.Column("house_number", sa.String(20)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False, index=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS),
        sa.Column("suspect_purged_at", TS),
    )
    op.create_table(
        "report_suspects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer,
            sa.ForeignKey("reports.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("person", sa.JSON),
        sa.Column("vehicle", sa.JSON),
        sa.Column("licence_plate", sa.String(16)),
        sa.Column("direction", sa.String(200)),
        sa.Column("free_text", sa.Text),
    )
    op.create_table(
        "report_taps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer,
            sa.ForeignKey("reports.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("pseudonym", sa.String(32), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("report_id", "pseudonym", "kind"),
    )


def downgrade() -> None:
    for table in ("report_taps", "report_suspects", "reports"):
        op.drop_table(table)
