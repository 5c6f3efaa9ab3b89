"""Schema drift fixed, and the send budget shared by sender workers.

- ``roles.person_id``, ``dialog_states.person_id`` and ``outbox.chat_id`` were nullable in the
  database but not in the models (the code never writes NULL there): rows with NULL, which nothing
  can use, are removed and the columns become NOT NULL.
- ``ix_outbox_due`` existed only in the database: it is now in the models too (nothing to do here).
- ``send_budget``: one row per budget key (overall, per chat, per group, 429 blocks) with its GCRA
  arrival time, so several sender workers share Telegram's per-token limits (storage/send_budget.py).

Revision ID: 0016_schema
Revises: 0015_taxonomy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_schema"
down_revision = "0015_taxonomy"
branch_labels = None
depends_on = None

_NOT_NULL = (("roles", "person_id"), ("dialog_states", "person_id"), ("outbox", "chat_id"))


def upgrade() -> None:
    for table, column in _NOT_NULL:
        op.execute(sa.text(f"DELETE FROM {table} WHERE {column} IS NULL"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=False)
    op.create_table(
        "send_budget",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    for table, column in _NOT_NULL:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=True)
