"""Open311 GeoReport v2, read-only: the nuisance reports a municipality handles, minimised.

``GET /open311/v2/services.json``, ``GET /open311/v2/requests.json`` (``service_code``,
``start_date``, ``end_date``, ``status``, ``service_request_id``) and
``GET /open311/v2/requests/{id}.json``. Every call needs ``api_key`` (GeoReport v2 puts it in the
query string) matching one of ``OPEN311_API_KEYS``, compared in constant time. Only categories
mapped to a service (``messages/open311.toml`` or ``OPEN311_SERVICES_FILE``) are served, with the
export's minimisation (``storage/export.py``): buurt centroid or 100 m grid, hour only, no text.
Errors use GeoReport v2's shape: a JSON list of ``{"code", "description"}``.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import ColumnElement, true

from bot.web import SERVICES
from config.settings import Settings
from messages.open311 import Service, ServiceList, load_services
from storage.export import ExportRow, Filters, Pseudonymiser, export_rows, load_places
from storage.reports import Report, ReportStatus

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
DEFAULT_DAYS = 90  # GeoReport v2: without dates, the last 90 days
MAX_REQUESTS = 1000  # GeoReport v2: at most 1000 requests per answer
STATUSES = frozenset({"open", "closed"})
OPEN311_SERVICES = web.AppKey("open311_services", ServiceList)


def add_routes(app: web.Application) -> None:
    """Registered by bot/web.py with one line; the service file is read (and checked) here, once."""
    settings = app[SERVICES].settings
    app[OPEN311_SERVICES] = load_services(
        Path(settings.open311_services_file) if settings.open311_services_file else None
    )
    app.router.add_get(f"{PREFIX}/services.json", services_list)
    app.router.add_get(f"{PREFIX}/requests.json", requests_list)
    app.router.add_get(PREFIX + "/requests/{request_id}.json", one_request)
    app.router.add_get(PREFIX + "/{tail:.*}", not_found)


def error(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status)


def authorised(settings: Settings, request: web.Request) -> bool:
    given = request.query.get("api_key", "").encode()
    matches = [hmac.compare_digest(given, key.encode()) for key in settings.open311_api_keys]
    return bool(given) and any(matches)


def _guard(request: web.Request) -> web.Response | None:
    if not authorised(request.app[SERVICES].settings, request):
        return error(401, "api_key missing or not valid")
    return None


async def services_list(request: web.Request) -> web.Response:
    if (refused := _guard(request)) is not None:
        return refused
    return web.json_response([_service_json(s) for s in request.app[OPEN311_SERVICES].service])


def _service_json(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code,
        "service_name": service.service_name,
        "description": service.description,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(service.keywords),
        "group": service.group,
    }


class BadQuery(ValueError):
    pass


def _date(request: web.Request, name: str) -> datetime | None:
    value = request.query.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{name} is not a w3c date-time, e.g. 2026-11-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise BadQuery(f"{name} needs a time zone, e.g. 2026-11-01T00:00:00+01:00")
    return moment


def _list(request: web.Request, name: str) -> list[str]:
    return [part.strip() for part in request.query.get(name, "").split(",") if part.strip()]


def request_filters(request: web.Request, services: ServiceList, now: datetime) -> Filters:
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start is None and end is None:
        start = now - timedelta(days=DEFAULT_DAYS)
    elif start is None and end is not None:
        start = end - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and end < start:
        raise BadQuery("end_date lies before start_date")
    categories = list(services.categories)
    codes = _list(request, "service_code")
    if codes:
        chosen = [services.by_code(code) for code in codes]
        if None in chosen:
            raise BadQuery(f"unknown service_code {codes[chosen.index(None)][:60]}")
        categories = [c for service in chosen if service is not None for c in service.categories]
    statuses = _list(request, "status")
    if any(status not in STATUSES for status in statuses):
        raise BadQuery("status must be open or closed")
    where: ColumnElement[bool] = true()
    if statuses == ["open"]:
        where = Report.status != ReportStatus.CLOSED
    elif statuses == ["closed"]:
        where = Report.status == ReportStatus.CLOSED
    return Filters(start=start, end=end, where=where, categories=categories, limit=MAX_REQUESTS)


async def requests_list(request: web.Request) -> web.Response:
    if (refused := _guard(request)) is not None:
        return refused
    services = request.app[OPEN311_SERVICES]
    try:
        filters = request_filters(request, services, request.app[SERVICES].clock.now())
    except BadQuery as bad:
        return error(400, str(bad))
    ids = _list(request, "service_request_id")
    if ids:  # GeoReport v2: ids given → every other filter is ignored
        filters = Filters(categories=list(services.categories), limit=MAX_REQUESTS)
    rows = await _rows(request, filters, ids)
    return web.json_response([request_json(row, services) for row in rows])


async def one_request(request: web.Request) -> web.Response:
    if (refused := _guard(request)) is not None:
        return refused
    services = request.app[OPEN311_SERVICES]
    request_id = request.match_info["request_id"]
    filters = Filters(categories=list(services.categories), short_id=request_id.upper()[:16], limit=1)
    rows = await _rows(request, filters, [])
    if not rows:
        return error(404, f"no service request {request_id[:20]}")
    return web.json_response([request_json(rows[0], services)])


async def not_found(request: web.Request) -> web.Response:
    if (refused := _guard(request)) is not None:
        return refused
    return error(404, "unknown resource: use services.json, requests.json or requests/{id}.json")


async def _rows(request: web.Request, filters: Filters, ids: list[str]) -> list[ExportRow]:
    async with request.app[SERVICES].db() as session:
        places = await load_places(session)
        if ids:
            rows = []
            for request_id in ids[:MAX_REQUESTS]:
                one = Filters(categories=filters.categories, short_id=request_id.upper()[:16], limit=1)
                rows.extend([row async for row in export_rows(session, one, places, Pseudonymiser())])
            return rows
        return [row async for row in export_rows(session, filters, places, Pseudonymiser())]


def request_json(row: ExportRow, services: ServiceList) -> dict[str, Any]:
    """GeoReport v2 field names; free-text fields are empty on purpose (minimisation)."""
    service = services.for_category(row.category)
    requested = datetime.fromisoformat(row.time.replace("Z", "+00:00"))
    closed = row.status == ReportStatus.CLOSED
    updated = (
        requested + timedelta(hours=row.hours_to_close) if closed and row.hours_to_close is not None else None
    )
    return {
        "service_request_id": row.id,
        "status": "closed" if closed else "open",
        "status_notes": "",
        "service_name": service.service_name if service else row.category,
        "service_code": service.service_code if service else row.category,
        "description": "",
        "agency_responsible": services.agency_responsible,
        "service_notice": "",
        "requested_datetime": _w3c(requested),
        "updated_datetime": _w3c(updated.replace(minute=0, second=0, microsecond=0)) if updated else None,
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": "",
    }


def _w3c(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
