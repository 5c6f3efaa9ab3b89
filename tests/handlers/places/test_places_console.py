"""Wijken as places through the console: listing, "Bedoel je …?", rename, merge, and pins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from config.settings import Settings, SettingsError, load_settings
from handlers.clock import FakeClock
from storage.models import Area, Chat, Role, RoleName
from storage.reports import Report
from tests.harness import ConsoleHarness

# A spot in buurt Sterrenburg (wijk Sterrenburg), well inside its polygon.
STERRENBURG_PIN = ":locatie 51.7885 4.6790"


async def _area(app: App, name: str) -> Area | None:
    async with app.services.db() as session:
        area: Area | None = await session.scalar(select(Area).where(Area.name == name))
        return area


async def _chat_area(app: App, title: str) -> str | None:
    async with app.services.db() as session:
        chat = await session.scalar(select(Chat).where(Chat.title == title))
        area = await session.get(Area, chat.area_id) if chat and chat.area_id else None
        return area.name if area else None


async def test_wijken_lists_the_municipality(dordrecht: App, console: ConsoleHarness) -> None:
    text = await console.text("/wijken")
    assert "Wijken</b> (13)" in text or "Wijken (13)" in text
    assert "Nieuw-Krispijn (WK050504): 7 buurten" in text
    assert "Crabbehof/Zuidhoven (WK050508)" in text
    assert "Sterrenburg 1-Oost" not in text  # buurten are counted, not listed


async def test_a_typo_asks_did_you_mean_and_the_button_links(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn-app")
    asked = await console.text("/wijk Krispyn")
    assert "Bedoel je Oud Krispijn?" in asked
    assert await _area(dordrecht, "Krispyn") is None  # nothing created by accident
    assert "hoort nu bij wijk Oud Krispijn" in await console.text("1")
    assert await _chat_area(dordrecht, "Krispijn-app") == "Oud Krispijn"


async def test_names_with_spaces_hyphens_and_slashes(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(":groep Zuidhoven-alarm")
    assert "Crabbehof/Zuidhoven" in await console.text("/wijk crabbehof zuidhoven")
    await console.say(":groep Reeland")
    assert "hoort nu bij wijk Het Reeland" in await console.text("/wijk het-reeland")


async def test_no_near_match_for_a_resident_admin_lists_the_wijken(
    dordrecht: App, console: ConsoleHarness
) -> None:
    await console.say(":groep Buren", ":als Piet")
    console.session.state.admins.setdefault("buren", set()).add("piet")
    text = await console.text("/wijk Amsterdam")
    assert "ken ik nog niet" in text and "Sterrenburg" in text
    assert await _area(dordrecht, "Amsterdam") is None


async def test_only_beheerders_manage_wijken(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(":als Ans coordinator Sterrenburg")
    assert "mag dit" in await console.text("/wijk hernoem Sterrenburg naar Sterrenwijk")
    assert await _area(dordrecht, "Sterrenburg") is not None


async def test_rename_keeps_the_code_and_groups(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(":groep Oost", "/wijk Oud Krispijn", ":prive")
    assert "heet nu Krispijn-Oud" in await console.text("/wijk hernoem oud krispijn naar Krispijn-Oud")
    assert "/wijk hernoem oud krispijn naar Krispijn-Oud" in await console.text("/audit")
    renamed = await _area(dordrecht, "Krispijn-Oud")
    assert renamed is not None and renamed.code == "WK050503"
    assert await _chat_area(dordrecht, "Oost") == "Krispijn-Oud"
    assert "Er is al een wijk" in await console.text("/wijk hernoem Staart naar Krispijn-Oud")


async def test_merge_moves_groups_reports_roles(dordrecht: App, console: ConsoleHarness) -> None:
    assert "is aangemaakt" in await console.text("/wijk nieuw Krispijn Zuid")
    await console.say(
        ":groep Zuidgroep", "/wijk Krispijn Zuid", "/melding Man loert in auto's bij de Reeweg 4"
    )
    await console.say(":als Ans coordinator Krispijn Zuid", ":als Beheerder beheerder", ":prive")
    merged = await console.text("/wijk samenvoegen Krispijn Zuid naar Nieuw-Krispijn")
    assert "samengevoegd met Nieuw-Krispijn" in merged
    target = await _area(dordrecht, "Nieuw-Krispijn")
    assert target is not None and await _area(dordrecht, "Krispijn Zuid") is None
    async with dordrecht.services.db() as session:
        reports = list(await session.scalars(select(Report.area_id)))
        roles = list(await session.scalars(select(Role.area_id).where(Role.role == RoleName.COORDINATOR)))
    assert reports == [target.id] and roles == [target.id]
    assert await _chat_area(dordrecht, "Zuidgroep") == "Nieuw-Krispijn"


async def _skip_dialog(console: ConsoleHarness, first: str) -> str:
    """Answer every remaining /melding question with its "Overslaan"/"Nee" button."""
    out = first
    for _ in range(8):
        buttons = dict(re.findall(r"\[(\d+)\] (Overslaan|Nee)", out))
        if not buttons:
            return out
        out = await console.text(next(iter(buttons)))
    return out


async def test_a_pin_in_another_wijk_files_the_report_there(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(
        ":groep Sterrenburg-app", "/wijk Sterrenburg", ":groep Wielwijk-alarm", "/wijk Wielwijk"
    )
    await console.say(":als Piet", "/melding", ":prive", "1")  # goes on privately; verdachte situatie
    out = await _skip_dialog(console, await console.text(STERRENBURG_PIN))
    cards = [line for line in out.splitlines() if "] buurtbot:" in line]
    # /melding in the Wielwijk group goes on privately; the pin files it in Sterrenburg.
    assert any(line.startswith("[Sterrenburg-app]") for line in cards)
    assert not any(line.startswith("[Wielwijk-alarm]") for line in cards)
    assert re.search(r"📍 bij [^\n]+ \(wijk Sterrenburg\)", out)
    sterrenburg = await _area(dordrecht, "Sterrenburg")
    async with dordrecht.services.db() as session:
        report = await session.scalar(select(Report))
    assert report is not None and sterrenburg is not None
    assert report.area_id == sterrenburg.id and (report.buurt_code or "").startswith("BU050509")


async def test_a_pin_shared_after_a_report_completes_it(
    dordrecht: App, console: ConsoleHarness, clock: FakeClock
) -> None:
    await console.say(":groep Sterrenburg-app", "/wijk Sterrenburg", ":als Piet")
    await console.say("/melding Twee mannen met een zaklamp kijken in geparkeerde autos")
    clock.advance(minutes=4)
    edited = await console.text(STERRENBURG_PIN)
    assert re.search(r"📍 bij [^\n]+ \(wijk Sterrenburg\)", edited)
    async with dordrecht.services.db() as session:
        report = await session.scalar(select(Report))
    assert report is not None and report.latitude is not None and report.buurt_code is not None


async def test_a_late_pin_is_not_attached(dordrecht: App, console: ConsoleHarness, clock: FakeClock) -> None:
    await console.say(":groep Sterrenburg-app", "/wijk Sterrenburg", ":als Piet")
    await console.say("/melding Twee mannen met een zaklamp kijken in geparkeerde autos")
    clock.advance(minutes=11)
    await console.say(STERRENBURG_PIN)
    async with dordrecht.services.db() as session:
        report = await session.scalar(select(Report))
    assert report is not None and report.latitude is None


async def test_aanmelden_understands_typos_and_buurten(dordrecht: App, console: ConsoleHarness) -> None:
    await console.say(":als Ans")
    assert "Bedoel je Wielwijk? Stuur dan: aanmelden Wielwijk" in await console.text("/aanmelden wielwyk")
    assert "Sterrenburg" in await console.text("/aanmelden Sterrenburg 1-Oost")
    assert "Je krijgt waarschuwingen voor: Sterrenburg" in await console.text("/aanmelden")
    listed = await console.text("/aanmelden Nergenshuizen")
    assert "Nieuw-Krispijn" in listed and "Sterrenburg 1-Oost" not in listed


async def test_a_listed_street_lands_in_its_buurt(
    dordrecht: App, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    streets = tmp_path / "straten.csv"
    streets.write_text("straat;buurtcode\nKastanjelaan;BU05050903\n", encoding="utf-8")
    app = build_app(settings.model_copy(update={"streets_file": str(streets)}), clock=clock)
    try:
        console = ConsoleHarness(app)
        await console.start()
        await console.say(":groep Wielwijk-alarm", "/wijk Wielwijk", ":als Piet")
        await console.say("/melding Man probeert deuren van autos op de kastanjelaan 12")
        async with app.services.db() as session:
            report = await session.scalar(select(Report))
            wijk = await session.get(Area, report.area_id) if report and report.area_id else None
    finally:
        await app.close()
    assert report is not None and report.buurt_code == "BU05050903"
    assert wijk is not None and wijk.name == "Sterrenburg"


def test_a_missing_street_list_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, streets_file=str(tmp_path / "nope.csv"))
    assert error.value.variable == "STREETS_FILE"
