"""A dashboard on a loopback test server, people with each role, and a login through the chat's link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import App
from storage.models import Person, Role, RoleName
from tests import statistics_data
from tests.harness import ConsoleHarness

Client = TestClient[Any, Any]
LINK = re.compile(r"http://127\.0\.0\.1:\d+/dashboard/login\?token=([\w-]+)")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class People:
    known: statistics_data.Known
    beheerder: Person
    coordinator: Person  # of Oud Krispijn
    gemeente: Person
    resident: Person


async def make_people(app: App) -> People:
    known = await statistics_data.build(app)
    now = app.services.clock.now()
    async with app.services.db() as session:

        def person(name: str, external_id: str) -> Person:
            row = Person(
                platform="console",
                external_id=external_id,
                display_name=name,
                username=None,
                pseudonym=f"p-{external_id}",
                created_at=now,
            )
            session.add(row)
            return row

        people = [
            person("Beheerder", "beheerder"),  # a beheerder by the BEHEERDERS setting
            person("Cor", "cor"),
            person("Gerda", "gerda"),
            person("Rob", "rob"),
        ]
        await session.flush()
        session.add_all(
            [
                Role(
                    person_id=people[1].id,
                    role=RoleName.COORDINATOR,
                    area_id=known.krispijn.id,
                    granted_at=now,
                ),
                Role(person_id=people[2].id, role=RoleName.GEMEENTE, area_id=None, granted_at=now),
            ]
        )
        await session.commit()
    return People(known, *people)


async def link_for(app: App, who: Person) -> str:
    """Ask the bot for a login link in the console as ``who`` and return the token it sent."""
    text = await ask_link(app, who)
    match = LINK.search(text)
    assert match, text
    return match.group(1)


async def ask_link(app: App, who: Person) -> str:
    """What the bot answers ``who`` on ``/dashboard`` in the private console chat."""
    console = ConsoleHarness(app)
    console.session.state.speaker = who.display_name
    return await console.text("/dashboard")


async def login(client: Client, token: str) -> str:
    """Open the link, press the button; returns the overview's HTML."""
    page = await client.get("/dashboard/login", params={"token": token})
    assert page.status == 200
    assert f'value="{token}"' in await page.text()
    posted = await client.post("/dashboard/login", data={"token": token}, allow_redirects=False)
    assert posted.status == 303 and posted.headers["Location"] == "/dashboard", await posted.text()
    cookie = posted.headers["Set-Cookie"]
    assert cookie.startswith("buurtbot_dashboard=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/dashboard" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http://127.0.0.1:PORT here
    response = await client.get("/dashboard")
    assert response.status == 200 and response.url.path == "/dashboard"
    return await response.text()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, html
    return match.group(1)
