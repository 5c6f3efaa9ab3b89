"""The console chat, driven as a person would: through the harness and through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from storage.models import Area, Chat
from tests.harness import ConsoleHarness

ROOT = Path(__file__).resolve().parent.parent


async def test_group_introduction_then_private_welcome(console: ConsoleHarness) -> None:
    out = await console.say(":groep Krispijn")
    assert out[0] == "Je bent nu in groep Krispijn."
    assert out[1].startswith("[Krispijn] buurtbot: Hallo allemaal!")
    assert any("112" in line for line in out)
    rules = await console.text("/regels")
    assert rules.startswith("[Krispijn] buurtbot: Afspraken in deze groep (SAAR)")
    assert "bel eerst 112" in rules
    await console.say(":prive")
    welcome = await console.text("/start")
    assert welcome.startswith("[privé Beheerder] buurtbot: Hallo Beheerder!")
    assert "Bel eerst 112" in welcome


async def test_bad_input_gets_a_friendly_answer_or_none(console: ConsoleHarness) -> None:
    assert await console.say("/bestaatniet") == [
        "[privé Beheerder] buurtbot: Die opdracht ken ik niet: /bestaatniet. Typ /help voor wat ik kan."
    ]
    assert await console.say("") == []
    assert await console.say("x" * 5000) == [
        "[privé Beheerder] buurtbot: Dit bericht is te lang voor mij. Kun je het korter maken?"
    ]
    assert (await console.say("/start"))[0].startswith("[privé Beheerder] buurtbot: Hallo")


async def test_unknown_control_and_missing_button(console: ConsoleHarness) -> None:
    assert await console.say(":vlieg") == ["Die console-opdracht ken ik niet. Typ :help."]
    assert (await console.say(":help"))[0] == "Console-opdrachten:"


async def test_wijk_links_groups_and_roles_are_checked(console: ConsoleHarness, app: App) -> None:
    await console.say(":groep Krispijn")
    assert await console.say("/wijk Krispijn") == [
        "[Krispijn] buurtbot: Wijk Krispijn is aangemaakt. Deze groep hoort er nu bij."
    ]
    await console.say(":als Ans")
    refused = await console.text("/wijk Sterrenburg")
    assert "alleen een beheerder van deze groep" in refused
    await console.say(":groep Wielwijk")  # Ans created this group, so she is its admin
    assert "Wijk Sterrenburg ken ik nog niet. Bekende wijken: Krispijn." in await console.text(
        "/wijk Sterrenburg"
    )
    await console.say(":als Ans coordinator Krispijn")  # a plain admin would only send a request
    assert await console.say("/wijk krispijn") == [
        "[Wielwijk] buurtbot: Deze groep hoort nu bij wijk Krispijn."
    ]
    async with app.services.db() as session:
        areas = list(await session.scalars(select(Area.name)))
        linked = list(
            await session.scalars(select(Chat.title).where(Chat.area_id.is_not(None)).order_by(Chat.id))
        )
    assert areas == ["Krispijn"]
    assert linked == ["Krispijn", "Wielwijk"]


async def test_help_lists_only_what_this_person_may_use(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn")
    admin_help = await console.text("/help")
    assert "/wijk" in admin_help
    await console.say(":als Piet")
    resident_help = await console.text("/help")
    assert "/regels" in resident_help
    assert "/wijk" not in resident_help


async def test_language_switch_changes_the_texts(console: ConsoleHarness) -> None:
    assert await console.say("/taal en") == ["[privé Beheerder] buurtbot: I now speak English here."]
    assert "Hello Beheerder!" in await console.text("/start")
    assert await console.say("/taal fr") == ["[privé Beheerder] buurtbot: Choose a language: /taal nl | en"]


def _piped_console(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_piped_cli_session(db_url: str, tmp_path: Path) -> None:
    """``printf … | buurtbot console`` prints the group introduction, then a private welcome."""
    script = ":groep Krispijn\n/regels\n:prive\n/start\n/onbekend\n\n" + "y" * 5000 + "\n/start\n"
    result = _piped_console(script, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[Krispijn] buurtbot: Hallo allemaal!" in out
    assert out.index("[Krispijn] buurtbot: Afspraken") < out.index(
        "[privé Beheerder] buurtbot: Hallo Beheerder!"
    )
    assert "Die opdracht ken ik niet: /onbekend" in out
    assert "te lang" in out
    assert out.count("[privé Beheerder] buurtbot: Hallo Beheerder!") == 2
    assert "Traceback" not in result.stderr


def test_a_restarted_console_does_not_greet_its_groups_again(db_url: str, tmp_path: Path) -> None:
    first = _piped_console(":groep Krispijn\n/wijk Krispijn\n", tmp_path)
    assert "[Krispijn] buurtbot: Hallo allemaal!" in first.stdout
    second = _piped_console(":groep Krispijn\n/regels\n:groep Sterrenburg\n", tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Hallo allemaal!" not in second.stdout.split("Sterrenburg.")[0]
    assert "[Krispijn] buurtbot: Afspraken in deze groep" in second.stdout
    assert "[Sterrenburg] buurtbot: Hallo allemaal!" in second.stdout


def _commands(help_text: str) -> set[str]:
    return {line.split("–")[0].split()[-1] for line in help_text.splitlines() if "–" in line}


EVERYONE_IN_GROUP = {
    *("/start", "/help", "/regels", "/stop", "/hulp", "/melding", "/mijngegevens", "/vergeetmij"),
    *("/ronde", "/rondes"),  # patrol rounds: walkers start and end their round
}


async def test_help_in_a_group_follows_the_role(console: ConsoleHarness) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    assert _commands(await console.text("/help")) == EVERYONE_IN_GROUP
    await console.say(":als Wim coordinator Wielwijk")  # a coordinator, but of another area
    # they may alert their own area from anywhere; /statistiek answers them privately
    alerting = {"/campagne", "/alert", "/bericht", "/team", "/statistiek"}
    assert _commands(await console.text("/help")) == EVERYONE_IN_GROUP | alerting
    await console.say(":als Ans coordinator Krispijn")
    coordinator = EVERYONE_IN_GROUP | alerting | {"/taal", "/wijk", "/campagnes", "/meldingen"}
    assert _commands(await console.text("/help")) == coordinator


async def test_help_in_private_follows_the_role(console: ConsoleHarness) -> None:
    await console.say(":als Piet")
    resident = _commands(await console.text("/help"))
    assert resident == EVERYONE_IN_GROUP | {"/taal", "/aanmelden", "/wijken"}
    await console.say(":als Ans coordinator Krispijn")
    coordinator = resident | {"/whatsappgroep", "/campagne", "/meldingen", "/alert", "/bericht", "/team"}
    coordinator |= {"/statistiek", "/digest", "/dashboard"}
    assert _commands(await console.text("/help")) == coordinator
    await console.say(":als Beheerder beheerder")
    assert {"/coordinator", "/gemeente"} <= _commands(await console.text("/help"))
