"""The browser suite's world: the bot on the fake Bot API, its web app on loopback, headless Chromium.

Debian's ``chromium`` package drives the pages through Playwright (``executable_path``; no browser
download, ever). ``.ci/run`` installs it when it is missing; without it these tests fail loudly, so a
green run always means the pages were really drawn. Screenshots of every page at phone and desk width
go to ``tests/browser/screenshots/<database>/`` (git-ignored); the run's summary prints the folder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.app import App
from bot.web import bound_port
from config.settings import Settings
from handlers.clock import FakeClock
from tests.conftest import DB_KIND
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import telegram_settings
from tests.telegram.runtime import TelegramRuntime

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / DB_KIND
WIDTHS = {"phone": 390, "desk": 1280}
HAVE_CHROMIUM = CHROMIUM.exists()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@dataclass
class Site:
    """The bot's web app as a browser sees it, and the fake Bot API the bot talks to."""

    url: str
    app: App
    fake: FakeTelegram
    clock: FakeClock
    runtime: TelegramRuntime


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=clock.now) as server:
        yield server


@pytest.fixture
async def site(app: App, settings: Settings, fake: FakeTelegram, clock: FakeClock) -> AsyncIterator[Site]:
    """The bot polling the fake Bot API and its web app (the dashboard, /healthz) on 127.0.0.1."""
    runtime = TelegramRuntime(app, telegram_settings(settings, fake))
    await runtime.start()  # long polling serves the web app too (the dashboard's login links)
    try:
        assert runtime.web_runner is not None
        yield Site(f"http://127.0.0.1:{bound_port(runtime.web_runner)}", app, fake, clock, runtime)
    finally:
        await runtime.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        pytest.fail("the browser suite needs Debian's chromium: apt-get install -y chromium (.ci/run does)")
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": WIDTHS["desk"], "height": 900}, locale="nl-NL")
    context.set_default_timeout(10_000)  # a missing element fails in seconds, not half a minute
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


async def screenshot(page: Page, name: str) -> list[Path]:
    """The current page at phone and desk width, full length; returns the files written."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for label, width in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": 900})
        path = SCREENSHOTS / f"{name}-{label}.png"
        await page.screenshot(path=str(path), full_page=True)
        written.append(path)
    await page.set_viewport_size({"width": WIDTHS["desk"], "height": 900})
    return written
