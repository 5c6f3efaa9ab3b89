"""Logging in to the dashboard with a one-time link from the chat: roles, reuse, expiry, logout."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from storage.audit import AuditEntry
from storage.dashboard import DashboardLoginToken, DashboardSession, digest, forget_old_logins
from storage.models import Person, RoleName
from storage.people import revoke_role
from tests.bot.dashboard.support import Client, People, ask_link, csrf_of, link_for, login


async def test_no_session_gets_the_login_page(client: Client) -> None:
    for path in ("/dashboard", "/dashboard/audit", "/dashboard/grafiek/1.png"):
        response = await client.get(path)
        assert response.status == 200
        assert response.url.path == "/dashboard/login"
        assert "/dashboard" in await response.text()  # how to get a link


async def test_a_coordinator_logs_in_and_sees_the_overview(app: App, client: Client, people: People) -> None:
    token = await link_for(app, people.coordinator)
    html = await login(client, token)
    assert "Oud Krispijn" in html and "Sterrenburg" not in html
    assert "Ingelogd als Cor (coördinator)" in html
    async with app.services.db() as session:
        stored = list(await session.scalars(select(DashboardLoginToken.token_hash)))
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert stored == [digest(token)] and token not in stored  # only the hash is kept
    assert actions == ["/dashboard", "login"]


async def test_residents_get_a_friendly_refusal(app: App, people: People) -> None:
    text = await ask_link(app, people.resident)
    assert "/dashboard/login" not in text
    assert "coördinatoren, beheerders en de gemeente" in text


async def test_a_used_link_is_refused(app: App, client: Client, other_client: Client, people: People) -> None:
    token = await link_for(app, people.gemeente)
    await login(client, token)
    again = await other_client.get("/dashboard/login", params={"token": token})
    assert again.status == 403 and "werkt niet (meer)" in await again.text()
    posted = await other_client.post("/dashboard/login", data={"token": token})
    assert posted.status == 403
    assert (await other_client.get("/dashboard")).url.path == "/dashboard/login"


async def test_an_expired_link_is_refused(app: App, client: Client, clock: FakeClock, people: People) -> None:
    token = await link_for(app, people.beheerder)
    clock.advance(minutes=10, seconds=1)
    assert (await client.get("/dashboard/login", params={"token": token})).status == 403
    assert (await client.post("/dashboard/login", data={"token": token})).status == 403
    assert (await client.post("/dashboard/login", data={"token": "made-up"})).status == 403


async def test_idle_sessions_end_and_logout_ends_the_session(
    app: App, client: Client, clock: FakeClock, people: People
) -> None:
    html = await login(client, await link_for(app, people.beheerder))
    clock.advance(minutes=29)
    assert (await client.get("/dashboard")).url.path == "/dashboard"  # still in: the idle timer restarts
    clock.advance(minutes=30)
    assert (await client.get("/dashboard")).url.path == "/dashboard/login"
    html = await login(client, await link_for(app, people.beheerder))
    out = await client.post("/dashboard/uitloggen", data={"csrf": csrf_of(html)})
    assert out.status == 200 and "uitgelogd" in await out.text()
    assert (await client.get("/dashboard")).url.path == "/dashboard/login"


async def test_logout_without_csrf_is_403(app: App, client: Client, people: People) -> None:
    await login(client, await link_for(app, people.beheerder))
    assert (await client.post("/dashboard/uitloggen", data={})).status == 403
    assert (await client.post("/dashboard/uitloggen", data={"csrf": "0" * 64})).status == 403
    assert (await client.get("/dashboard")).url.path == "/dashboard"  # still logged in


async def test_losing_the_role_ends_access_and_old_logins_are_forgotten(
    app: App, client: Client, clock: FakeClock, people: People
) -> None:
    await login(client, await link_for(app, people.gemeente))
    async with app.services.db() as session:
        await revoke_role(session, people.gemeente.id, RoleName.GEMEENTE, None)
        await session.commit()
    assert (await client.get("/dashboard")).url.path == "/dashboard/login"
    await link_for(app, people.coordinator)  # an unused link
    clock.advance(days=8)
    async with app.services.db() as session:
        assert await forget_old_logins(session, clock.now(), timedelta(days=7)) == 3  # 2 links, 1 session
        await session.commit()
        assert list(await session.scalars(select(DashboardLoginToken.id))) == []
        assert list(await session.scalars(select(DashboardSession.id))) == []


async def test_pages_speak_the_viewers_language(app: App, client: Client, people: People) -> None:
    async with app.services.db() as session:
        person = await session.get(Person, people.coordinator.id)
        assert person is not None
        person.locale = "en"
        await session.commit()
    html = await login(client, await link_for(app, people.coordinator))
    assert '<html lang="en">' in html and "Signed in as Cor (coordinator)" in html and "Overview" in html
    assert "Ingelogd" not in html
