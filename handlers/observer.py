"""What the bot tells its monitoring: a tiny protocol, so sending and handling stay metric-library free.

``bot/metrics.py`` implements it with prometheus-client (``METRICS_ENABLED``); everywhere else the
no-op :class:`NoObserver` stands in, so a hook costs one method call.
"""

from __future__ import annotations

from typing import Protocol


class Observer(Protocol):
    def delivery(self, platform: str, outcome: str, failed: bool) -> None:
        """One recorded send attempt: ``outcome`` is sent/throttled/gone/migrated/transient/permanent;
        ``failed`` when the row is now given up."""

    def update_handled(self, platform: str, seconds: float) -> None:
        """One incoming update routed and its replies queued, in ``seconds``."""


class NoObserver:
    def delivery(self, platform: str, outcome: str, failed: bool) -> None:
        return None

    def update_handled(self, platform: str, seconds: float) -> None:
        return None
