"""Card taps count only from members of the card's chats; every refusal is an audit row."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import ChatKind, EventKind, Incoming, Platform, Sender
from storage.audit import AuditEntry, ChatMember
from storage.models import Person
from storage.reports import ReportTap
from tests.harness import ConsoleHarness


def _private_tap(clock: FakeClock, who: str, data: str) -> Incoming:
    return Incoming(
        Platform.CONSOLE,
        who.lower(),
        ChatKind.PRIVATE,
        EventKind.CALLBACK,
        clock.now(),
        sender=Sender(who.lower(), who),
        chat_title=who,
        callback_data=data,
    )


async def _audit(app: App) -> list[AuditEntry]:
    async with app.services.db() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def _taps(app: App) -> int:
    async with app.services.db() as session:
        return int(await session.scalar(select(func.count(ReportTap.id))) or 0)


async def test_forged_tap_from_a_private_chat_is_refused_and_audited(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Piet")
    card = await console.text("/melding Man loert in auto's bij de Reeweg 4")
    assert "Nog niet gebeld" in card
    await console.say(":prive", ":als Mallory", "/start")
    replies = await app.dispatcher.dispatch(_private_tap(clock, "Mallory", "rp:called:M-0001"))
    assert replies[0].parts[0].key == "error.not_allowed"
    assert replies[0].parts[0].params["reason"].key == "reason.not_member"  # type: ignore[attr-defined]
    assert all(reply.target is None for reply in replies)  # no card edit went to the group
    assert await _taps(app) == 0
    async with app.services.db() as session:
        mallory = (await session.scalars(select(Person).where(Person.external_id == "mallory"))).one()
    entry = (await _audit(app))[-1]
    assert (entry.who, entry.person_id, entry.place) == (mallory.pseudonym, mallory.id, "privé")
    assert (entry.action, entry.reason) == ("knop rp:called:M-0001", "reason.not_member")
    assert "mallory" not in entry.who


async def test_a_member_seen_in_the_group_and_the_reporter_may_tap(
    console: ConsoleHarness, app: App, clock: FakeClock
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":als Karin", "goedemiddag allemaal")
    await console.say(":als Piet", "/melding Man loert in auto's bij de Reeweg 4")
    async with app.services.db() as session:
        members = int(await session.scalar(select(func.count(ChatMember.id))) or 0)
    assert members >= 2  # Karin and Piet were seen in the group
    for who in ("Karin", "Piet"):
        replies = await app.dispatcher.dispatch(_private_tap(clock, who, "rp:seen:M-0001"))
        assert replies and replies[0].parts[0].key != "error.not_allowed"
    assert await _taps(app) == 2 and await _audit(app) == []


async def test_every_role_refusal_is_stored_and_beheerders_read_them(
    console: ConsoleHarness, app: App
) -> None:
    await console.say(":groep Krispijn", "/wijk Krispijn", ":prive", ":als Piet bewoner")
    await console.say(
        "/alert inbraakgolf Krispijn",
        "/bericht Krispijn hoi",
        "/coordinator @Piet Krispijn",
        "/campagne lijst",
        "/whatsappgroep Krispijn Buren",
        "/audit",
    )
    await console.say(":groep Krispijn", "/wijk Sterrenburg", "/campagnes uit", "/meldingen")
    reasons = [(e.action, e.reason) for e in await _audit(app)]
    assert reasons == [
        ("/alert inbraakgolf", "reason.coordinator"),
        ("/bericht Krispijn", "reason.coordinator"),
        ("/coordinator @Piet", "reason.beheerder"),
        ("/campagne lijst", "campaigns.not_allowed"),
        ("/whatsappgroep Krispijn", "kit.not_coordinator"),
        ("/audit", "reason.beheerder"),
        ("/wijk Sterrenburg", "reason.group_admin"),
        ("/campagnes uit", "campaigns.only_group_admin"),
        ("/meldingen", "reason.coordinator"),
    ]
    listing = await console.text(":prive", ":als Beheerder beheerder", "/audit")
    assert "Laatste 9 weigeringen" in listing and "/alert inbraakgolf" in listing
    async with app.services.db() as session:
        piet = (await session.scalars(select(Person).where(Person.external_id == "piet"))).one()
    assert piet.pseudonym in listing  # who = the pseudonym, never the platform id
