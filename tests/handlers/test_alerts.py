"""Alerts and coordinators through the console: roles, preview, the button, fan-out, audit."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender
from storage.alerts import Broadcast
from storage.models import OutboxMessage, Role, RoleName
from tests.harness import ConsoleHarness

ALERT_LINE = "Er zijn mensen die zich voordoen als politieagent"


async def _four_groups(console: ConsoleHarness) -> None:
    for name in ("Groep A", "Groep B", "Groep C"):
        await console.say(f":groep {name}", "/wijk Krispijn")
    await console.say(":groep Groep D", "/wijk Sterrenburg")


def _alert_copies(lines: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines:
        if line.startswith("[Groep") and "Waarschuwing voor" in line:
            group = line[1 : line.index("]")]
            counts[group] = counts.get(group, 0) + 1
    return counts


async def test_console_done_when_scenario(console: ConsoleHarness, app: App) -> None:
    await _four_groups(console)
    await console.say(":prive", ":als Ans coordinator Krispijn")
    preview = await console.text("/alert babbeltruc-nep-agent Krispijn")
    assert "Voorbeeld" in preview and "3 groepen" in preview and ALERT_LINE in preview
    assert "[1] Versturen" in preview and "[2] Annuleren" in preview
    assert _alert_copies(console.output) == {}  # nothing sent before the button
    sent = await console.say("1")
    assert _alert_copies(sent) == {"Groep A": 1, "Groep B": 1, "Groep C": 1}
    text = "\n".join(sent)
    assert "Klaar: 3 van 3 chats bereikt" in text
    again = await console.say("1")  # pressing again sends nothing more
    assert _alert_copies(again) == {} and "al verstuurd" in "\n".join(again)
    async with app.services.db() as session:
        broadcast = (await session.scalars(select(Broadcast))).one()
        rows = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast.id))
        )
    assert (broadcast.total, broadcast.delivered, broadcast.failed) == (3, 3, 0)
    assert broadcast.alert_type == "babbeltruc-nep-agent" and broadcast.area_names == "Krispijn"
    assert broadcast.finished_at is not None and len(rows) == 3


async def test_alert_list_and_cancel(console: ConsoleHarness) -> None:
    await _four_groups(console)
    await console.say(":prive", ":als Ans coordinator Krispijn")
    listing = await console.text("/alert")
    assert "babbeltruc-nep-agent – nep-politie" in listing and "verdacht-voertuig" in listing
    await console.say("/alert inbraakgolf")  # the one area Ans coordinates
    cancelled = await console.text("2")
    assert "Geannuleerd" in cancelled and _alert_copies(console.output) == {}


async def test_resident_alert_is_refused(console: ConsoleHarness, app: App) -> None:
    await _four_groups(console)
    reply = await console.text(":prive", ":als Piet bewoner", "/alert babbeltruc-nep-agent Krispijn")
    assert "Dat mag ik niet voor je doen: alleen een coördinator" in reply
    async with app.services.db() as session:
        assert list(await session.scalars(select(Broadcast))) == []


async def test_krispijn_coordinator_cannot_alert_sterrenburg(console: ConsoleHarness, app: App) -> None:
    await _four_groups(console)
    await console.say(":prive", ":als Ans coordinator Krispijn")
    reply = await console.text("/alert inbraakgolf Sterrenburg")
    assert "je bent geen coördinator van Sterrenburg" in reply
    assert "geen coördinator van Sterrenburg" in await console.text("/bericht Krispijn Sterrenburg hoi")
    reply = await console.text("/bericht Krispijn Morgen om 19 uur buurtoverleg")
    assert "Voorbeeld" in reply and "3 groepen" in reply
    async with app.services.db() as session:
        broadcasts = list(await session.scalars(select(Broadcast)))
    assert [b.area_names for b in broadcasts] == ["Krispijn"]


async def test_vermissing_needs_a_description_and_schedule_holds_rows(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await _four_groups(console)
    await console.say(":prive", ":als Ans coordinator Krispijn")
    assert "Beschrijf de vermiste persoon" in await console.text("/alert vermissing Krispijn")
    preview = await console.text("/alert vermissing Krispijn Jan (82), blauwe jas plan 18:00")
    assert "Jan (82), blauwe jas" in preview and "op 22-11-2026 18:00" in preview
    scheduled = await console.text("1")
    assert "Ingepland voor 22-11-2026 18:00" in scheduled and _alert_copies(console.output) == {}
    clock.advance(hours=5, minutes=1)  # 18:01 in Amsterdam (UTC+1)
    sent = await console.say(":groep Groep A", "hallo")
    assert _alert_copies(sent) == {"Groep A": 1, "Groep B": 1, "Groep C": 1}


async def test_coordinator_appointment_rules(console: ConsoleHarness, app: App) -> None:
    await _four_groups(console)
    await console.say(":prive", ":als Ans bewoner", ":als Piet bewoner")
    assert "Dat mag ik niet" in await console.text("/coordinator @Ans Krispijn")
    await console.say(":als Beheerder beheerder")
    assert "Ans is nu coördinator van Krispijn" in await console.text("/coordinator @Ans Krispijn")
    assert "Ans was al coördinator" in await console.text("/coordinator @Ans Krispijn")
    assert "Ik ken @Onbekend nog niet" in await console.text("/coordinator @Onbekend Krispijn")
    assert "Ans is geen coördinator van Krispijn meer" in await console.text(
        "/coordinator intrekken @Ans Krispijn"
    )


async def test_a_group_admin_cannot_appoint_coordinators(app: App, clock: FakeClock) -> None:
    """Anyone can make a group and link it to a wijk: its admin (here an anonymous one, sender = the
    group itself) must not be able to make someone coordinator of that whole wijk."""
    group = "-100200"

    def incoming(text: str) -> Incoming:
        command, _, args = text[1:].partition(" ")
        return Incoming(
            Platform.TELEGRAM,
            group,
            ChatKind.GROUP,
            EventKind.MESSAGE,
            clock.now(),
            sender=Sender(group, "Buurtgroep", None, is_chat_admin=True),
            chat_title="Buurtgroep",
            text=text,
            command=command,
            args=args,
        )

    person = Incoming(
        Platform.TELEGRAM,
        "55",
        ChatKind.PRIVATE,
        EventKind.MESSAGE,
        clock.now(),
        sender=Sender("55", "Ans", "ans_nl"),
        text="/start",
        command="start",
    )
    await app.dispatcher.dispatch(person)
    async with app.services.db() as session:
        from storage.chats import create_area, ensure_chat

        krispijn = await create_area(session, "Krispijn", clock.now())
        await create_area(session, "Sterrenburg", clock.now())
        chat = await ensure_chat(session, "telegram", group, "group", "Buurtgroep", clock.now())
        chat.area_id = krispijn.id
        await session.commit()
    for text in ("/coordinator @ans_nl Sterrenburg", "/coordinator @ans_nl", "/coordinator @ans_nl Krispijn"):
        refused = await app.dispatcher.dispatch(incoming(text))
        assert refused[0].parts[0].key == "error.not_allowed"
        assert refused[0].parts[0].params["reason"].key == "reason.beheerder"
    async with app.services.db() as session:
        roles = (await session.scalars(select(Role).where(Role.role == RoleName.COORDINATOR))).all()
    assert roles == []


async def test_help_shows_alert_only_to_coordinators(console: ConsoleHarness) -> None:
    await _four_groups(console)
    assert "/alert" not in await console.text(":prive", ":als Piet bewoner", "/help")
    assert "/alert" in await console.text(":als Ans coordinator Krispijn", "/help")
