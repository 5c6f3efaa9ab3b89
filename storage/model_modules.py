"""Every module that defines tables on :class:`storage.models.Base`, for Alembic and the schema test.

A module that adds a table must be listed here: ``tests/storage/test_schema.py`` fails otherwise
(it compares the migrated database with this metadata, and looks for models outside this list).
"""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "storage.models",
    "storage.alerts",
    "storage.area_links",
    "storage.audit",
    "storage.campaigns",
    "storage.dashboard",
    "storage.digests",
    "storage.inbox",
    "storage.patrols",
    "storage.relays",
    "storage.reports",
    "storage.send_budget",
    "storage.whatsapp",
)


def import_all() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
