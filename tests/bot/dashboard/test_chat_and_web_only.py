"""The chat side of the dashboard (/dashboard in a group, /gemeente) and ``buurtbot run --webhook``
without a chat platform serving it on a real port, behind PUBLIC_URL with a Secure cookie."""

from __future__ import annotations

import dataclasses
import re
import socket

import aiohttp
from sqlalchemy import select

from bot.app import App
from bot.serve import Server
from handlers.router import Dispatcher
from handlers.routes import ROUTES
from storage.models import Person, Role, RoleName
from tests.bot.dashboard.support import People
from tests.harness import ConsoleHarness


async def test_a_beheerder_appoints_and_revokes_the_gemeente(console: ConsoleHarness, app: App) -> None:
    await console.say(":als Gerda bewoner")
    refused = await console.text("/dashboard")
    assert "voor coördinatoren, beheerders en de gemeente" in refused and "/dashboard/login" not in refused
    assert "Dat mag ik niet" in await console.text("/gemeente Gerda")
    await console.say(":als Beheerder beheerder")
    assert "Gerda kan nu als gemeente" in await console.text("/gemeente Gerda")
    assert "Gerda had al toegang" in await console.text("/gemeente Gerda")
    assert "/gemeente @naam" in await console.text("/gemeente")
    console.session.state.speaker = "Gerda"  # (":als Gerda bewoner" would take her roles away)
    assert "/dashboard/login?token=" in await console.text("/dashboard")
    await console.say(":als Beheerder beheerder")
    assert "Gerda heeft geen toegang als gemeente meer" in await console.text("/gemeente intrekken Gerda")
    async with app.services.db() as session:
        gerda = await session.scalar(select(Person).where(Person.display_name == "Gerda"))
        assert gerda is not None
        roles = list(await session.scalars(select(Role.role).where(Role.person_id == gerda.id)))
    assert RoleName.GEMEENTE not in roles


async def test_in_a_group_the_link_never_reaches_the_group(console: ConsoleHarness, app: App) -> None:
    await console.say(":groep Buurtgroep")
    said = await console.say("/dashboard")
    assert not any("/dashboard/login" in line for line in said)
    assert all(not line.startswith("[Buurtgroep]") for line in said), said  # answered privately
    assert any("privégesprek" in line for line in said)


async def test_run_webhook_without_a_chat_platform_serves_the_dashboard(app: App, people: People) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = app.services.settings.model_copy(
        update={"port": port, "public_url": "https://dash.example.nl/"}
    )
    services = dataclasses.replace(app.services, settings=settings)
    served = dataclasses.replace(app, services=services, dispatcher=Dispatcher(ROUTES, services))
    runtime = Server(served, settings, [], webhook=True)  # `buurtbot run --webhook`, no platform
    await runtime.start()
    try:
        console = ConsoleHarness(served)
        console.session.state.speaker = people.coordinator.display_name
        text = await console.text("/dashboard")
        match = re.search(r"https://dash\.example\.nl/dashboard/login\?token=([\w-]+)", text)
        assert match, text
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{port}"
            async with http.get(f"{base}/dashboard") as response:
                assert response.status == 200 and response.url.path == "/dashboard/login"
            async with http.post(
                f"{base}/dashboard/login", data={"token": match.group(1)}, allow_redirects=False
            ) as response:
                assert response.status == 303
                cookie = response.headers["Set-Cookie"]
                assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
                secret = response.cookies["buurtbot_dashboard"].value
            headers = {"Cookie": f"buurtbot_dashboard={secret}"}
            async with http.get(f"{base}/dashboard", headers=headers) as response:
                assert response.status == 200 and "Oud Krispijn" in await response.text()
    finally:
        await runtime.stop()
