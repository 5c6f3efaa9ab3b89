"""/mijngegevens says what each report holds and roles in plain words; /vergeetmij names ended roles."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from storage.chats import ensure_chat, find_area
from storage.models import Role
from storage.whatsapp import subscribe
from tests.harness import ConsoleHarness

REPORT = "/melding Witte bestelbus met kenteken DKX-12-B bij de Reeweg 4, reed richting Zwijndrecht"


async def test_my_data_lists_what_each_report_holds_and_roles_in_words(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet coordinator Krispijn", REPORT)
    text = await console.text(":prive", "/mijngegevens")
    assert "coördinator van Krispijn" in text and "coordinator (Krispijn)" not in text
    assert "M-0001 – " in text and "Reeweg 4" in text and "Open" in text
    assert "bewaard tot 22-12-2026" in text  # 30 days after 22-11-2026
    async with app.services.db() as session:  # Piet also gets WhatsApp alerts? (same person: console chat)
        chat = await ensure_chat(session, "console", "piet", "private", "Piet", clock.now())
        area = await find_area(session, "Krispijn")
        assert area is not None
        await subscribe(session, chat.id, area.id, clock.now())
        await session.commit()
    assert "Je krijgt waarschuwingen via WhatsApp voor: Krispijn" in await console.text("/mijngegevens")


async def test_forget_me_says_the_coordinator_role_ends(console: ConsoleHarness, app: App) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":prive", ":als Ans coordinator Krispijn")
    confirm = await console.text("/vergeetmij")
    assert "je rollen stoppen dan ook" in confirm and "coördinator van Krispijn" in confirm
    done = await console.text("1")
    assert (
        "gewist" in done and "Deze rollen heb je nu niet meer" in done and "coördinator van Krispijn" in done
    )
    async with app.services.db() as session:
        assert list(await session.scalars(select(Role).where(Role.role == "coordinator"))) == []
