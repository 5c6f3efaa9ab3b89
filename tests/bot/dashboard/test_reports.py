"""Reports on the dashboard: who sees which, the filters, one incident's page, and closing it."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app import App
from storage.audit import AuditEntry
from storage.models import Chat, OutboxMessage
from storage.reports import Report, ReportSuspect, add_report
from tests import statistics_data
from tests.bot.dashboard.support import Client, People, csrf_of, link_for, login

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def open_report(app: App, people: People, **fields: object) -> str:
    """An open report in Oud Krispijn whose texts hold HTML; returns its short id."""
    now = app.services.clock.now()
    async with app.services.db() as session:
        values: dict[str, object] = {
            "category": "verdachte_situatie",
            "area_id": people.known.krispijn.id,
            "reporter_pseudonym": "p-secret-pseudonym",
            "created_at": now,
            "updated_at": now,
            "street": HOSTILE,
        }
        values.update(fields)
        report = await add_report(
            session,
            Report(**values),
            ReportSuspect(person={"clothing": "rode jas met capuchon"}, free_text=HOSTILE + " Jan de Vries"),
        )
        await session.commit()
        return report.short_id or ""


async def test_a_coordinator_sees_only_their_wijk(app: App, client: Client, people: People) -> None:
    await login(client, await link_for(app, people.coordinator))
    html = await (await client.get("/dashboard/meldingen", params={"periode": "alles"})).text()
    assert "M-0001" in html and "M-0003" in html and "M-0005" in html  # wijk and its buurten
    assert "M-0006" not in html  # Sterrenburg
    assert "M-0002" not in html.replace("M-0001", "")  # a witness is part of its incident, not a row
    sterrenburg = await client.get("/dashboard/meldingen/M-0006")
    assert sterrenburg.status == 404
    assert "M-0006" not in await sterrenburg.text()
    assert (await client.get("/dashboard/meldingen/M-9999")).status == 404
    assert (await client.get("/dashboard/meldingen/" + "x" * 300)).status == 404
    own = await client.get("/dashboard/meldingen", params={"wijk": str(people.known.sterrenburg.id)})
    assert "M-0006" not in await own.text()  # asking for another wijk by its id shows nothing of it


async def test_filters(app: App, client: Client, people: People) -> None:
    await login(client, await link_for(app, people.beheerder))

    async def ids(**query: str) -> set[str]:
        html = await (await client.get("/dashboard/meldingen", params=query)).text()
        return {sid for sid in ("M-0001", "M-0003", "M-0004", "M-0005", "M-0006") if f">{sid}<" in html}

    assert await ids(periode="alles") == {"M-0001", "M-0003", "M-0004", "M-0005", "M-0006"}
    assert await ids() == {"M-0001", "M-0003", "M-0004", "M-0006"}  # 30 days by default
    assert await ids(periode="7") == {"M-0001", "M-0006"}
    assert await ids(periode="alles", soort="overlast") == {"M-0004", "M-0005"}
    assert await ids(periode="alles", status="doorgegeven") == {"M-0003"}
    assert await ids(periode="alles", wijk=str(people.known.sterrenburg.id)) == {"M-0006"}
    assert await ids(periode="nonsense", status="<b>", wijk="abc") == {"M-0001", "M-0003", "M-0004", "M-0006"}


async def test_the_detail_page_escapes_html_and_says_when_details_go(
    app: App, client: Client, people: People
) -> None:
    short_id = await open_report(app, people)
    await login(client, await link_for(app, people.coordinator))
    response = await client.get(f"/dashboard/meldingen/{short_id}")
    html = await response.text()
    assert response.status == 200
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # street and own words, escaped
    assert "rode jas met capuchon" in html  # the suspect description, while retained
    assert "wordt gewist op 22-12-2026" in html  # created 2026-11-22 + 30 days
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_a_witness_url_leads_to_its_incident_and_purged_details_are_gone(
    app: App, client: Client, people: People
) -> None:
    now = app.services.clock.now()
    async with app.services.db() as session:
        first = await session.get(Report, people.known.reports["r1"].id)
        assert first is not None
        first.suspect_purged_at = now
        await session.execute(ReportSuspect.__table__.delete().where(ReportSuspect.report_id == first.id))
        await session.commit()
    await login(client, await link_for(app, people.coordinator))
    response = await client.get("/dashboard/meldingen/m-0002")
    assert response.url.path == "/dashboard/meldingen/M-0001"
    html = await response.text()
    assert "M-0002" in html  # listed as a witness
    assert "is gewist op 22-11-2026" in html
    assert "rode jas" not in html  # M-0001's details are erased; M-0002's own words show (retained)
    assert "Afgesloten" in html and "Afsluiten</button>" not in html  # closed: no actions


async def test_closing_with_an_outcome_tells_the_group_through_the_outbox(
    app: App, client: Client, people: People
) -> None:
    short_id = await open_report(app, people)
    html = await login(client, await link_for(app, people.coordinator))
    page = await (await client.get(f"/dashboard/meldingen/{short_id}")).text()
    token = csrf_of(page)
    assert csrf_of(html) == token  # one token per session
    forwarded = await client.post(f"/dashboard/meldingen/{short_id}/doorgeven", data={"csrf": token})
    assert forwarded.status == 200 and "doorgegeven aan de politie" in (await forwarded.text()).lower()
    closed = await client.post(
        f"/dashboard/meldingen/{short_id}/afsluiten", data={"csrf": token, "afloop": "loos_alarm"}
    )
    assert closed.status == 200 and "Afgesloten: loos alarm" in await closed.text()  # in the timeline
    async with app.services.db() as session:
        report = await session.scalar(select(Report).where(Report.short_id == short_id))
        rows = list(
            (
                await session.execute(
                    select(Chat.title, OutboxMessage.payload, OutboxMessage.idempotency_key)
                    .join(Chat, Chat.id == OutboxMessage.chat_id)
                    .where(OutboxMessage.idempotency_key.like("dash:%"))
                    .order_by(OutboxMessage.id)
                )
            ).tuples()
        )
        actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.platform == "web")))
    assert report is not None and (report.status, report.outcome) == ("closed", "loos_alarm")
    assert report.forwarded_at is not None and report.closed_at is not None
    closing = [p for _, p, key in rows if key.startswith(f"dash:close:{short_id}") and "edit" not in p]
    assert [title for title, p, _ in rows if p in closing] == ["Groep 0"]  # the wijk's active group
    keys = [part["key"] for part in closing[0]["parts"]]
    assert keys == ["reports.closed.group", "dashboard.outcome.told"]
    assert "loos_alarm" in json.dumps(closing[0])
    assert any(key.startswith(f"dash:fwd:{short_id}") for _, _, key in rows)  # the card was edited
    assert actions == [
        "login",
        f"bekeken {short_id}",
        f"doorgeven {short_id}",
        f"bekeken {short_id}",  # the page shown after the action
        f"afsluiten {short_id} loos_alarm",
        f"bekeken {short_id}",
    ]
    again = await client.post(
        f"/dashboard/meldingen/{short_id}/afsluiten", data={"csrf": token, "afloop": "opgelost"}
    )
    assert "niets veranderd" in await again.text()


async def test_actions_need_csrf_a_valid_outcome_and_the_wijk(
    app: App, client: Client, people: People
) -> None:
    short_id = await open_report(app, people)
    html = await login(client, await link_for(app, people.coordinator))
    token = csrf_of(html)
    path = f"/dashboard/meldingen/{short_id}/afsluiten"
    assert (await client.post(path, data={"afloop": "opgelost"})).status == 403
    assert (await client.post(path, data={"csrf": "", "afloop": "opgelost"})).status == 403
    assert (await client.post(path, data={"csrf": token, "afloop": "<b>weg</b>"})).status == 400
    assert (await client.post("/dashboard/meldingen/M-0006/doorgeven", data={"csrf": token})).status == 404
    async with app.services.db() as session:
        statuses = {r.short_id: r.status for r in await session.scalars(select(Report))}
    assert statuses[short_id] == "open" and statuses["M-0006"] == "open"


async def test_the_gemeente_reads_no_reports(app: App, client: Client, people: People) -> None:
    short_id = await open_report(app, people)
    html = await login(client, await link_for(app, people.gemeente))
    assert 'href="/dashboard/meldingen"' not in html  # not in the menu
    for path in ("/dashboard/meldingen", f"/dashboard/meldingen/{short_id}", "/dashboard/meldingen/M-0006"):
        response = await client.get(path)
        assert response.status == 404
        text = (await response.text()).casefold()
        assert [s for s in (*statistics_data.SECRETS, "&lt;script") if s.casefold() in text] == []
    token = csrf_of(html)
    refused = await client.post(f"/dashboard/meldingen/{short_id}/doorgeven", data={"csrf": token})
    assert refused.status == 404
