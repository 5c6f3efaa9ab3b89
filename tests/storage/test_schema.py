"""The migrated database is exactly what the models describe (so autogenerate would change nothing)."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.model_modules import MODEL_MODULES, import_all
from storage.models import Base

STORAGE = Path(__file__).resolve().parents[2] / "storage"


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_equals_the_models(db_url: str) -> None:
    import_all()
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


def _defines_tables(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) == "Base" for b in node.bases)
        for node in ast.walk(tree)
    )


def test_alembic_sees_every_module_with_tables() -> None:
    with_tables = {f"storage.{p.stem}" for p in STORAGE.glob("*.py") if _defines_tables(p)}
    assert with_tables and with_tables <= set(MODEL_MODULES)
