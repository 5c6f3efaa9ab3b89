"""Areas become places: CBS code, parent (buurt in wijk), GeoJSON geometry, inhabitants; reports
remember the buurt a shared location lies in.

Revision ID: 0009_places
Revises: 0008_area_link_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_places"
down_revision = "0008_area_link_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.add_column(sa.Column("code", sa.String(12), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("geometry", sa.JSON, nullable=True))
        batch.add_column(sa.Column("inhabitants", sa.Integer, nullable=True))
        batch.create_unique_constraint("uq_areas_code", ["code"])
        batch.create_foreign_key("fk_areas_parent", "areas", ["parent_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_areas_parent_id", ["parent_id"])
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("buurt_code", sa.String(12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("buurt_code")
    with op.batch_alter_table("areas") as batch:
        batch.drop_index("ix_areas_parent_id")
        batch.drop_constraint("fk_areas_parent", type_="foreignkey")
        batch.drop_constraint("uq_areas_code", type_="unique")
        for column in ("inhabitants", "geometry", "parent_id", "code"):
            batch.drop_column(column)
