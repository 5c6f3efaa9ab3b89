"""The web dashboard: one-time login tokens and server-side sessions (both stored as hashes), and
how a closed report ended (``reports.outcome``: loos alarm, opgelost, aangehouden, onbekend).

Revision ID: 0018_dashboard
Revises: 0017_statistics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_dashboard"
down_revision = "0017_statistics"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
    op.create_table(
        "dashboard_login_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _person(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False, index=True),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
        _person(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False, index=True),
        sa.Column("ended_at", TS, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_login_tokens")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("outcome")
