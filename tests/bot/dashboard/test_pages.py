"""The overview (table, map, chart), the export downloads, the audit page, and the gemeente's view."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

from bot.app import App
from storage.reports import Report
from tests import statistics_data
from tests.bot.dashboard.support import Client, People, link_for, login
from tests.bot.dashboard.test_reports import open_report


def leaks(text: str) -> list[str]:
    folded = text.casefold()
    return [s for s in (*statistics_data.SECRETS, "&lt;script", "<script") if s.casefold() in folded]


async def test_the_overview_table_map_and_chart(app: App, client: Client, people: People) -> None:
    html = await login(client, await link_for(app, people.beheerder))
    row = r'<th scope="row"><a href="/dashboard\?wijk=\d+#grafiek">([^<]+)</a></th>'
    rows = dict(re.findall(row + r"((?:\s*<td[^>]*>[^<]*</td>){5})", html))
    cells = {name: re.findall(r">([^<]*)</td>", tds) for name, tds in rows.items()}
    # Oud Krispijn: r3 (Noord) is doorgegeven, so open; 7 days: r1+r2; the 8 weeks before them:
    # r3, r4, r5 (3/8 a week); 30 days: r1..r4; the 8 weeks before: r5 (Zuid, 40 days ago), 1 * 30/56.
    assert cells["Oud Krispijn"] == ["1", "2", "0,4", "4", "0,5"]
    assert cells["Sterrenburg"] == ["1", "1", "0,0", "1", "0,0"]
    assert html.count('<path d="M') == 2  # both wijken drawn
    assert "<title>Oud Krispijn: 0,8</title>" in html  # 4 reports per 5,000 inhabitants
    assert "<title>Sterrenburg: onbekend</title>" in html  # no inhabitants known
    assert 'src="/dashboard/grafiek/' in html
    chart = await client.get(f"/dashboard/grafiek/{people.known.krispijn.id}.png")
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")
    assert (await client.get("/dashboard/grafiek/99999.png")).status == 404
    css = await client.get("/dashboard/static/dashboard.css")
    assert css.status == 200 and "font" in await css.text()
    assert "http" not in re.sub(r'href="/[^"]*"|src="/[^"]*"', "", html).replace(
        "http-equiv", ""
    )  # nothing external


async def test_a_coordinator_sees_their_wijk_only(app: App, client: Client, people: People) -> None:
    html = await login(client, await link_for(app, people.coordinator))
    assert "Oud Krispijn" in html and "Sterrenburg" not in html
    assert (await client.get(f"/dashboard/grafiek/{people.known.sterrenburg.id}.png")).status == 404
    assert (await client.get("/dashboard/audit")).status == 404  # beheerders only


async def test_the_gemeente_never_receives_report_texts_or_people(
    app: App, client: Client, people: People
) -> None:
    await open_report(app, people)
    html = await login(client, await link_for(app, people.gemeente))
    assert "Oud Krispijn" in html and "Sterrenburg" in html  # statistics of every wijk
    pages = ["/dashboard", "/dashboard/export", "/dashboard/meldingen", "/dashboard/meldingen/M-0001",
             "/dashboard/audit", f"/dashboard/grafiek/{people.known.krispijn.id}.png"]  # fmt: skip
    for path in pages:
        response = await client.get(path)
        body = await response.read()
        assert leaks(body.decode("utf-8", "replace")) == [], path
    for kind in ("rijen", "aggregaat"):
        for formaat in ("csv", "json", "geojson"):
            response = await client.get(
                "/dashboard/export/bestand",
                params={"soort": kind, "formaat": formaat, "van": "2026-01-01", "tot": "2026-12-31"},
            )
            assert response.status == 200
            text = await response.text()
            assert leaks(text) == [], (kind, formaat)
            for field in ("free_text", "licence_plate", "person", "vehicle", "street", "direction"):
                assert field not in text


async def test_exports_download_in_every_format(app: App, client: Client, people: People) -> None:
    await login(client, await link_for(app, people.coordinator))
    query = {"soort": "rijen", "formaat": "csv", "van": "2026-01-01", "tot": "2026-12-31"}
    response = await client.get("/dashboard/export/bestand", params=query)
    assert response.status == 200 and response.content_type == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="buurtbot-rijen-2026-01-01-2026-12-31.csv"'
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert sorted(r["id"] for r in rows) == ["M-0001", "M-0002", "M-0003", "M-0004", "M-0005"]  # not M-0006
    geo = await client.get("/dashboard/export/bestand", params={**query, "formaat": "geojson"})
    assert geo.content_type == "application/geo+json"
    assert json.loads(await geo.text())["type"] == "FeatureCollection"
    cells = await client.get(
        "/dashboard/export/bestand", params={**query, "soort": "aggregaat", "formaat": "json"}
    )
    assert {c["wijk"] for c in json.loads(await cells.text())} == {"Oud Krispijn"}
    other = await client.get(
        "/dashboard/export/bestand", params={**query, "wijk": str(people.known.sterrenburg.id)}
    )
    assert other.status == 400
    for bad in ({"formaat": "xml"}, {"soort": "alles"}, {"van": "gisteren"}, {"van": "2027-01-01"}):
        assert (await client.get("/dashboard/export/bestand", params={**query, **bad})).status == 400
    page = await (await client.get("/dashboard/export")).text()
    assert "Alle wijken" not in page and "Oud Krispijn" in page


async def test_beheerders_see_every_dashboard_action_in_the_audit_log(
    app: App, client: Client, people: People
) -> None:
    await login(client, await link_for(app, people.beheerder))
    await client.get(
        "/dashboard/export/bestand",
        params={"soort": "aggregaat", "formaat": "csv", "van": "2026-11-01", "tot": "2026-11-22"},
    )
    html = await (await client.get("/dashboard/audit")).text()
    assert "export aggregaat csv 2026-11-01..2026-11-22 wijk=alle" in html
    assert "login" in html and "/dashboard" in html and "p-beheerder" in html


async def test_the_overview_and_chart_show_a_new_report_at_once(
    app: App, client: Client, people: People
) -> None:
    """The window counts and the chart are reused between page loads, never past a new report."""
    html = await login(client, await link_for(app, people.beheerder))
    assert re.search(r">Oud Krispijn</a></th>\s*<td[^>]*>1</td>\s*<td[^>]*>2</td>", html)
    before = await (await client.get(f"/dashboard/grafiek/{people.known.krispijn.id}.png")).read()
    assert before == await (await client.get(f"/dashboard/grafiek/{people.known.krispijn.id}.png")).read()
    now = app.services.clock.now() - timedelta(minutes=5)
    async with app.services.db() as session:
        session.add(
            Report(category="inbraak", area_id=people.known.krispijn.id, created_at=now, updated_at=now)
        )
        await session.commit()
    html = await (await client.get("/dashboard")).text()
    # open 1 → 2 and the last 7 days 2 → 3 for Oud Krispijn
    assert re.search(r">Oud Krispijn</a></th>\s*<td[^>]*>2</td>\s*<td[^>]*>3</td>", html)
    after = await (await client.get(f"/dashboard/grafiek/{people.known.krispijn.id}.png")).read()
    assert after.startswith(b"\x89PNG") and after != before
