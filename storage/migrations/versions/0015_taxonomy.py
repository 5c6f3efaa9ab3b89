"""One taxonomy: stored report categories move to the fixed ids, "happening now" gets its own column.

verdacht → verdachte_situatie, inbraak_bezig → inbraak (in_progress true), inbraak_achteraf →
inbraak (in_progress false), online_oplichting → online_fraude, brand_ongeval → brand_of_ongeval.

Revision ID: 0015_taxonomy
Revises: 0014_inbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_taxonomy"
down_revision = "0014_inbox"
branch_labels = None
depends_on = None

# old id → (new id, in_progress)
FORWARD: tuple[tuple[str, str, bool | None], ...] = (
    ("verdacht", "verdachte_situatie", None),
    ("inbraak_bezig", "inbraak", True),
    ("inbraak_achteraf", "inbraak", False),
    ("online_oplichting", "online_fraude", None),
    ("brand_ongeval", "brand_of_ongeval", None),
)
# New ids with no old counterpart fall back to the nearest old one (or "anders") on downgrade.
BACKWARD: tuple[tuple[str, str], ...] = (
    ("verdachte_situatie", "verdacht"),
    ("online_fraude", "online_oplichting"),
    ("brand_of_ongeval", "brand_ongeval"),
    ("geweld", "anders"),
    ("drugs", "anders"),
    ("straatintimidatie", "anders"),
)

reports = sa.table("reports", sa.column("category", sa.String), sa.column("in_progress", sa.Boolean))


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("in_progress", sa.Boolean, nullable=True))
    for old, new, in_progress in FORWARD:
        values: dict[str, object] = {"category": new}
        if in_progress is not None:
            values["in_progress"] = in_progress
        op.execute(reports.update().where(reports.c.category == old).values(**values))


def downgrade() -> None:
    op.execute(
        reports.update()
        .where(reports.c.category == "inbraak", reports.c.in_progress.is_(True))
        .values(category="inbraak_bezig")
    )
    op.execute(reports.update().where(reports.c.category == "inbraak").values(category="inbraak_achteraf"))
    for new, old in BACKWARD:
        op.execute(reports.update().where(reports.c.category == new).values(category=old))
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("in_progress")
