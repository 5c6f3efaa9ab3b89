"""NUL bytes and lone surrogates in a name or a text: the normal reply, and the rows are stored.

PostgreSQL refuses both (a NUL in text, a lone surrogate cannot be encoded as UTF-8), so before
the adapters cleaned their input such a person never got a reply again. Run with
BUURTBOT_TEST_DB=postgres to see the failure this guards against; SQLite accepts both silently.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.whatsapp.parse import parse_webhook
from bot.app import App
from handlers.clean import clean_text
from handlers.clock import FakeClock
from storage.models import Person
from storage.reports import Report, ReportSuspect
from tests.harness import ConsoleHarness

HOSTILE_NAME = "Pi\x00et\udc00"
HOSTILE_TEXT = "Verdachte man\x00 bij Dubbeldamseweg 120 \ud83d rende richting station"


def test_clean_text_drops_nul_and_replaces_lone_surrogates() -> None:
    assert clean_text("a\x00b\ud800c\udfffd 😀 \n\t") == "ab\ufffdc\ufffdd 😀 \n\t"
    assert clean_text("gewoon") == "gewoon"


async def test_console_message_with_nul_and_surrogates_gets_its_card(
    console: ConsoleHarness, app: App
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", f":als {HOSTILE_NAME}")
    card = await console.text(f"/melding {HOSTILE_TEXT}")
    assert "Melding M-0001" in card and "Plek: Dubbeldamseweg 120" in card
    assert "Richting: station" in card
    rules = await console.text("/regels")  # the same person keeps getting answers
    assert "Afspraken" in rules
    async with app.services.db() as session:
        names = list(await session.scalars(select(Person.display_name).where(Person.platform == "console")))
        free_text = await session.scalar(select(ReportSuspect.free_text))
        reports = list(await session.scalars(select(Report.short_id)))
    assert "Piet\ufffd" in names
    assert reports == ["M-0001"]
    assert free_text is not None and "\x00" not in free_text and "\ud83d" not in free_text


def test_whatsapp_parse_cleans_name_and_text(clock: FakeClock) -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "contacts": [{"profile": {"name": HOSTILE_NAME}, "wa_id": "316"}],
                            "messages": [
                                {"from": "316", "id": "wamid.1", "timestamp": "1", "type": "text",
                                 "text": {"body": "melding fiets\x00 weg \udc00"}},
                            ],
                        },
                    }
                ],
            }
        ],
    }  # fmt: skip
    [incoming] = parse_webhook(body, clock.now()).incoming
    assert incoming.sender is not None and incoming.sender.display_name == "Piet\ufffd"
    assert (incoming.command, incoming.args) == ("melding", "fiets weg \ufffd")
