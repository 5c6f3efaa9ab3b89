"""aanmelden / STOP / /whatsappgroep driven through the console, plus the alert targets."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.alert_targets import alert_targets, enqueue_alert_targets
from handlers.types import ChatKind, Msg, Reply
from storage.chats import create_area, find_area, get_chat
from storage.models import Chat, OutboxMessage
from storage.people import ensure_person
from storage.whatsapp import AreaSubscription, ForwardKit, add_forward_kit, subscribe
from tests.harness import ConsoleHarness


async def _subscriptions(app: App) -> list[tuple[str, str]]:
    async with app.services.db() as session:
        rows = await session.execute(
            select(Chat.external_id, AreaSubscription.area_id).join(Chat, Chat.id == AreaSubscription.chat_id)
        )
        return [(chat, str(area)) for chat, area in rows.all()]


async def test_aanmelden_and_stop(console: ConsoleHarness, app: App) -> None:
    await console.say(":als Coördinator coordinator Krispijn", ":als Ans")
    assert "Bekende wijken: Krispijn" in await console.text("/aanmelden")
    assert "Wijk Sterrenburg ken ik niet" in await console.text("/aanmelden Sterrenburg")
    done = await console.text("/aanmelden krispijn")
    assert "Je krijgt nu waarschuwingen voor wijk Krispijn." in done and "STOP" in done and "112" in done
    assert "al" in await console.text("/aanmelden Krispijn")
    assert "Je krijgt waarschuwingen voor: Krispijn" in await console.text("/aanmelden")
    assert len(await _subscriptions(app)) == 1
    assert "Je bent afgemeld" in await console.text("/stop")
    assert await _subscriptions(app) == []
    assert "Je bent afgemeld" in await console.text("/stop")  # nothing to stop: still reassuring
    assert "Er loopt nu geen gesprek" in await console.text("/annuleer")


async def test_annuleer_does_not_end_subscriptions(console: ConsoleHarness, app: App) -> None:
    await console.say(":als Coördinator coordinator Krispijn", ":als Ans", "/aanmelden Krispijn")
    await console.say("/annuleer")
    assert len(await _subscriptions(app)) == 1
    await console.say("/afmelden")
    assert await _subscriptions(app) == []


async def test_whatsappgroep_needs_a_coordinator_of_the_area(console: ConsoleHarness, app: App) -> None:
    await console.say(":als Piet coordinator Oud Krispijn", ":als Ans coordinator Wielwijk")
    assert "Alleen een coördinator van wijk Oud Krispijn" in await console.text(
        "/whatsappgroep Oud Krispijn Buurtapp"
    )
    await console.say(":als Piet coordinator Oud Krispijn")
    assert "Geef de wijk" in await console.text("/whatsappgroep Oud Krispijn")
    registered = await console.text("/whatsappgroep oud krispijn Buurtapp Noord")
    assert "je WhatsApp-groep Buurtapp Noord hoort bij wijk Oud Krispijn" in registered
    assert "stond al genoteerd" in await console.text("/whatsappgroep Oud Krispijn Buurtapp Noord")
    async with app.services.db() as session:
        group = await session.scalar(select(Chat).where(Chat.kind == ChatKind.WHATSAPP_GROUP))
        area = await find_area(session, "Oud Krispijn")
        kits = list(await session.scalars(select(ForwardKit)))
    assert group is not None and area is not None
    assert (group.platform, group.title, group.area_id) == ("whatsapp", "Buurtapp Noord", area.id)
    assert len(kits) == 1 and kits[0].group_chat_id == group.id


ALERT = Reply((Msg.of("subscribe.done", area="*Krispijn*"),))


async def test_alert_targets_subscribers_and_kits(console: ConsoleHarness, app: App) -> None:
    await console.say(":als Piet coordinator Krispijn", "/whatsappgroep Krispijn Buurtapp Noord")
    await console.say("/whatsappgroep Krispijn Buurtapp Zuid")
    await console.say(":als Ans", "/aanmelden Krispijn")
    services = app.services
    async with services.db() as session:
        area = await find_area(session, "Krispijn")
        assert area is not None
        wa_chat = Chat(
            platform="whatsapp",
            external_id="31612345678",
            kind="private",
            title=None,
            active=True,
            created_at=services.clock.now(),
        )
        session.add(wa_chat)
        await session.flush()
        await subscribe(session, wa_chat.id, area.id, services.clock.now())
        targets = await alert_targets(session, services.catalog, [area.id], ALERT)
        other = await alert_targets(session, services.catalog, [area.id + 99], ALERT)
        ans = await get_chat(session, "console", "ans")
    assert other == []
    assert [(t.chat.external_id, t.reason) for t in targets] == [
        ("ans", "subscriber"),
        ("31612345678", "subscriber"),
        ("piet", "forward_kit"),
    ]
    assert ans is not None and targets[0].chat.id == ans.id
    assert targets[0].replies[0].parts[-1].key == "subscribe.footer"
    intro, text = targets[2].replies
    assert intro.parts[0].params["groups"] == "Buurtapp Noord, Buurtapp Zuid"
    # A console/Telegram coordinator gets WhatsApp markup as literal text to copy; user text is defused.
    assert text.parts[0].params["text"].startswith("Je krijgt nu waarschuwingen voor wijk *∗Krispijn∗*.")


async def test_whatsapp_coordinator_gets_the_alert_itself_to_forward(app: App) -> None:
    services = app.services
    now = services.clock.now()
    async with services.db() as session:
        area = await create_area(session, "Krispijn", now)
        coordinator = Chat(
            platform="whatsapp", external_id="316", kind="private", title=None, active=True, created_at=now
        )
        group = Chat(
            platform="whatsapp",
            external_id="group:k:b",
            kind="whatsapp-group",
            title="Buurtapp",
            active=True,
            created_at=now,
            area_id=area.id,
        )
        session.add_all([coordinator, group])
        await session.flush()
        person = await ensure_person(session, "whatsapp", "316", "Piet", None, now, b"k")
        await add_forward_kit(session, group.id, coordinator.id, person.id, now)
        queued = await enqueue_alert_targets(
            session, services.outbox, services.catalog, [area.id], ALERT, "a:1"
        )
        again = await enqueue_alert_targets(
            session, services.outbox, services.catalog, [area.id], ALERT, "a:1"
        )
        await session.commit()
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert (queued, again) == (2, 0)
    assert [r.chat_id for r in rows] == [coordinator.id, coordinator.id]
    assert rows[0].payload["parts"][0]["key"] == "kit.intro"
    assert rows[1].payload["parts"][0]["key"] == "subscribe.done"
