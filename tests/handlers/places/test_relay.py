"""Alerts and urgent reports relayed to neighbouring wijken: approval, refusal, expiry, one decision."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import EventKind
from storage.alerts import Broadcast
from storage.relays import RelayRequest, RelayStatus
from tests.handlers.places.test_places_console import _skip_dialog
from tests.harness import ConsoleHarness

# Inside Oud Krispijn, ~140 m from Nieuw-Krispijn and > 400 m from every other wijk.
NEAR_BORDER = ":locatie 51.80208 4.66259"
# Inside Oud Krispijn, > 390 m from every neighbouring wijk.
FAR_FROM_BORDERS = ":locatie 51.801 4.65892"


async def _forged_press(console: ConsoleHarness, data: str) -> str:
    """A button press with data the speaker was never shown (as a crafted callback would be)."""
    mark = len(console.output)
    await console.app.handle(console.session._incoming(EventKind.CALLBACK, callback=data))
    await console.session.drain.drain()
    return "\n".join(console.output[mark:])


async def _setup(console: ConsoleHarness) -> None:
    """Groups in three wijken; Ans coordinates Oud Krispijn and Wielwijk, Kees Nieuw-Krispijn."""
    for group, wijk in (("OK-app", "Oud Krispijn"), ("WW-app", "Wielwijk"), ("NK-app", "Nieuw-Krispijn")):
        await console.say(f":groep {group}", f"/wijk {wijk}")
    await console.say(":prive", ":als Kees coordinator Nieuw-Krispijn", "/start")
    await console.say(":als Ans coordinator Oud Krispijn", "/start")
    console.session.state.speaker = "Ans"


def _button(text: str, label: str) -> str:
    found = re.search(r"\[(\d+)\] " + re.escape(label), text)
    assert found, text
    return found.group(1)


async def test_an_alert_reaches_a_neighbour_after_its_coordinator_agrees(
    dordrecht: App, console: ConsoleHarness
) -> None:
    await _setup(console)
    await console.say(":als Ans coordinator Wielwijk")
    preview = await console.text("/alert inbraakgolf Oud Krispijn")
    assert "Ook naar de buurwijken: Binnenstad, Crabbehof/Zuidhoven" in preview
    extended = await console.text(_button(preview, "➕ Ook naar de buurwijken"))
    assert "Oud Krispijn, Wielwijk" in extended  # Ans coordinates Wielwijk: added at once
    assert "vraag ik de coördinatoren van" in extended and "Nieuw-Krispijn" in extended
    sent = await console.text(_button(extended, "Versturen"))
    assert "[OK-app] buurtbot" in sent and "[WW-app] buurtbot" in sent
    assert "[NK-app]" not in sent
    ask = [line for line in sent.splitlines() if line.startswith("[privé Kees]")]
    assert ask and "Ook naar jullie groepen sturen?" in ask[0]
    await console.say(":als Kees coordinator Nieuw-Krispijn")
    forwarded = await console.text(_button(sent, "Doorsturen"))
    assert "Doorgestuurd naar de groepen van Nieuw-Krispijn" in forwarded
    assert re.search(r"\[NK-app\] buurtbot: ↪️ Doorgestuurd vanuit Oud Krispijn, Wielwijk", forwarded)
    again = await console.text(_button(sent, "Doorsturen"))
    assert "al afgehandeld" in again and "[NK-app]" not in again
    async with dordrecht.services.db() as session:
        copies = list(await session.scalars(select(Broadcast).where(Broadcast.relayed_from.is_not(None))))
    assert [(c.area_names, c.relayed_from) for c in copies] == [("Nieuw-Krispijn", "Oud Krispijn, Wielwijk")]


async def test_a_refused_or_expired_relay_sends_nothing(
    dordrecht: App, console: ConsoleHarness, clock: FakeClock
) -> None:
    await _setup(console)
    preview = await console.text("/alert inbraakgolf Oud Krispijn")
    extended = await console.text(_button(preview, "➕ Ook naar de buurwijken"))
    sent = await console.text(_button(extended, "Versturen"))
    async with dordrecht.services.db() as session:
        request_id = await session.scalar(select(RelayRequest.id))
    await console.say(":als Piet")
    assert "mag dit" in await _forged_press(console, f"rl:ok:{request_id}")  # a resident: refused
    await console.say(":als Kees coordinator Nieuw-Krispijn")
    clock.advance(minutes=121)
    late = await console.text(_button(sent, "Doorsturen"))
    assert "verlopen" in late and "[NK-app]" not in late
    async with dordrecht.services.db() as session:
        statuses = set(await session.scalars(select(RelayRequest.status)))
    assert statuses == {RelayStatus.PENDING}


async def test_not_forwarding_is_final(dordrecht: App, console: ConsoleHarness) -> None:
    await _setup(console)
    preview = await console.text("/alert inbraakgolf Oud Krispijn")
    sent = await console.text(_button(await console.text(_button(preview, "➕ Ook")), "Versturen"))
    await console.say(":als Kees coordinator Nieuw-Krispijn")
    assert "Niet doorgestuurd naar Nieuw-Krispijn" in await console.text(_button(sent, "Niet"))
    assert "al afgehandeld" in await console.text(_button(sent, "Doorsturen"))


async def _urgent_report(console: ConsoleHarness, pin: str) -> str:
    await console.say(":groep OK-app", ":als Piet")
    choose = await console.text("/melding", ":prive")  # the dialog goes on in the private chat
    after_category = await console.text(_button(choose, "Inbraak bezig"))
    assert "Waar" in after_category
    return await _skip_dialog(console, await console.text(pin))


async def test_an_urgent_report_near_a_border_is_offered_to_the_neighbour(
    dordrecht: App, console: ConsoleHarness
) -> None:
    await _setup(console)
    out = await _urgent_report(console, NEAR_BORDER)
    ask = [line for line in out.splitlines() if line.startswith("[privé Kees]")]
    assert ask and "Spoedmelding in Oud Krispijn, ongeveer 1" in ask[0]
    await console.say(":als Kees coordinator Nieuw-Krispijn", ":prive")
    forwarded = await console.text(_button(out, "Doorsturen"))
    assert re.search(r"\[NK-app\] buurtbot: ↪️ Doorgestuurd vanuit Oud Krispijn", forwarded)
    assert "Ik heb 112 gebeld" not in forwarded.split("[NK-app]")[1]  # no buttons on a copy


async def test_an_urgent_report_far_from_borders_stays_in_its_wijk(
    dordrecht: App, console: ConsoleHarness
) -> None:
    await _setup(console)
    out = await _urgent_report(console, FAR_FROM_BORDERS)
    assert "[privé Kees]" not in out
    async with dordrecht.services.db() as session:
        assert await session.scalar(select(RelayRequest)) is None
