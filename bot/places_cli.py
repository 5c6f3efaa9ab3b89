"""``buurtbot areas import|inwoners`` and the first-install seeding of the municipality's places."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from config.settings import Settings
from handlers.clock import SystemClock
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.places import (
    DEFAULT_PLACE_FILES,
    PlaceFeature,
    PlacesFileError,
    has_places,
    import_features,
    read_features,
    read_inhabitants,
    set_inhabitants,
)


def seed_files(settings: Settings) -> tuple[Path, ...]:
    value = settings.places_seed.strip()
    if not value:
        return ()
    if value.lower() == "dordrecht":
        return DEFAULT_PLACE_FILES
    return tuple(Path(part.strip()) for part in value.split(",") if part.strip())


def migrate_and_seed(settings: Settings) -> None:
    """Upgrade the schema; a database without any CBS place gets the configured ones, once."""
    upgrade(settings.database_url)
    files = seed_files(settings)
    if files:
        asyncio.run(_import(settings, _read(files), only_if_empty=True))


def _read(files: tuple[Path, ...]) -> list[PlaceFeature]:
    return [f for path in files for f in read_features(path.read_text(encoding="utf-8"))]


async def _import(settings: Settings, features: list[PlaceFeature], *, only_if_empty: bool) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            if only_if_empty and await has_places(session):
                return "kept"
            result = await import_features(session, features, SystemClock().now())
            await session.commit()
            return f"{result.created} new, {result.updated} updated, {result.adopted} adopted"
    finally:
        await engine.dispose()


def cmd_areas(args: argparse.Namespace, settings: Settings) -> int:
    """Import CBS wijken/buurten from GeoJSON, or inhabitants per CBS code from CSV."""
    upgrade(settings.database_url)
    path = Path(args.file)
    try:
        if args.action == "import":
            summary = asyncio.run(_import(settings, _read((path,)), only_if_empty=False))
        else:
            counts = read_inhabitants(path.read_text(encoding="utf-8-sig"))
            summary = asyncio.run(_inhabitants(settings, counts))
    except (OSError, UnicodeDecodeError, PlacesFileError) as exc:
        print(f"{path}: {exc}")
        return 2
    print(f"{path}: {summary}")
    return 0


async def _inhabitants(settings: Settings, counts: dict[str, int]) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            found = await set_inhabitants(session, counts)
            await session.commit()
    finally:
        await engine.dispose()
    return f"{found} of {len(counts)} codes found"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    areas = sub.add_parser("areas", help="import CBS wijken/buurten (GeoJSON) or inhabitants (CSV)")
    areas.add_argument("action", choices=("import", "inwoners"))
    areas.add_argument("file", help="a CBS GeoJSON file (import) or CSV 'code,inwoners' (inwoners)")
    areas.set_defaults(func=cmd_areas)
