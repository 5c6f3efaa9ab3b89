"""Sessions, CSRF and the login/logout pages of the dashboard.

The cookie holds a random session secret (``HttpOnly``, ``SameSite=Strict``, ``Secure`` by setting);
the database keeps only its hash (storage/dashboard.py) and ends it after the idle timeout. Each
form carries a CSRF token derived from the session secret (HMAC), so it needs no storage and dies
with the session. The login link only shows a button: the POST behind it spends the one-time token,
so a chat app fetching the link for a preview does not use it up.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.dashboard.nav import MENU
from bot.dashboard.render import NavEntry, render
from bot.web import SERVICES
from handlers.dashboard.viewer import Viewer, load_viewer
from handlers.services import Services
from storage.audit import add_audit
from storage.dashboard import create_session, end_session, find_session, login_token_valid, redeem_login_token

log = logging.getLogger(__name__)

COOKIE = "buurtbot_dashboard"
LOGIN_PATH = "/dashboard/login"


def csrf_for(secret: str) -> str:
    return hmac.new(secret.encode(), b"dashboard-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Context:
    """One request's viewer and what its pages need to render and check."""

    request: web.Request
    services: Services
    viewer: Viewer
    session_id: int
    csrf: str

    @property
    def locale(self) -> str | None:
        return self.viewer.locale or self.services.settings.default_locale

    def nav(self) -> tuple[NavEntry, ...]:
        path = self.request.path
        return tuple(
            NavEntry(item.path, item.label_key, _active(item.path, path))
            for item in MENU
            if item.shows(self.viewer)
        )

    def render(self, template: str, status: int = 200, **context: Any) -> web.Response:
        return render(
            self.request,
            template,
            context,
            catalog=self.services.catalog,
            locale=self.locale,
            viewer=self.viewer,
            csrf=self.csrf,
            nav=self.nav(),
            status=status,
        )

    async def audit(self, action: str, outcome: str = "dashboard.audit.done") -> None:
        """One audit row for a dashboard action (who, what, when), in its own transaction."""
        async with self.services.db() as session:
            await add_audit(
                session,
                created_at=self.services.clock.now(),
                who=self.viewer.pseudonym,
                person_id=self.viewer.person_id,
                platform="web",
                chat_id=None,
                place="dashboard",
                action=action[:120],
                reason=outcome[:80],
            )
            await session.commit()


def _active(item: str, path: str) -> bool:
    return path == item or (item != "/dashboard" and path.startswith(item + "/"))


def plain(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page without a session (login, errors before login)."""
    services = request.app[SERVICES]
    return render(request, template, context, catalog=services.catalog, locale=None, status=status)


async def current(request: web.Request) -> Context | None:
    """The request's live session and viewer, or None (no cookie, ended, idle, or no longer allowed)."""
    secret = request.cookies.get(COOKIE, "")
    if not secret:
        return None
    services = request.app[SERVICES]
    idle = timedelta(minutes=services.settings.dashboard_idle_minutes)
    async with services.db() as session:
        live = await find_session(session, secret, services.clock.now(), idle)
        viewer = await load_viewer(session, services, live.person_id) if live else None
        await session.commit()
    if live is None or viewer is None or not viewer.may_use:
        return None
    return Context(request, services, viewer, live.id, csrf_for(secret))


Page = Callable[[Context], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def page(handler: Page) -> Handler:
    """A GET page: without a session the visitor is sent to the login page."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        context = await current(request)
        if context is None:
            raise web.HTTPSeeOther(LOGIN_PATH)
        return await handler(context)

    return wrapped


def action(handler: Page) -> Handler:
    """A POST: needs a session and the form's CSRF token, else 403."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        context = await current(request)
        if context is None:
            return plain(request, "error.html", 403, message="dashboard.error.forbidden")
        form = await request.post()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, context.csrf):
            log.info("dashboard form without a valid CSRF token from %s", context.viewer.pseudonym)
            return context.render("error.html", 403, message="dashboard.error.forbidden")
        return await handler(context)

    return wrapped


def not_found(context: Context) -> web.Response:
    return context.render("error.html", 404, message="dashboard.error.not_found")


# -- login and logout -------------------------------------------------------------------------------


async def login_page(request: web.Request) -> web.StreamResponse:
    """The link from the chat: a button that logs in (POST), or how to get a link."""
    token = request.query.get("token", "")
    if not token:
        notice = "dashboard.login.logged_out" if request.query.get("uit") else ""
        return plain(request, "login.html", token="", problem="", notice=notice)
    services = request.app[SERVICES]
    async with services.db() as session:
        valid = await login_token_valid(session, token, services.clock.now())
    if not valid:
        return plain(request, "login.html", 403, token="", problem="dashboard.login.bad_link", notice="")
    return plain(request, "login.html", token=token, problem="", notice="")


async def login(request: web.Request) -> web.StreamResponse:
    """Spend the one-time token and open a session."""
    form = await request.post()
    token = form.get("token")
    services = request.app[SERVICES]
    now = services.clock.now()
    async with services.db() as session:
        person_id = await redeem_login_token(session, token if isinstance(token, str) else "", now)
        viewer = await load_viewer(session, services, person_id) if person_id is not None else None
        if person_id is None or viewer is None or not viewer.may_use:
            await session.commit()
            return plain(request, "login.html", 403, token="", problem="dashboard.login.bad_link", notice="")
        secret = await create_session(session, person_id, now)
        await add_audit(
            session,
            created_at=now,
            who=viewer.pseudonym,
            person_id=person_id,
            platform="web",
            chat_id=None,
            place="dashboard",
            action="login",
            reason="dashboard.audit.login",
        )
        await session.commit()
    response = web.HTTPSeeOther("/dashboard")
    response.set_cookie(
        COOKIE,
        secret,
        path="/dashboard",
        httponly=True,
        secure=services.settings.dashboard_cookie_secure,
        samesite="Strict",
    )
    raise response


@action
async def logout(context: Context) -> web.StreamResponse:
    services = context.services
    async with services.db() as session:
        await end_session(session, context.session_id, services.clock.now())
        await session.commit()
    await context.audit("logout")
    response = web.HTTPSeeOther(LOGIN_PATH + "?uit=1")
    response.del_cookie(COOKIE, path="/dashboard")
    raise response
