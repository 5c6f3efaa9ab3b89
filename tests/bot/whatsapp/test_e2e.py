"""WhatsApp end to end over real HTTP: fake Cloud API → webhook → router → outbox → transport → fake."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.adapters.whatsapp.parse import parse_webhook
from bot.adapters.whatsapp.setup import WhatsApp, build_whatsapp
from bot.adapters.whatsapp.webhook import WEBHOOK_PATH
from bot.app import App, build_app
from bot.sender import PacedSender
from config.settings import Settings, load_settings
from handlers.alert_targets import enqueue_alert_targets
from handlers.clock import FakeClock
from handlers.router import Command, Routes, Where
from handlers.routes import ROUTES
from handlers.services import Services
from handlers.types import Button, EventKind, Incoming, Msg, Reply
from storage.chats import create_area
from storage.inbox import InboxMessage, InboxState
from storage.models import Chat, OutboxMessage, OutboxStatus, Person, RoleName
from storage.people import ensure_person, grant_role
from storage.whatsapp import AreaSubscription, WhatsAppMessage, statuses_of
from tests.bot.inbox_support import database_cut, inbox_states, intake_only
from tests.bot.whatsapp.conftest import conformance_lines, serve
from tests.fakes.whatsapp_api import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    FakeWhatsAppApi,
)

ANS = "31611111111"
BOB = "31622222222"
PIET = "31633333333"
VERIFY = "verify-token-e2e"


@dataclass
class Seen:
    """What the test-only routes received (the router's view of the webhook)."""

    incoming: list[Incoming] = dataclasses.field(default_factory=list)


def _routes(seen: Seen) -> Routes:
    async def melding(incoming: Incoming, services: Services) -> list[Reply]:
        seen.incoming.append(incoming)
        return [Reply.say("whatsapp.choose")]

    async def many(incoming: Incoming, services: Services) -> list[Reply]:
        buttons = tuple((Button(Msg.of("kit.text", text=f"Keuze {n}"), f"pick:{n}"),) for n in range(1, 13))
        return [Reply((Msg.of("whatsapp.choose"),), buttons=buttons)]

    async def pick(incoming: Incoming, services: Services) -> list[Reply]:
        seen.incoming.append(incoming)
        return [Reply.say("kit.text", text=f"gekozen {incoming.callback_data}")]

    return dataclasses.replace(
        ROUTES,
        commands={
            **ROUTES.commands,
            "melding": Command(melding, "help.start", Where.PRIVATE),
            "veel": Command(many, "help.start"),
        },
        callbacks={**ROUTES.callbacks, "pick": pick},
    )


@dataclass
class WA:
    app: App
    api: FakeWhatsAppApi
    parts: WhatsApp
    url: str
    clock: FakeClock
    seen: Seen
    drain: PacedSender

    async def say(self, wa_id: str, text: str, wamid: str | None = None) -> None:
        await self.post(self.api.text_message(wa_id, text, wamid=wamid))

    async def post(self, body: dict[str, object]) -> None:
        status, _ = await self.api.post_webhook(self.url, body)
        assert status == 200
        await self.parts.intake.idle()
        await self.drain.drain()

    async def count(self, model: type) -> int:
        async with self.app.services.db() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def wa(app: App, settings: Settings, clock: FakeClock) -> AsyncIterator[WA]:
    # ``app`` (unused) empties the tables; this app shares the database with WhatsApp configured.
    async with FakeWhatsAppApi(now=lambda: clock.now().timestamp()) as api:
        configured = load_settings(
            _env_file=None,
            database_url=settings.database_url,
            pseudonym_secret="test-secret",
            whatsapp_token=DEFAULT_TOKEN,
            whatsapp_phone_number_id=DEFAULT_PHONE_NUMBER_ID,
            whatsapp_app_secret=DEFAULT_APP_SECRET,
            whatsapp_verify_token=VERIFY,
            whatsapp_api_base_url=api.graph_url,
            whatsapp_alert_template="buurtbot_alert:nl",
            whatsapp_messaging_limit=2,
        )
        assert configured.whatsapp_enabled
        seen = Seen()
        bot = build_app(configured, clock=clock, routes=_routes(seen))
        web_app = web.Application()
        async with aiohttp.ClientSession() as http:
            parts = build_whatsapp(bot, configured, http)
            parts.add_routes(web_app)
            async with serve(web_app) as base:
                drain = bot.sender({"whatsapp": parts.transport})
                yield WA(bot, api, parts, base + WEBHOOK_PATH, clock, seen, drain)
        await bot.close()


async def test_verification_handshake(wa: WA) -> None:
    assert await wa.api.verify_webhook(wa.url, VERIFY, "12345") == (200, "12345")
    assert (await wa.api.verify_webhook(wa.url, "nope", "12345"))[0] == 403


async def test_melding_reaches_the_router_and_the_reply_goes_out(wa: WA) -> None:
    await wa.say(ANS, "Melding fiets gestolen bij het station")
    [incoming] = wa.seen.incoming
    assert (incoming.command, incoming.args, incoming.chat_id) == (
        "melding",
        "fiets gestolen bij het station",
        ANS,
    )
    [call] = wa.api.sent
    assert (call.to, call.type, call.text) == (ANS, "text", "Kies hieronder.")
    async with wa.app.services.db() as session:
        row = await session.scalar(select(WhatsAppMessage))
    assert row is not None and (row.wamid, row.recipient, row.status) == (call.wamid, ANS, "accepted")


async def test_core_command_renders_whatsapp_markup(wa: WA) -> None:
    await wa.say(ANS, "regels")
    [call] = wa.api.sent
    assert call.text is not None and call.text.startswith("*Afspraken in deze groep (SAAR)*")
    assert "<b>" not in call.text


@pytest.mark.parametrize("mode", ["wrong", "none"])
async def test_bad_signature_is_403_and_changes_nothing(wa: WA, mode: str) -> None:
    before = [await wa.count(m) for m in (Chat, Person, InboxMessage, OutboxMessage)]
    status, _ = await wa.api.post_webhook(wa.url, wa.api.text_message(ANS, "STOP"), signature=mode)  # type: ignore[arg-type]
    await wa.parts.intake.idle()
    assert status == 403
    assert [await wa.count(m) for m in (Chat, Person, InboxMessage, OutboxMessage)] == before
    assert wa.api.calls == []


async def test_repeated_message_id_is_processed_once(wa: WA) -> None:
    body = wa.api.text_message(ANS, "melding twee keer", wamid="wamid.SAME")
    await wa.post(body)
    await wa.post(body)
    assert len(wa.seen.incoming) == 1
    assert len(wa.api.sent) == 1
    assert await wa.count(OutboxMessage) == 1
    # One inbox row, handled: another worker sharing the database dedupes on it too.
    async with wa.app.services.db() as session:
        rows = list(await session.scalars(select(InboxMessage)))
    assert [(r.platform, r.external_key, r.state) for r in rows] == [
        ("whatsapp", "wamid.SAME", InboxState.DONE)
    ]


async def _area(wa: WA, name: str = "Krispijn") -> int:
    async with wa.app.services.db() as session:
        area = await create_area(session, name, wa.clock.now())
        await session.commit()
        return area.id


async def test_aanmelden_and_stop_any_case(wa: WA) -> None:
    await _area(wa)
    await wa.say(ANS, "Aanmelden krispijn")
    assert await wa.count(AreaSubscription) == 1
    assert wa.api.sent[-1].text is not None and "*Krispijn*" in wa.api.sent[-1].text
    await wa.say(ANS, "stop")
    assert await wa.count(AreaSubscription) == 0
    assert wa.api.sent[-1].text is not None and wa.api.sent[-1].text.startswith("Je bent afgemeld")
    await wa.say(ANS, "AANMELDEN Krispijn")
    await wa.say(ANS, "STOP!")
    assert await wa.count(AreaSubscription) == 0


async def test_button_list_and_numbered_answers_become_callbacks(wa: WA) -> None:
    await wa.post(wa.api.button_reply(ANS, "pick:1"))
    await wa.post(wa.api.list_reply(ANS, "pick:2"))
    await wa.say(ANS, "/veel")
    menu = wa.api.sent[-1]
    assert menu.type == "text" and menu.text is not None and "12. Keuze 12" in menu.text
    await wa.say(ANS, "3")
    assert [i.callback_data for i in wa.seen.incoming] == ["pick:1", "pick:2", "pick:3"]
    assert all(i.kind is EventKind.CALLBACK for i in wa.seen.incoming)
    assert wa.api.sent[-1].text == "gekozen pick:3"


ALERT = Reply((Msg.of("subscribe.done", area="Krispijn"),))


async def _alert(wa: WA, area_id: int, key: str = "alert:1") -> int:
    services = wa.app.services
    async with services.db() as session:
        queued = await enqueue_alert_targets(
            session, services.outbox, services.catalog, [area_id], ALERT, key
        )
        await session.commit()
    await wa.drain.drain()
    return queued


async def _make_coordinator(wa: WA, wa_id: str, area_id: int) -> None:
    async with wa.app.services.db() as session:
        person = await ensure_person(session, "whatsapp", wa_id, "Piet", None, wa.clock.now(), b"k")
        await grant_role(session, person.id, RoleName.COORDINATOR, area_id, wa.clock.now())
        await session.commit()


async def test_alert_reaches_subscribers_in_and_outside_the_window_and_forward_kits(wa: WA) -> None:
    area_id = await _area(wa)
    await wa.say(BOB, "aanmelden Krispijn")
    await _make_coordinator(wa, PIET, area_id)
    await wa.say(PIET, "/whatsappgroep Krispijn Buurtapp Noord")
    wa.clock.advance(hours=30)  # Bob and Piet wrote more than 24 h ago
    await wa.say(ANS, "aanmelden Krispijn")  # Ans just wrote: her window is open
    mark = len(wa.api.sent)
    assert await _alert(wa, area_id) == 4
    sent = {(c.to, c.type) for c in wa.api.sent[mark:]}
    assert sent == {(ANS, "text"), (BOB, "template"), (PIET, "template")}
    by_to = {c.to: c for c in wa.api.sent[mark:] if c.type == "text"}
    assert by_to[ANS].text is not None and by_to[ANS].text.endswith("_Geen berichten meer? Stuur STOP._")
    template = next(c for c in wa.api.sent[mark:] if c.to == BOB).body["template"]
    assert (template["name"], template["language"]["code"]) == ("buurtbot_alert", "nl")
    assert "Krispijn" in template["components"][0]["parameters"][0]["text"]
    piet = [c for c in wa.api.sent[mark:] if c.to == PIET]
    assert len(piet) == 2  # the intro and the alert itself, to forward


async def test_forward_kit_inside_the_window_is_the_alert_as_whatsapp_text(wa: WA) -> None:
    area_id = await _area(wa)
    await _make_coordinator(wa, PIET, area_id)
    await wa.say(PIET, "/whatsappgroep Krispijn Buurtapp Noord")
    mark = len(wa.api.sent)
    await _alert(wa, area_id)
    intro, alert = wa.api.sent[mark:]
    assert intro.text is not None and intro.text.startswith(
        "*Om door te sturen* naar je WhatsApp-groep Buurtapp Noord"
    )
    assert alert.text is not None and alert.text.startswith(
        "Je krijgt nu waarschuwingen voor wijk *Krispijn*."
    )
    assert "<b>" not in alert.text


async def test_messaging_limit_holds_back_the_third_new_person(wa: WA) -> None:
    area_id = await _area(wa)
    for wa_id in (ANS, BOB, PIET):
        await wa.say(wa_id, "aanmelden Krispijn")
    wa.clock.advance(hours=25)
    mark = len(wa.api.sent)
    await _alert(wa, area_id)
    assert [c.type for c in wa.api.sent[mark:]] == ["template", "template"]  # limit is 2
    async with wa.app.services.db() as session:
        pending = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING))
        )
    assert len(pending) == 1
    wa.clock.advance(hours=24, minutes=1)
    await wa.drain.drain()
    assert [c.type for c in wa.api.sent[mark:]] == ["template", "template", "template"]


async def test_error_codes_are_recorded_and_retried(wa: WA) -> None:
    area_id = await _area(wa)
    await wa.say(ANS, "aanmelden Krispijn")
    await wa.say(BOB, "aanmelden Krispijn")
    mark = len(wa.api.sent)
    wa.api.fail_next(130429, to=ANS)  # throughput: try again later
    wa.api.fail_next(131026, to=BOB)  # undeliverable: give up
    await _alert(wa, area_id)
    assert wa.api.sent[mark:] == []
    async with wa.app.services.db() as session:
        failures = list(
            await session.scalars(select(WhatsAppMessage).where(WhatsAppMessage.status == "failed"))
        )
        rows = {
            r.chat_id: r for r in await session.scalars(select(OutboxMessage).where(OutboxMessage.id > 2))
        }
    assert sorted((f.recipient, f.error_code) for f in failures) == [(ANS, 130429), (BOB, 131026)]
    assert sorted(r.status for r in rows.values()) == ["failed", "pending"]
    assert any(r.error and "131026" in r.error for r in rows.values())
    wa.clock.advance(seconds=2)
    await wa.drain.drain()
    assert [c.to for c in wa.api.sent[mark:]] == [ANS]


async def test_window_closed_error_falls_back_to_the_template(wa: WA) -> None:
    area_id = await _area(wa)
    await wa.say(ANS, "aanmelden Krispijn")
    mark = len(wa.api.sent)
    wa.api.fail_next(131047, to=ANS)
    await _alert(wa, area_id)
    assert [c.type for c in wa.api.sent[mark:]] == ["template"]


async def test_status_webhooks_are_recorded(wa: WA) -> None:
    await wa.say(ANS, "regels")
    await wa.say(BOB, "regels")
    ans_call, bob_call = wa.api.sent
    await wa.post(wa.api.envelope({"statuses": []}))  # an empty status list is fine
    status, _ = await wa.api.post_statuses(wa.url, "read", calls=[ans_call])
    assert status == 200
    await wa.api.post_statuses(wa.url, "delivered", calls=[ans_call])  # late, out of order
    await wa.api.post_statuses(wa.url, "failed", error_code=131026, calls=[bob_call])
    async with wa.app.services.db() as session:
        rows = {r.wamid: r for r in await session.scalars(select(WhatsAppMessage))}
        report = await statuses_of(session, [str(ans_call.wamid), str(bob_call.wamid)])
    assert report == {ans_call.wamid: ("read", None), bob_call.wamid: ("failed", 131026)}
    assert rows[ans_call.wamid].status == "read"
    assert (rows[bob_call.wamid].status, rows[bob_call.wamid].error_code) == ("failed", 131026)


async def test_every_conformance_body_through_the_full_intake(wa: WA) -> None:
    lines = conformance_lines()
    for line in lines:
        status, _ = await wa.api.post_webhook(wa.url, line.encode())
        assert status == 200, line[:200]
    await wa.parts.intake.idle()
    await wa.drain.drain()
    parsed = [parse_webhook(json.loads(line), wa.clock.now()) for line in lines]
    wamids = {i.delivery_id for p in parsed for i in p.incoming}
    statuses = {s.message_id for p in parsed for s in p.statuses}
    assert await wa.count(InboxMessage) == len(wamids)  # one row per message id, however batched
    async with wa.app.services.db() as session:
        assert set(await session.scalars(select(InboxMessage.state))) == {InboxState.DONE}
    assert await wa.count(WhatsAppMessage) >= len(statuses)
    async with wa.app.services.db() as session:
        outbox = list(await session.scalars(select(OutboxMessage)))
    assert outbox and {row.status for row in outbox} == {OutboxStatus.SENT}


def _batched(*bodies: dict[str, Any]) -> dict[str, Any]:
    """One webhook body holding the messages (and contacts) of several, as Meta may batch them."""
    out = copy.deepcopy(bodies[0])
    value = out["entry"][0]["changes"][0]["value"]
    for body in bodies[1:]:
        other = body["entry"][0]["changes"][0]["value"]
        value["messages"] += other["messages"]
        value["contacts"] += other["contacts"]
    return out


def _intake_and_window(statement: str) -> bool:
    """WhatsApp's intake also refreshes the sender's 24 h window in the same transaction."""
    return intake_only(statement) or "whatsapp_contacts" in statement


async def _rows(wa: WA) -> list[tuple[str, str]]:
    async with wa.app.services.db() as session:
        rows = await session.scalars(select(InboxMessage).order_by(InboxMessage.id))
        return [(row.external_key, row.state) for row in rows]


# --- durable intake (storage/inbox.py): each message its own row before Meta gets its 200 ---


async def test_a_batched_body_is_one_row_per_message_and_a_rebatched_retry_adds_nothing(wa: WA) -> None:
    ans = wa.api.text_message(ANS, "regels", wamid="wamid.A1")
    bob = wa.api.text_message(BOB, "regels", wamid="wamid.B1")
    await wa.post(_batched(ans, bob))
    assert await _rows(wa) == [("wamid.A1", InboxState.DONE), ("wamid.B1", InboxState.DONE)]
    await wa.post(bob)  # Meta retries one of them on its own
    await wa.post(_batched(bob, ans))  # or both, the other way round
    assert len(await _rows(wa)) == 2
    assert sorted(call.to for call in wa.api.sent) == sorted([ANS, BOB])  # each answered once


async def test_failed_commit_answers_500_and_meta_s_retry_is_handled_once(wa: WA) -> None:
    body = wa.api.text_message(PIET, "regels", wamid="wamid.P1")
    with database_cut(wa.app.engine) as refused:
        status, _ = await wa.api.post_webhook(wa.url, body)
    assert status == 500 and refused
    assert await _rows(wa) == []
    await wa.post(body)
    assert [call.to for call in wa.api.sent] == [PIET]


async def test_database_cut_after_the_200_loses_no_message(wa: WA) -> None:
    bodies = [wa.api.text_message(f"3164000{n:04d}", "regels", wamid=f"wamid.C{n}") for n in range(20)]
    with database_cut(wa.app.engine, _intake_and_window):
        for body in bodies:
            status, _ = await wa.api.post_webhook(wa.url, body)
            assert status == 200
        await wa.parts.intake.idle()
    assert await inbox_states(wa.app) == {"pending": 20, "done": 0, "dead": 0}
    assert wa.api.sent == []
    wa.clock.advance(seconds=wa.app.services.settings.inbox_lease_seconds + 1)
    assert await wa.app.inbox.resume() == 20
    await wa.parts.intake.idle()
    await wa.drain.drain()
    assert await inbox_states(wa.app) == {"pending": 0, "done": 20, "dead": 0}
    assert sorted(call.to for call in wa.api.sent) == sorted(f"3164000{n:04d}" for n in range(20))


async def test_a_picture_is_uploaded_then_sent_as_an_image(wa: WA, tmp_path: object) -> None:
    from pathlib import Path

    from handlers.statistics.chart import ChartData, render_chart
    from storage.chats import get_chat

    chart = render_chart(
        ChartData(
            "Meldingen per week · Krispijn",
            ("01-11", "08-11"),
            (("Overlast", (1, 2)),),
            "meldingen",
            "Overig",
        ),
        Path(str(tmp_path)) / "chart.png",
    )
    await wa.say(ANS, "hallo")  # her 24 h window is open
    before = len(wa.api.calls)
    async with wa.app.services.db() as session:
        chat = await get_chat(session, "whatsapp", ANS)
        assert chat is not None
        reply = Reply((Msg.of("digest.open", count=1),), photo=str(chart))
        await wa.app.services.outbox.enqueue(session, chat, reply, "digest:test")
        await session.commit()
    await wa.drain.drain()
    calls = wa.api.calls[before:]
    assert [c.path.rsplit("/", 1)[1] for c in calls] == ["messages", "media", "messages"]
    assert calls[0].text == "Nog open: 1."
    media_id = calls[2].body["image"]["id"]
    assert calls[2].type == "image" and calls[2].to == ANS
    assert wa.api.media[media_id] == ("image/png", chart.read_bytes())
