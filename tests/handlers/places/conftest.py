"""Dordrecht's shipped wijken and buurten in the test database, as a fresh install has them."""

from __future__ import annotations

import pytest

from bot.app import App
from storage.places import DEFAULT_PLACE_FILES, import_features, read_features


@pytest.fixture
async def dordrecht(app: App) -> App:
    features = [f for path in DEFAULT_PLACE_FILES for f in read_features(path.read_text(encoding="utf-8"))]
    async with app.services.db() as session:
        await import_features(session, features, app.services.clock.now())
        await session.commit()
    app.services.places.forget()
    return app
