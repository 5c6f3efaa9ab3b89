"""Fixtures for tests/bot: the hostile-input web servers are cleaned up after each test."""

from __future__ import annotations

from tests.bot.web_support import servers

__all__ = ["servers"]
