"""/wijk by a plain group admin: a request that a coordinator of the area (or a beheerder) decides."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender
from storage.area_links import AreaLinkRequest
from storage.models import Area, Chat
from tests.harness import ConsoleHarness

SAAR = "Verdachte man bij Dubbeldamseweg 120, donkere jas, rende richting station, 112 is gebeld"
ASK = "Piet wil groep Piets groep bij wijk Krispijn zetten."


async def _chat_area(app: App, title: str) -> str | None:
    """The name of the area the group's row points at, straight from the database."""
    async with app.services.db() as session:
        chat = await session.scalar(select(Chat).where(Chat.title == title, Chat.kind == "group"))
        assert chat is not None
        area = await session.get(Area, chat.area_id) if chat.area_id else None
        return area.name if area else None


async def _statuses(app: App) -> list[str]:
    async with app.services.db() as session:
        rows = await session.scalars(select(AreaLinkRequest).order_by(AreaLinkRequest.id))
        return [row.status for row in rows]


async def _piet_asks(console: ConsoleHarness, coordinator: str | None = "Ans") -> str:
    """Krispijn exists with one group; Piet makes his own group and asks to join Krispijn."""
    await console.say(":groep Krispijn", "/wijk Krispijn", ":prive")
    if coordinator:
        await console.say(f":als {coordinator} coordinator Krispijn")
    return await console.text(":als Piet", ":groep Piets groep", "/wijk Krispijn")


async def test_request_does_not_link_until_a_coordinator_approves(console: ConsoleHarness, app: App) -> None:
    asked = await _piet_asks(console)
    assert (
        "[Piets groep] buurtbot: Aanvraag verstuurd: een coördinator van Krispijn keurt dit goed. "
        "Tot dan krijgt deze groep geen waarschuwingen en meldingen van de wijk." in asked
    )
    assert f"[privé Ans] buurtbot: {ASK}" in asked
    assert "[1] Goedkeuren" in asked and "[2] Weigeren" in asked
    assert "[privé Beheerder]" not in asked  # the area has a coordinator: beheerders are not bothered
    assert await _chat_area(app, "Piets groep") is None
    assert await _statuses(app) == ["pending"]
    assert "wacht op goedkeuring voor wijk Krispijn" in await console.text("/wijk")

    filed = await console.text(f"/melding {SAAR}")
    assert "hoort nog niet bij een wijk" in filed
    assert "[Krispijn]" not in filed  # no card in the wijk's own group

    await console.say(":prive", ":als Ans coordinator Krispijn")
    approved = await console.text("1")
    assert "[privé Ans] buurtbot: Goedgekeurd: groep Piets groep hoort nu bij wijk Krispijn." in approved
    assert "[Piets groep] buurtbot: Deze groep hoort nu bij wijk Krispijn." in approved
    assert await _chat_area(app, "Piets groep") == "Krispijn"
    assert await _statuses(app) == ["approved"]
    assert "al afgehandeld" in await console.text("2")  # a second press changes nothing
    assert await _chat_area(app, "Piets groep") == "Krispijn"

    card = await console.text(":als Piet", ":groep Piets groep", f"/melding {SAAR}")
    assert "[Krispijn] buurtbot: 🚨 Melding M-0001" in card
    assert "[Piets groep] buurtbot: 🚨 Melding M-0001" in card


async def test_only_a_coordinator_decides_and_refusing_keeps_the_group_out(
    console: ConsoleHarness, app: App
) -> None:
    await _piet_asks(console)
    await console.say(":prive", ":als Ans bewoner")  # Ans has the buttons but is no longer coordinator
    refused = await console.text("1")
    assert "alleen een coördinator van deze wijk mag dit" in refused
    assert "[Piets groep]" not in refused
    assert await _chat_area(app, "Piets groep") is None
    assert await _statuses(app) == ["pending"]

    await console.say(":als Ans coordinator Krispijn")
    rejected = await console.text("2")
    assert "[privé Ans] buurtbot: Geweigerd: groep Piets groep hoort niet bij wijk Krispijn." in rejected
    assert "[Piets groep] buurtbot: De aanvraag voor wijk Krispijn is niet goedgekeurd." in rejected
    assert await _statuses(app) == ["rejected"]
    assert "al afgehandeld" in await console.text("1")
    assert await _chat_area(app, "Piets groep") is None
    assert "hoort nog niet bij een wijk" in await console.text(":als Piet", ":groep Piets groep", "/wijk")


async def test_without_coordinators_the_beheerder_decides(console: ConsoleHarness, app: App) -> None:
    asked = await _piet_asks(console, coordinator=None)
    # Configured (console:beheerder) and by role: the same person, asked once.
    assert asked.count(f"[privé Beheerder] buurtbot: {ASK}") == 1
    await console.say(":prive", ":als Beheerder beheerder")
    assert "Goedgekeurd" in await console.text("1")
    assert await _chat_area(app, "Piets groep") == "Krispijn"


async def test_linking_directly_or_asking_again_makes_old_buttons_stale(
    console: ConsoleHarness, app: App
) -> None:
    await _piet_asks(console)
    again = await console.text("/wijk Krispijn")  # a second request replaces the first
    assert "Aanvraag verstuurd" in again
    assert await _statuses(app) == ["replaced", "pending"]
    await console.say(":prive", ":als Ans coordinator Krispijn")
    assert "al afgehandeld" not in await console.text("2")  # the newest button works: refused
    await console.say(":als Piet", ":groep Piets groep", "/wijk Krispijn")
    await console.say(":als Beheerder beheerder", ":groep Piets groep")
    assert "Deze groep hoort nu bij wijk Krispijn." in await console.text("/wijk Krispijn")
    assert await _statuses(app) == ["replaced", "rejected", "replaced"]
    assert "al afgehandeld" in await console.text(":prive", ":als Ans coordinator Krispijn", "1")
    assert await _chat_area(app, "Piets groep") == "Krispijn"


async def test_coordinators_and_beheerders_link_at_once(console: ConsoleHarness, app: App) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":groep Wielwijk", "/wijk Wielwijk", ":prive")
    linked = await console.text(":als Ans coordinator Krispijn", ":groep Ans groep", "/wijk Krispijn")
    assert "[Ans groep] buurtbot: Deze groep hoort nu bij wijk Krispijn." in linked
    assert await _chat_area(app, "Ans groep") == "Krispijn"
    # A coordinator of another wijk is a plain admin here: a request, no link.
    asked = await console.text(":groep Ans tweede groep", "/wijk Wielwijk")
    assert "Aanvraag verstuurd" in asked
    assert await _chat_area(app, "Ans tweede groep") is None
    await console.say(":als Beheerder beheerder", ":groep Beheerders groep")
    assert "hoort nu bij wijk Wielwijk" in await console.text("/wijk Wielwijk")
    assert await _chat_area(app, "Beheerders groep") == "Wielwijk"
    assert await _statuses(app) == ["pending"]


async def test_nobody_to_ask_tells_the_group(app: App, clock: FakeClock) -> None:
    """A Telegram group; the only beheerder is configured on the console: nobody can be reached."""
    async with app.services.db() as session:
        from storage.chats import create_area

        await create_area(session, "Krispijn", clock.now())
        await session.commit()
    replies = await app.dispatcher.dispatch(
        Incoming(
            Platform.TELEGRAM,
            "-100300",
            ChatKind.GROUP,
            EventKind.MESSAGE,
            clock.now(),
            sender=Sender("77", "Piet", None, is_chat_admin=True),
            chat_title="Piets groep",
            text="/wijk Krispijn",
            command="wijk",
            args="Krispijn",
        )
    )
    assert [r.parts[0].key for r in replies] == ["wijk.request_nobody"]
    assert replies[0].target is None
    assert await _chat_area(app, "Piets groep") is None
    assert await _statuses(app) == []
