"""The harness itself: Chromium reaches the bot's web app, and screenshots land at both widths."""

from __future__ import annotations

import json

from playwright.async_api import Page

from tests.browser.conftest import Site, screenshot


async def test_the_browser_reads_the_bots_health_page(site: Site, page: Page) -> None:
    response = await page.goto(f"{site.url}/healthz")
    assert response is not None and response.status == 200
    body = json.loads(await page.inner_text("body"))
    assert body == {"status": "ok", "database": "ok"}
    shots = await screenshot(page, "healthz")
    assert [path.name for path in shots] == ["healthz-phone.png", "healthz-desk.png"]
    assert all(path.stat().st_size > 1000 and path.read_bytes()[:4] == b"\x89PNG" for path in shots)
