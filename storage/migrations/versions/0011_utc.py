"""Report times stored in local time on SQLite become UTC, like every other moment.

Before 0011 a time a resident named ("om 08.39", "gisteravond") was an aware local datetime, and
SQLite kept its wall-clock digits without the offset; reading it back as UTC put it an hour or two
off. Those rows are exactly the ones with a ``time_phrase`` (a report's "Nu" and created-at times
were already UTC). They are read as wall-clock time in ``TIMEZONE`` (the setting, default
Europe/Amsterdam) and rewritten in UTC. PostgreSQL's ``timestamptz`` kept the offset: nothing to do.

Revision ID: 0011_utc
Revises: 0010_audit
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0011_utc"
down_revision = "0010_audit"
branch_labels = None
depends_on = None

_REPORTS = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("occurred_at", sa.DateTime()),
    sa.column("time_phrase", sa.String()),
)


def _zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("TIMEZONE") or "Europe/Amsterdam")


def _rewrite(convert: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    zone = _zone()
    rows = bind.execute(
        sa.select(_REPORTS.c.id, _REPORTS.c.occurred_at).where(
            _REPORTS.c.time_phrase.is_not(None), _REPORTS.c.occurred_at.is_not(None)
        )
    ).all()
    for row_id, stored in rows:
        moment: datetime = stored
        if convert == "to_utc":
            new = moment.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        else:
            new = moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        bind.execute(sa.update(_REPORTS).where(_REPORTS.c.id == row_id).values(occurred_at=new))


def upgrade() -> None:
    _rewrite("to_utc")


def downgrade() -> None:
    _rewrite("to_local")
