"""/dashboard/waarschuwen over HTTP: compose, preview exactly, send, plan and cancel, roles, CSRF."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from bot.app import App
from storage.alerts import Broadcast, BroadcastStatus
from storage.audit import AuditEntry
from storage.models import Chat, OutboxMessage, OutboxStatus
from tests.bot.dashboard.support import Client, People, csrf_of, link_for, login

PAGE = "/dashboard/waarschuwen"
SUBSCRIBER = ("31699999999", OutboxStatus.PENDING)  # statistics_data's WhatsApp subscriber
PREVIEW = re.compile(r"/dashboard/waarschuwen/(\d+)$")


async def _in(app: App, client: Client, who) -> str:
    await login(client, await link_for(app, who))
    response = await client.get(PAGE)
    assert response.status == 200
    return await response.text()


async def _compose(client: Client, csrf: str, **fields: object) -> tuple[int, str, int | None]:
    data: dict[str, object] = {"csrf": csrf, "soort": "waarschuwing", "tekst": "", "wanneer": "", **fields}
    response = await client.post(PAGE, data=data, allow_redirects=False)
    match = PREVIEW.search(response.headers.get("Location", ""))
    return response.status, await response.text(), int(match.group(1)) if match else None


async def _broadcasts(app: App, people: People) -> list[Broadcast]:
    """The dashboard users' broadcasts (the statistics data set has older ones of its own)."""
    ids = [people.coordinator.id, people.beheerder.id]
    async with app.services.db() as session:
        query = select(Broadcast).where(Broadcast.person_id.in_(ids)).order_by(Broadcast.id)
        return list(await session.scalars(query))


async def _rows_of(app: App, broadcast_id: int) -> list[tuple[str, str]]:
    async with app.services.db() as session:
        rows = await session.execute(
            select(Chat.external_id, OutboxMessage.status)
            .join(Chat, Chat.id == OutboxMessage.chat_id)
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .order_by(Chat.external_id)
        )
        return [(external, status) for external, status in rows.tuples()]


async def test_the_gemeente_and_strangers_never_warn(app: App, client: Client, people: People) -> None:
    first = await client.get(PAGE)
    assert first.url.path == "/dashboard/login"
    await login(client, await link_for(app, people.gemeente))
    assert (await client.get(PAGE)).status == 404
    overview = await (await client.get("/dashboard")).text()
    assert 'href="/dashboard/waarschuwen"' not in overview


async def test_compose_preview_and_send_reaches_the_groups(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    assert "Oud Krispijn" in html and "Sterrenburg" not in html  # only their own wijken to choose
    wijk = str(people.known.krispijn.id)
    status, _, draft = await _compose(
        client, csrf_of(html), tekst="Man <script>x</script> belt aan", wijk=wijk
    )
    assert status == 303 and draft is not None
    preview = await (await client.get(f"{PAGE}/{draft}")).text()
    # Exactly the group's message: the chat's markup kept, the coordinator's text escaped.
    assert "⚠️ <b>Waarschuwing voor Oud Krispijn</b>" in preview
    assert "Man &lt;script&gt;x&lt;/script&gt; belt aan" in preview and "<script>" not in preview
    assert "Is er nu gevaar? Bel 112." in preview
    # One active group in Oud Krispijn (the other left) and one WhatsApp subscriber.
    assert "1 groepen en 1 andere ontvangers" in preview
    assert await _rows_of(app, draft) == []  # nothing queued before "Versturen"
    sent = await client.post(
        f"{PAGE}/{draft}/versturen", data={"csrf": csrf_of(preview)}, allow_redirects=False
    )
    assert sent.status == 303 and sent.headers["Location"] == f"{PAGE}?gedaan=verstuurd"
    assert await _rows_of(app, draft) == [("-100", OutboxStatus.PENDING), SUBSCRIBER]
    again = await client.post(
        f"{PAGE}/{draft}/versturen", data={"csrf": csrf_of(preview)}, allow_redirects=False
    )
    assert again.headers["Location"] == f"{PAGE}?gedaan=al-gedaan"  # a double press sends once
    assert await _rows_of(app, draft) == [("-100", OutboxStatus.PENDING), SUBSCRIBER]
    async with app.services.db() as session:
        actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.platform == "web")))
    assert any(a.startswith(f"waarschuwen: voorbeeld {draft}") for a in actions)
    assert any(a.startswith(f"waarschuwen: verstuurd {draft}") for a in actions)


async def test_history_shows_counts_and_failures(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    _, _, draft = await _compose(
        client, csrf_of(html), soort="inbraakgolf", wijk=str(people.known.krispijn.id)
    )
    preview = await (await client.get(f"{PAGE}/{draft}")).text()
    await client.post(f"{PAGE}/{draft}/versturen", data={"csrf": csrf_of(preview)})
    async with app.services.db() as session:
        await session.execute(update(OutboxMessage).values(status=OutboxStatus.FAILED))
        await session.execute(update(Broadcast).values(delivered=0, failed=2, status=BroadcastStatus.DONE))
        await session.commit()
    page = await (await client.get(PAGE + "?gedaan=verstuurd")).text()
    assert "Verstuurd. De groepen krijgen het bericht nu." in page
    assert "inbraakgolf" in page and "0 / 2" in page and "Groep 0" in page


async def test_a_coordinator_cannot_warn_another_wijk(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    status, body, draft = await _compose(
        client, csrf_of(html), tekst="x", wijk=str(people.known.sterrenburg.id)
    )
    assert status == 400 and draft is None
    assert "Je mag alleen je eigen wijken waarschuwen." in body
    status, body, _ = await _compose(client, csrf_of(html), tekst="")
    assert status == 400
    assert await _broadcasts(app, people) == []


async def test_forms_without_csrf_are_refused(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    wijk = str(people.known.krispijn.id)
    refused = await client.post(PAGE, data={"soort": "waarschuwing", "tekst": "x", "wijk": wijk})
    assert refused.status == 403 and await _broadcasts(app, people) == []
    _, _, draft = await _compose(client, csrf_of(html), tekst="x", wijk=wijk)
    assert (await client.post(f"{PAGE}/{draft}/versturen", data={})).status == 403
    assert [b.status for b in await _broadcasts(app, people)] == [BroadcastStatus.DRAFT]


async def test_plan_then_cancel(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    wijk = str(people.known.krispijn.id)
    _, _, draft = await _compose(
        client, csrf_of(html), tekst="Wijkoverleg", soort="mededeling", wijk=wijk, wanneer="2026-11-23T18:30"
    )
    preview = await (await client.get(f"{PAGE}/{draft}")).text()
    assert "Het gaat weg op 23-11-2026 18:30." in preview and "Plannen" in preview
    planned = await client.post(f"{PAGE}/{draft}/versturen", data={"csrf": csrf_of(preview)})
    page = await planned.text()
    assert "Gepland. Je ziet het hieronder bij Gepland." in page and "23-11-2026 18:30" in page
    assert await _rows_of(app, draft) == [("-100", OutboxStatus.PENDING), SUBSCRIBER]  # held back until then
    assert page.count("Wijkoverleg") == 1  # under Gepland; not in the history before its time
    cancelled = await client.post(f"{PAGE}/{draft}/intrekken", data={"csrf": csrf_of(page)})
    assert "Ingetrokken" in await cancelled.text()
    assert await _rows_of(app, draft) == []
    assert [b.status for b in await _broadcasts(app, people)] == [BroadcastStatus.CANCELLED]


async def test_a_time_in_the_past_is_explained(app: App, client: Client, people: People) -> None:
    html = await _in(app, client, people.coordinator)
    status, body, _ = await _compose(
        client, csrf_of(html), tekst="x", wijk=str(people.known.krispijn.id), wanneer="2026-11-01T08:00"
    )
    assert status == 400 and await _broadcasts(app, people) == []
    assert 'value="2026-11-01T08:00"' in body  # the form keeps what was typed


async def test_someone_elses_draft_is_not_found(
    app: App, client: Client, other_client: Client, people: People
) -> None:
    html = await _in(app, client, people.beheerder)
    _, _, draft = await _compose(client, csrf_of(html), tekst="x", wijk=str(people.known.sterrenburg.id))
    assert draft is not None
    await login(other_client, await link_for(app, people.coordinator))
    assert (await other_client.get(f"{PAGE}/{draft}")).status == 404
    assert (await other_client.get(f"{PAGE}/999999")).status == 404
