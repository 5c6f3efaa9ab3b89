"""The one aiohttp web application of a bot process: webhooks of every platform, ``/healthz``, Open311
and the dashboard.

An app factory: each platform adds its routes through a *route adder* (Telegram adds
``POST /webhook/telegram``, WhatsApp ``/webhook/whatsapp``), so the server runs once, on the bot's own
event loop (``AppRunner``/``TCPSite``), next to polling loops, the outbox sender and the scheduler.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from sqlalchemy import text

from bot.log_limit import limit_repeats
from bot.web_guard import BUSY, DEFAULT_LIMITS, GuardedRunner, WebLimits, guard_middleware
from handlers.services import Services
from storage.health import write_heartbeat

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # webhook bodies are small; anything bigger is refused with 413
SERVICES = web.AppKey("services", Services)
LIMITS = web.AppKey("limits", WebLimits)

RouteAdder = Callable[[web.Application], None]


def build_web_app(
    services: Services,
    route_adders: Sequence[RouteAdder] = (),
    max_body: int = MAX_BODY,
    limits: WebLimits = DEFAULT_LIMITS,
) -> web.Application:
    app = web.Application(client_max_size=max_body, middlewares=[guard_middleware(limits)])
    app[SERVICES] = services
    app[LIMITS] = limits
    app[BUSY] = set()
    app.router.add_get("/healthz", healthz)
    from bot.open311 import add_routes as add_open311_routes  # here: bot.open311 reads SERVICES

    add_open311_routes(app)
    if services.settings.metrics_enabled:
        from bot.metrics import add_routes as add_metrics_routes  # here: bot.metrics reads SERVICES

        add_metrics_routes(app)
    from bot.dashboard.routes import add_routes as add_dashboard_routes  # reads SERVICES too

    add_dashboard_routes(app)
    for add_routes in route_adders:
        add_routes(app)
    return app


async def database_state(services: Services, limit: float = 2.0) -> str:
    """ "ok", "unreachable" (no answer to SELECT 1) or "not writable" (the heartbeat write failed)."""
    try:
        async with asyncio.timeout(limit), services.db() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not reachable"; the reason goes to the log only
        log.warning("health check: database unreachable: %s", type(error).__name__)
        return "unreachable"
    try:
        async with asyncio.timeout(limit), services.db() as session:
            await write_heartbeat(session, services.clock.now())
            await session.commit()
    except Exception as error:
        log.warning("health check: database cannot be written: %s", type(error).__name__)
        return "not writable"
    return "ok"


async def healthz(request: web.Request) -> web.Response:
    """Liveness (this answer) plus a database read and write; 503 when either fails."""
    state = await database_state(request.app[SERVICES])
    body = {"status": "ok" if state == "ok" else "degraded", "database": state}
    return web.json_response(body, status=200 if state == "ok" else 503)


async def start_web(app: web.Application, port: int, host: str) -> web.AppRunner:
    """Serve ``app`` on the running loop within its limits; stop it with ``await runner.cleanup()``."""
    stop_limiting = limit_repeats()

    async def _unlimit(_app: web.Application) -> None:
        stop_limiting()

    app.on_cleanup.append(_unlimit)
    # What start-up loaded (catalogs, the classifier, geometry) lives as long as the process: frozen,
    # the collector stops walking it, and a full collection no longer adds 100+ ms to a request.
    # Once per process (tests start many servers).
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
    runner = GuardedRunner(app, app[LIMITS], access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (tests serve on port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    raise RuntimeError("web server is not running")
