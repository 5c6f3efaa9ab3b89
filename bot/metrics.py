"""``GET /metrics`` in Prometheus text format, through prometheus-client (``METRICS_ENABLED``).

Counters and the latency histogram live in one :class:`Metrics` object per process (its own
registry, so tests and several apps in one process never share numbers); it is the
``Services.observer`` the sender and ``App.handle`` report to. Outbox depth is read from the
database when Prometheus scrapes, by a custom collector, so it is right for every worker at once.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.web import SERVICES
from config.settings import Settings
from handlers.services import Services
from storage.monitoring import oldest_pending, outbox_depth

log = logging.getLogger(__name__)

# Update handling is fast (ms) unless the database is slow; the top buckets show that case.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _OutboxCollector(Collector):
    """Yields the last scrape's database reading (taken asynchronously just before rendering)."""

    def __init__(self) -> None:
        self.depth: dict[str, int] = {}
        self.oldest_age: float | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "buurtbot_outbox_pending", "Outbox rows waiting to be sent, per platform.", labels=["platform"]
        )
        for platform, count in sorted(self.depth.items()):
            depth.add_metric([platform], count)
        yield depth
        age = GaugeMetricFamily(
            "buurtbot_outbox_oldest_pending_seconds", "Age of the oldest pending outbox row (0: none)."
        )
        age.add_metric([], self.oldest_age or 0.0)
        yield age


class Metrics:
    """The process's counters (an :class:`handlers.observer.Observer`) and their exposition."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.deliveries = Counter(
            "buurtbot_outbox_deliveries",
            "Recorded send attempts by outcome (sent, throttled = 429, gone, migrated, transient, permanent)",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.failures = Counter(
            "buurtbot_outbox_failures",
            "Outbox rows given up (refused, chat gone, or out of attempts).",
            ["platform"],
            registry=self.registry,
        )
        self.updates = Histogram(
            "buurtbot_update_seconds",
            "Seconds from an incoming update to its replies being queued.",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._outbox = _OutboxCollector()
        self.registry.register(self._outbox)

    def delivery(self, platform: str, outcome: str, failed: bool) -> None:
        self.deliveries.labels(platform, outcome).inc()
        if failed:
            self.failures.labels(platform).inc()

    def update_handled(self, platform: str, seconds: float) -> None:
        self.updates.labels(platform).observe(seconds)

    async def render(self, services: Services) -> bytes:
        """Read the outbox from the database, then the whole registry in text format."""
        async with services.db() as session:
            self._outbox.depth = await outbox_depth(session)
            oldest = await oldest_pending(session)
        self._outbox.oldest_age = _age(services.clock.now(), oldest)
        return generate_latest(self.registry)


def _age(now: datetime, then: datetime | None) -> float | None:
    if then is None:
        return None
    if then.tzinfo is None and now.tzinfo is not None:
        then = then.replace(tzinfo=now.tzinfo)  # SQLite gives naive UTC back
    return max(0.0, (now - then).total_seconds())


METRICS = web.AppKey("metrics", Metrics)


def add_routes(app: web.Application) -> None:
    """Registered by bot/web.py when METRICS_ENABLED; reuses the services' observer when it is ours."""
    services = app[SERVICES]
    observer = services.observer
    app[METRICS] = observer if isinstance(observer, Metrics) else Metrics()
    app.router.add_get("/metrics", metrics)


def authorised(settings: Settings, request: web.Request) -> bool:
    if settings.metrics_token is None:
        return True  # no token: the reverse proxy keeps /metrics private (deploy/)
    expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
    return hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected)


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    if not authorised(services.settings, request):
        return web.Response(status=401, text="unauthorised\n", headers={"WWW-Authenticate": "Bearer"})
    try:
        body = await request.app[METRICS].render(services)
    except Exception as error:  # the database is away: say so plainly, details go to the log
        log.warning("metrics: database unreachable: %s", type(error).__name__)
        return web.Response(status=503, text="database unreachable\n")
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
