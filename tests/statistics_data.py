"""A small, known data set for statistics, exports and Open311: every figure can be counted by hand.

Now is the FakeClock's default, 2026-11-22 12:00 UTC. Oud Krispijn (5,000 inhabitants) has two
buurten with square outlines; Sterrenburg has no population. Reports carry personal data
(names, a plate, house numbers, free text) so the privacy tests can look for it in every output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.app import App
from storage.alerts import Broadcast
from storage.chats import area_key
from storage.models import Area, Chat, OutboxMessage, Person
from storage.reports import Report, ReportSuspect, ReportTap, add_report
from storage.whatsapp import AreaSubscription

SECRETS = (
    "Jan de Vries",
    "Piet Pietersen",
    "DKX-12-B",
    "DKX12B",
    "Dubbeldamseweg",
    "rode jas met capuchon",
    "zwarte Golf",
    "31612345678",
    "4242",
    "p-secret-pseudonym",
    "loopt naar het station",
)


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Known:
    krispijn: Area
    noord: Area
    zuid: Area
    sterrenburg: Area
    reports: dict[str, Report]


async def build(app: App) -> Known:
    now = app.services.clock.now()
    async with app.services.db() as session:

        def area(
            name: str, code: str, kind: str, parent: Area | None, geometry: Any, people: int | None
        ) -> Area:
            row = Area(
                name=name,
                key=area_key(name),
                kind=kind,
                postcodes="",
                created_at=now,
                code=code,
                parent_id=parent.id if parent else None,
                geometry=geometry,
                inhabitants=people,
            )
            session.add(row)
            return row

        krispijn = area("Oud Krispijn", "WK050503", "wijk", None, square(4.66, 51.80, 0.02), 5000)
        sterrenburg = area("Sterrenburg", "WK050505", "wijk", None, square(4.70, 51.78, 0.02), None)
        await session.flush()
        noord = area("Krispijn-Noord", "BU05050301", "buurt", krispijn, square(4.66, 51.81), 3000)
        zuid = area("Krispijn-Zuid", "BU05050302", "buurt", krispijn, square(4.66, 51.80), 2000)
        await session.flush()
        reporter = Person(
            platform="telegram",
            external_id="31612345678",
            display_name="Piet Pietersen",
            username="piet",
            pseudonym="p-secret-pseudonym",
            created_at=now,
        )
        session.add(reporter)
        groups = [
            Chat(
                platform="telegram",
                external_id=str(-100 - i),
                kind="group",
                title=f"Groep {i}",
                area_id=area_id,
                active=active,
                created_at=now,
            )
            for i, (area_id, active) in enumerate(
                [(krispijn.id, True), (noord.id, True), (krispijn.id, False), (sterrenburg.id, True)]
            )
        ]
        private = Chat(
            platform="whatsapp",
            external_id="31699999999",
            kind="private",
            title=None,
            area_id=None,
            active=True,
            created_at=now,
        )
        session.add_all([*groups, private])
        await session.flush()
        session.add(AreaSubscription(chat_id=private.id, area_id=krispijn.id, created_at=now))

        def report(category: str, age: timedelta, area_row: Area, **fields: Any) -> Report:
            created = now - age
            values: dict[str, Any] = {
                "category": category,
                "area_id": area_row.id,
                "reporter_pseudonym": "p-secret-pseudonym",
                "created_at": created,
                "updated_at": created,
                "street": "Dubbeldamseweg",
                "house_number": "4242",
                "time_phrase": "vanavond om 8 uur bij Jan de Vries",
            }
            values.update(fields)
            return Report(**values)

        def suspect() -> ReportSuspect:
            return ReportSuspect(
                person={"description": "Jan de Vries, rode jas met capuchon"},
                vehicle={"kind": "auto", "description": "zwarte Golf"},
                licence_plate="DKX-12-B",
                direction="loopt naar het station",
                free_text="Jan de Vries in een zwarte Golf DKX-12-B bij Dubbeldamseweg 4242",
            )

        two_days = timedelta(days=2)
        rows: dict[str, Report] = {}
        r1 = report(
            "verdachte_situatie",
            two_days,
            krispijn,
            called_112=True,
            buurt_code="BU05050301",
            latitude=51.8151,
            longitude=4.6649,
            status="closed",
            forwarded_at=now - two_days + timedelta(minutes=30),
            closed_at=now - two_days + timedelta(hours=2),
        )
        rows["r1"] = await add_report(session, r1, suspect())
        r2 = report(
            "verdachte_situatie",
            two_days - timedelta(minutes=10),
            krispijn,
            called_112=False,
            incident_id=r1.id,
            status="closed",
            closed_at=now - two_days + timedelta(hours=2),
        )
        rows["r2"] = await add_report(session, r2, suspect())
        r3 = report(
            "inbraak",
            timedelta(days=10),
            noord,
            status="doorgegeven",
            latitude=51.8123,
            longitude=4.6612,
            forwarded_at=now - timedelta(days=10) + timedelta(minutes=90),
        )
        rows["r3"] = await add_report(session, r3, suspect())
        session.add(ReportTap(report_id=r3.id, pseudonym="someone-else", kind="called", created_at=now))
        r4 = report(
            "overlast",
            timedelta(days=20),
            krispijn,
            status="closed",
            closed_at=now - timedelta(days=20) + timedelta(hours=6),
        )
        rows["r4"] = await add_report(session, r4, None)
        r5 = report(
            "overlast",
            timedelta(days=40),
            zuid,
            status="closed",
            buurt_code="BU05050302",
            closed_at=now - timedelta(days=40) + timedelta(hours=1),
        )
        rows["r5"] = await add_report(session, r5, suspect())
        r6 = report("vernieling", timedelta(days=3), sterrenburg, latitude=51.7901, longitude=4.7102)
        rows["r6"] = await add_report(session, r6, suspect())
        for kind, alert_type, areas, delivered, failed, status in (
            ("alert", "babbeltruc-nep-agent", [krispijn.id], 10, 1, "done"),
            ("bericht", None, [sterrenburg.id], 3, 0, "done"),
            ("alert", "vermissing", [krispijn.id], 0, 0, "draft"),
        ):
            session.add(
                Broadcast(
                    kind=kind,
                    alert_type=alert_type,
                    text="Jan de Vries",
                    area_ids=areas,
                    area_names="",
                    status=status,
                    created_at=now - timedelta(days=5),
                    total=delivered + failed,
                    delivered=delivered,
                    failed=failed,
                )
            )
        session.add(
            OutboxMessage(
                chat_id=groups[0].id,
                idempotency_key=f"campaign:x:20261121T0900Z:{groups[0].id}",
                payload={"parts": []},
                status="sent",
                attempts=1,
                next_attempt_at=now,
                created_at=now - timedelta(days=1),
            )
        )
        await session.commit()
    app.services.places.forget()
    return Known(krispijn, noord, zuid, sterrenburg, rows)
