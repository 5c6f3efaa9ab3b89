"""/dashboard/campagnes and /dashboard/wijken over HTTP: calendar, pause/start, link requests,
rename and merge, with the roles' limits and CSRF."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage import campaigns as store
from storage.area_links import AreaLinkRequest, RequestStatus, open_request
from storage.audit import AuditEntry
from storage.models import Area, Chat, OutboxMessage, Role, RoleName
from tests.bot.dashboard.support import Client, People, csrf_of, link_for, login

SWITCH = "/dashboard/campagnes/schakel"


async def _open(app: App, client: Client, who, path: str) -> str:
    await login(client, await link_for(app, who))
    response = await client.get(path)
    assert response.status == 200, path
    return await response.text()


async def _web_audit(app: App) -> list[str]:
    async with app.services.db() as session:
        return list(await session.scalars(select(AuditEntry.action).where(AuditEntry.platform == "web")))


# -- campagnes ------------------------------------------------------------------------------------


async def test_calendar_shows_own_wijken_with_upcoming_posts(
    app: App, client: Client, people: People
) -> None:
    html = await _open(app, client, people.coordinator, "/dashboard/campagnes")
    assert "Oud Krispijn" in html and "Sterrenburg" not in html
    assert "Babbeltrucs" in html or "babbeltrucs" in html
    assert "10-12-2026 11:00" in html  # babbeltrucs: the 10th of each month at 11:00 (clock: 22-11-2026)


async def test_pause_and_start_for_the_own_wijk(app: App, client: Client, people: People) -> None:
    html = await _open(app, client, people.coordinator, "/dashboard/campagnes")
    krispijn, sterrenburg = people.known.krispijn.id, people.known.sterrenburg.id
    paused = await client.post(
        SWITCH, data={"csrf": csrf_of(html), "wijk": str(krispijn), "schakel": "babbeltrucs:pauze"}
    )
    page = await paused.text()
    assert "Gepauzeerd." in page and "gepauzeerd" in page
    refused = await client.post(
        SWITCH, data={"csrf": csrf_of(html), "wijk": str(sterrenburg), "schakel": "babbeltrucs:pauze"}
    )
    assert "Dat mag je alleen voor je eigen wijken." in await refused.text()
    everywhere = await client.post(SWITCH, data={"csrf": csrf_of(html), "schakel": "babbeltrucs:pauze"})
    assert "Dat mag je alleen" in await everywhere.text()  # only a beheerder switches every area
    async with app.services.db() as session:
        states = await store.states(session, "babbeltrucs")
    assert states == {str(krispijn): False}
    no_csrf = await client.post(SWITCH, data={"wijk": str(krispijn), "schakel": "babbeltrucs:start"})
    assert no_csrf.status == 403
    bad = await client.post(SWITCH, data={"csrf": csrf_of(html), "wijk": str(krispijn), "schakel": "x:weg"})
    assert bad.status == 404
    assert any(a.startswith("campagne babbeltrucs gepauzeerd") for a in await _web_audit(app))


async def test_a_beheerder_pauses_everywhere(app: App, client: Client, people: People) -> None:
    html = await _open(app, client, people.beheerder, "/dashboard/campagnes")
    assert "Sterrenburg" in html and "Voor alle wijken tegelijk" in html
    await client.post(SWITCH, data={"csrf": csrf_of(html), "schakel": "babbeltrucs:pauze"})
    async with app.services.db() as session:
        assert await store.states(session, "babbeltrucs") == {store.ALL_AREAS: False}


async def test_the_gemeente_has_no_campaign_or_wijk_pages(app: App, client: Client, people: People) -> None:
    await login(client, await link_for(app, people.gemeente))
    assert (await client.get("/dashboard/campagnes")).status == 404
    assert (await client.get("/dashboard/wijken")).status == 404


# -- wijken ---------------------------------------------------------------------------------------


async def _request(app: App, people: People, area: Area) -> tuple[int, Chat]:
    now = app.services.clock.now()
    async with app.services.db() as session:
        group = Chat(
            platform="telegram",
            external_id="-555",
            kind="group",
            title="Nieuwe <b>groep</b>",
            area_id=None,
            active=True,
            created_at=now,
        )
        session.add(group)
        await session.flush()
        request = await open_request(session, group.id, area.id, people.resident.id, now)
        await session.commit()
        return request.id, group


async def test_wijken_lists_groups_coordinators_and_requests(
    app: App, client: Client, people: People
) -> None:
    request_id, _ = await _request(app, people, people.known.krispijn)
    html = await _open(app, client, people.coordinator, "/dashboard/wijken")
    assert "Groep 0" in html and "Cor" in html and "Sterrenburg" not in html and "Groep 3" not in html
    assert "Nieuwe &lt;b&gt;groep&lt;/b&gt; (gevraagd door Rob)" in html
    assert f"/dashboard/wijken/verzoek/{request_id}/ja" in html
    assert "Samenvoegen" not in html  # beheerders only


async def test_approving_a_request_links_the_group_and_tells_it(
    app: App, client: Client, people: People
) -> None:
    request_id, group = await _request(app, people, people.known.krispijn)
    html = await _open(app, client, people.coordinator, "/dashboard/wijken")
    assert (await client.post(f"/dashboard/wijken/verzoek/{request_id}/ja", data={})).status == 403
    done = await client.post(f"/dashboard/wijken/verzoek/{request_id}/ja", data={"csrf": csrf_of(html)})
    assert "Goedgekeurd." in await done.text()
    again = await client.post(f"/dashboard/wijken/verzoek/{request_id}/nee", data={"csrf": csrf_of(html)})
    assert "al besloten" in await again.text() or "al" in await again.text()
    async with app.services.db() as session:
        linked = await session.get(Chat, group.id)
        request = await session.get(AreaLinkRequest, request_id)
        to_group = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == group.id))
    assert linked is not None and linked.area_id == people.known.krispijn.id
    assert request is not None and request.status == RequestStatus.APPROVED
    assert to_group is not None and "Oud Krispijn" in str(to_group.payload)


async def test_a_coordinator_cannot_decide_for_another_wijk(app: App, client: Client, people: People) -> None:
    request_id, group = await _request(app, people, people.known.sterrenburg)
    html = await _open(app, client, people.coordinator, "/dashboard/wijken")
    refused = await client.post(f"/dashboard/wijken/verzoek/{request_id}/ja", data={"csrf": csrf_of(html)})
    assert refused.status == 403
    async with app.services.db() as session:
        assert (await session.get(Chat, group.id)).area_id is None  # type: ignore[union-attr]


async def test_beheerders_rename_and_merge(app: App, client: Client, people: People) -> None:
    krispijn, sterrenburg = people.known.krispijn, people.known.sterrenburg
    html = await _open(app, client, people.coordinator, "/dashboard/wijken")
    denied = await client.post(
        f"/dashboard/wijken/{krispijn.id}/naam", data={"csrf": csrf_of(html), "naam": "X"}
    )
    assert denied.status == 403
    await client.post("/dashboard/uitloggen", data={"csrf": csrf_of(html)})
    html = await _open(app, client, people.beheerder, "/dashboard/wijken")
    taken = await client.post(
        f"/dashboard/wijken/{krispijn.id}/naam", data={"csrf": csrf_of(html), "naam": "Sterrenburg"}
    )
    assert taken.status == 400 and "Er is al een wijk met die naam." in await taken.text()
    renamed = await client.post(
        f"/dashboard/wijken/{krispijn.id}/naam", data={"csrf": csrf_of(html), "naam": "  Krispijn  Oud "}
    )
    assert "De naam is gewijzigd." in await renamed.text()
    merged = await client.post(
        "/dashboard/wijken/samenvoegen",
        data={"csrf": csrf_of(html), "van": str(sterrenburg.id), "naar": str(krispijn.id)},
    )
    assert "De wijken zijn samengevoegd." in await merged.text()
    async with app.services.db() as session:
        area = await session.get(Area, krispijn.id)
        groups = set(await session.scalars(select(Chat.title).where(Chat.area_id == krispijn.id)))
        roles = list(await session.scalars(select(Role.area_id).where(Role.role == RoleName.COORDINATOR)))
    assert area is not None and (area.name, area.key) == ("Krispijn Oud", "krispijn-oud")
    assert "Groep 3" in groups  # Sterrenburg's group moved
    assert sterrenburg.id not in roles
    actions = await _web_audit(app)
    assert any("hernoemd" in a for a in actions) and any("samengevoegd" in a for a in actions)
