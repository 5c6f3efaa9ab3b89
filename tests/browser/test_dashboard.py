"""A coordinator's morning in a real browser: log in through the link the bot sent on Telegram, read
the overview (map, chart), filter the reports, close one and see the group told, send an alert and
see it arrive, plan one and cancel it, look at every page, log out. Screenshots at 390 and 1280 px."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from storage.models import Person, Role, RoleName
from storage.reports import Report, ReportSuspect, add_report
from tests import statistics_data
from tests.browser.conftest import Site, screenshot
from tests.fakes.telegram_api import Call
from tests.fakes.telegram_updates import private_chat, text_update, user

COORDINATOR = 4242  # a Telegram user id
GROUP = "-100"  # statistics_data's Groep 0, the active group of Oud Krispijn
LINK = re.compile(r"https?://[^\s\"<]+/dashboard/login\?token=([\w-]+)")


async def _seed(site: Site) -> str:
    """The statistics data set, a Telegram coordinator of Oud Krispijn, and an open report there."""
    known = await statistics_data.build(site.app)
    now = site.clock.now()
    async with site.app.services.db() as session:
        cor = Person(
            platform="telegram",
            external_id=str(COORDINATOR),
            display_name="Cor",
            username="cor",
            pseudonym="p-cor",
            created_at=now,
        )
        session.add(cor)
        await session.flush()
        session.add(
            Role(person_id=cor.id, role=RoleName.COORDINATOR, area_id=known.krispijn.id, granted_at=now)
        )
        report = await add_report(
            session,
            Report(
                category="verdachte_situatie",
                area_id=known.krispijn.id,
                reporter_pseudonym="p-secret-pseudonym",
                created_at=now,
                updated_at=now,
                street="Bosboom-Toussaintstraat",
            ),
            ReportSuspect(
                person={"clothing": "rode jas"}, free_text="Man kijkt door ramen <b>naar binnen</b>"
            ),
        )
        await session.commit()
        return report.short_id or ""


def _texts_to(site: Site, chat_id: str | int) -> list[str]:
    return [str(call.params.get("text", "")) for call in site.fake.calls_to("sendMessage", chat_id)]


async def _wait_for_text(site: Site, chat_id: str | int, needle: str) -> None:
    def arrived(_fake: object) -> bool:
        return any(needle in text for text in _texts_to(site, chat_id))

    await site.fake.wait_for(arrived, limit=15)


async def _login(site: Site, page: Page) -> None:
    me = user(COORDINATOR, "Cor", username="cor")
    site.fake.queue_update(text_update(private_chat(COORDINATOR, "Cor"), me, "/dashboard"))
    calls: list[Call] = await site.fake.wait_for_calls("sendMessage", chat_id=COORDINATOR, limit=15)
    match = LINK.search(str(calls[-1].params["text"]))
    assert match, calls[-1].params
    await page.goto(f"{site.url}/dashboard/login?token={match.group(1)}")
    await screenshot(page, "01-login")
    await page.get_by_role("button", name="Inloggen").click()
    await expect(page).to_have_url(f"{site.url}/dashboard")


async def test_a_coordinators_round_through_the_dashboard(site: Site, page: Page) -> None:
    short_id = await _seed(site)
    await _login(site, page)

    # Overzicht: the map (inline SVG) and the digest chart, for their own wijk only.
    await expect(page.locator(".map svg path").first).to_be_visible()
    await expect(page.locator(".chart img")).to_be_visible()
    await page.wait_for_function("() => document.querySelector('.chart img').complete", timeout=20_000)
    assert await page.locator(".chart img").evaluate("img => img.naturalWidth") > 100  # a real PNG
    # The legend's colour swatches are small squares beside their labels, not blocks as wide as the map.
    swatch = await page.locator(".legend .swatch").first.bounding_box()
    assert swatch is not None and swatch["width"] <= 24 and swatch["height"] <= 24, swatch
    await expect(page.get_by_role("main")).to_contain_text("Oud Krispijn")
    await expect(page.get_by_role("main")).not_to_contain_text("Sterrenburg")
    await screenshot(page, "02-overzicht")

    # Meldingen: filter on status "open", open the report and close it with an outcome.
    await page.get_by_role("link", name="Meldingen").first.click()
    await page.locator("select[name=status]").select_option("open")
    await page.locator("form.filters button").click()
    await expect(page).to_have_url(re.compile(r"status=open"))
    await expect(page.get_by_role("link", name=short_id)).to_be_visible()
    await screenshot(page, "03-meldingen")
    await page.get_by_role("link", name=short_id).click()
    await expect(page.get_by_role("main")).to_contain_text("naar binnen")  # escaped text, shown as text
    await screenshot(page, "04-melding")
    await page.locator("select[name=afloop]").select_option("opgelost")
    await page.locator("form[action$=afsluiten] button").click()
    await _wait_for_text(site, GROUP, f"Afgesloten: melding {short_id}")

    # Waarschuwen: compose, preview exactly, send; the group gets it at the fake Bot API.
    await page.get_by_role("link", name="Waarschuwen").click()
    await page.locator("select[name=soort]").select_option("waarschuwing")
    await page.locator("textarea[name=tekst]").fill("Let op: man met rode jas belt aan bij ouderen.")
    await screenshot(page, "05-waarschuwen")
    await page.get_by_role("button", name="Voorbeeld bekijken").click()
    preview = page.get_by_test_id("preview")
    await expect(preview).to_contain_text("Waarschuwing voor Oud Krispijn")
    await expect(preview).to_contain_text("Is er nu gevaar? Bel 112.")
    await screenshot(page, "06-voorbeeld")
    await page.get_by_role("button", name="Versturen", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Verstuurd")
    await _wait_for_text(site, GROUP, "man met rode jas belt aan")

    # Plan one for tomorrow evening, see it listed, cancel it.
    await page.locator("select[name=soort]").select_option("mededeling")
    await page.locator("textarea[name=tekst]").fill("Wijkoverleg morgen om 20:00 in het buurthuis.")
    await page.locator("input[name=wanneer]").fill("2026-11-23T18:30")
    await page.get_by_role("button", name="Voorbeeld bekijken").click()
    await page.get_by_role("button", name="Plannen", exact=True).click()
    planned = page.locator("#gepland + .table-wrap tbody tr")
    await expect(planned).to_have_count(1)
    await expect(planned).to_contain_text("23-11-2026 18:30")
    await screenshot(page, "07-gepland")
    await planned.get_by_role("button", name="Niet versturen").click()
    await expect(page.get_by_role("status")).to_contain_text("Ingetrokken")
    await expect(page.locator("#gepland + .table-wrap")).to_have_count(0)

    # The other pages, as a coordinator sees them.
    for name, shot in (("Campagnes", "08-campagnes"), ("Wijken", "09-wijken"), ("Export", "10-export")):
        await page.get_by_role("link", name=name, exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await screenshot(page, shot)

    # Log out: back at the login page, and the dashboard is closed again.
    await page.get_by_role("button", name="Uitloggen").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/login"))
    await screenshot(page, "11-uitgelogd")
    await page.goto(f"{site.url}/dashboard/waarschuwen")
    await expect(page).to_have_url(re.compile(r"/dashboard/login$"))
