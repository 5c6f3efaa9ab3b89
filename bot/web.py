"""The one aiohttp web application of a bot process: webhooks of every platform and ``/healthz``.

An app factory: each platform adds its routes through a *route adder* (Telegram adds
``POST /webhook/telegram``, WhatsApp ``/webhook/whatsapp``), so the server runs once, on the bot's own
event loop (``AppRunner``/``TCPSite``), next to polling loops, the outbox sender and the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from sqlalchemy import text

from handlers.services import Services

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # webhook bodies are small; anything bigger is refused with 413
SERVICES = web.AppKey("services", Services)

RouteAdder = Callable[[web.Application], None]


def build_web_app(
    services: Services, route_adders: Sequence[RouteAdder] = (), max_body: int = MAX_BODY
) -> web.Application:
    app = web.Application(client_max_size=max_body)
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    from bot.open311 import add_routes as add_open311_routes  # here: bot.open311 reads SERVICES

    add_open311_routes(app)
    for add_routes in route_adders:
        add_routes(app)
    return app


async def database_ok(services: Services, limit: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(limit), services.db() as session:
            await session.execute(text("SELECT 1"))
        return True
    except Exception as error:  # any failure means "not reachable"; the reason goes to the log only
        log.warning("health check: database unreachable: %s", type(error).__name__)
        return False


async def healthz(request: web.Request) -> web.Response:
    """Liveness (this answer) plus database reachability; 503 when the database is down."""
    ok = await database_ok(request.app[SERVICES])
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"}
    return web.json_response(body, status=200 if ok else 503)


async def start_web(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    """Serve ``app`` on the running loop; stop it with ``await runner.cleanup()``."""
    runner = web.AppRunner(app, access_log=None)
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
