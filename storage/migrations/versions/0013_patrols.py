"""Patrol rounds: teams (in one or more wijken), recurring plans, rounds, sign-ups with numbered
seats (unique per round: the last place goes to one person) and observations.

Revision ID: 0013_patrols
Revises: 0012_relays
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_patrols"
down_revision = "0012_relays"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "patrol_teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "patrol_team_areas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("patrol_teams.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("team_id", "area_id"),
    )
    op.create_index("ix_patrol_team_areas_team_id", "patrol_team_areas", ["team_id"])
    op.create_index("ix_patrol_team_areas_area_id", "patrol_team_areas", ["area_id"])
    op.create_table(
        "patrol_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("patrol_teams.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("joined_at", WHEN, nullable=False),
        sa.UniqueConstraint("team_id", "person_id"),
    )
    op.create_index("ix_patrol_members_team_id", "patrol_members", ["team_id"])
    op.create_index("ix_patrol_members_person_id", "patrol_members", ["person_id"])
    op.create_table(
        "patrol_schedules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("patrol_teams.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="SET NULL"), nullable=True),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("min_walkers", sa.Integer, nullable=False),
        sa.Column("max_walkers", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_patrol_schedules_team_id", "patrol_schedules", ["team_id"])
    op.create_table(
        "patrol_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("patrol_teams.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("area_id", sa.Integer, sa.ForeignKey("areas.id", ondelete="SET NULL"), nullable=True),
        sa.Column(
            "schedule_id",
            sa.Integer,
            sa.ForeignKey("patrol_schedules.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("starts_at", WHEN, nullable=False),
        sa.Column("ends_at", WHEN, nullable=False),
        sa.Column("min_walkers", sa.Integer, nullable=False),
        sa.Column("max_walkers", sa.Integer, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("schedule_id", "starts_at"),
    )
    op.create_index("ix_patrol_rounds_team_id", "patrol_rounds", ["team_id"])
    op.create_index("ix_patrol_rounds_area_id", "patrol_rounds", ["area_id"])
    op.create_index("ix_patrol_rounds_starts_at", "patrol_rounds", ["starts_at"])
    op.create_index("ix_patrol_rounds_status", "patrol_rounds", ["status"])
    op.create_table(
        "patrol_signups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id", sa.Integer, sa.ForeignKey("patrol_rounds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seat", sa.Integer, nullable=True),
        sa.Column("answer", sa.String(8), nullable=False),
        sa.Column("answered_at", WHEN, nullable=False),
        sa.UniqueConstraint("round_id", "person_id"),
        sa.UniqueConstraint("round_id", "seat"),
    )
    op.create_index("ix_patrol_signups_round_id", "patrol_signups", ["round_id"])
    op.create_index("ix_patrol_signups_person_id", "patrol_signups", ["person_id"])
    op.create_table(
        "patrol_observations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id", sa.Integer, sa.ForeignKey("patrol_rounds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),
        sa.Column("observed_at", WHEN, nullable=False),
    )
    op.create_index("ix_patrol_observations_round_id", "patrol_observations", ["round_id"])
    op.create_index("ix_patrol_observations_observed_at", "patrol_observations", ["observed_at"])


def downgrade() -> None:
    for table in (
        "patrol_observations",
        "patrol_signups",
        "patrol_rounds",
        "patrol_schedules",
        "patrol_members",
        "patrol_team_areas",
        "patrol_teams",
    ):
        op.drop_table(table)
