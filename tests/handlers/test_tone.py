"""A /bericht is a notice unless the coordinator makes it a warning (keyword or button)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.alerts import Broadcast
from tests.harness import ConsoleHarness


async def _setup(console: ConsoleHarness) -> None:
    await console.say(":groep Groep A", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")


def _group_text(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text[text.index("[Groep A]") :] if "[Groep A]" in text else ""


async def test_a_notice_about_the_wijkoverleg_is_no_warning(console: ConsoleHarness, app: App) -> None:
    await _setup(console)
    preview = await console.text("/bericht Krispijn Dinsdag 19:30 wijkoverleg in het wijkcentrum")
    assert "Mededeling voor Krispijn" in preview and "Maak er een waarschuwing van" in preview
    sent = _group_text(await console.say("1"))
    assert "Mededeling voor Krispijn" in sent and "wijkoverleg" in sent
    assert "Waarschuwing" not in sent and "112" not in sent


async def test_the_keyword_or_the_button_makes_it_a_warning(console: ConsoleHarness, app: App) -> None:
    await _setup(console)
    preview = await console.text("/bericht waarschuwing Krispijn Auto opengebroken in de Reeweg")
    assert "Waarschuwing voor Krispijn" in preview and "Maak er een mededeling van" in preview
    assert "Auto opengebroken in de Reeweg" in preview and "waarschuwing Krispijn" not in preview
    await console.say("2")  # cancel
    await console.say("/bericht Krispijn Inbraakpoging in de Reeweg")
    switched = await console.text("3")  # the tone button
    assert "(bijgewerkt)" in switched and "Waarschuwing voor Krispijn" in switched
    sent = _group_text(await console.say("1"))
    assert "Waarschuwing voor Krispijn" in sent and "Bel 112" in sent
    async with app.services.db() as session:
        kinds = [b.kind for b in await session.scalars(select(Broadcast).order_by(Broadcast.id))]
    assert kinds == ["bericht", "bericht"]
