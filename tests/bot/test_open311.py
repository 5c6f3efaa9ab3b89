"""Open311 GeoReport v2 over real HTTP (aiohttp test server on loopback): keys, fields, filters, errors."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.web import build_web_app
from tests import statistics_data

KEYS = ("partner-key-1", "partner-key-2")
FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient[Any, Any]]:
    await statistics_data.build(app)
    settings = app.services.settings.model_copy(update={"open311_api_keys": KEYS})
    web_app = build_web_app(dataclasses.replace(app.services, settings=settings))
    async with TestClient(TestServer(web_app)) as test_client:
        yield test_client


async def get(
    client: TestClient[Any, Any], path: str, key: str | None = KEYS[1], **query: str
) -> tuple[int, Any]:
    params = {**query, **({"api_key": key} if key is not None else {})}
    response = await client.get(f"/open311/v2/{path}", params=params)
    assert response.content_type == "application/json"
    return response.status, await response.json()


@pytest.mark.parametrize("key", [None, "", "partner-key", "PARTNER-KEY-1"])
async def test_without_a_valid_key_every_call_is_401(client: TestClient[Any, Any], key: str | None) -> None:
    for path in ("services.json", "requests.json", "requests/M-0006.json", "nothing.json"):
        status, body = await get(client, path, key)
        assert status == 401
        assert body == [{"code": 401, "description": "api_key missing or not valid"}]


async def test_the_service_list(client: TestClient[Any, Any]) -> None:
    status, body = await get(client, "services.json", KEYS[0])
    assert status == 200
    assert [s["service_code"] for s in body] == ["overlast", "vernieling"]
    assert set(body[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert body[0]["metadata"] is False and body[0]["type"] == "realtime"


async def test_requests_serve_only_mapped_categories_minimised(client: TestClient[Any, Any]) -> None:
    status, body = await get(client, "requests.json")
    assert status == 200
    assert sorted(r["service_request_id"] for r in body) == ["M-0004", "M-0005", "M-0006"]  # 90 days
    by_id = {r["service_request_id"]: r for r in body}
    assert all(set(r) == FIELDS for r in body)
    closed = by_id["M-0004"]
    assert (closed["status"], closed["service_code"]) == ("closed", "overlast")
    assert closed["requested_datetime"] == "2026-11-02T12:00:00Z"
    assert closed["updated_datetime"] == "2026-11-02T18:00:00Z"
    assert by_id["M-0006"]["status"] == "open" and by_id["M-0006"]["updated_datetime"] is None
    assert abs(by_id["M-0006"]["lat"] - 51.7901) < 0.001 and by_id["M-0006"]["lat"] != 51.7901
    text = str(body).casefold()
    assert [s for s in statistics_data.SECRETS if s.casefold() in text] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"service_code": "vernieling"}, ["M-0006"]),
        ({"service_code": "overlast,vernieling", "status": "closed"}, ["M-0004", "M-0005"]),
        ({"status": "open"}, ["M-0006"]),
        ({"start_date": "2026-11-01T00:00:00Z"}, ["M-0004", "M-0006"]),
        ({"start_date": "2026-10-01T00:00:00+02:00", "end_date": "2026-11-01T00:00:00+01:00"}, ["M-0005"]),
        ({"service_request_id": "M-0006,M-0001,m-0005"}, ["M-0005", "M-0006"]),
    ],
)
async def test_filters(client: TestClient[Any, Any], query: dict[str, str], expected: list[str]) -> None:
    status, body = await get(client, "requests.json", **query)
    assert status == 200
    assert sorted(r["service_request_id"] for r in body) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "gisteren"},
        {"start_date": "2026-11-01T00:00:00"},
        {"start_date": "2026-11-10T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
        {"service_code": "inbraak"},
        {"status": "doorgegeven"},
    ],
)
async def test_bad_queries_get_400_in_georeport_shape(
    client: TestClient[Any, Any], query: dict[str, str]
) -> None:
    status, body = await get(client, "requests.json", **query)
    assert status == 400
    assert len(body) == 1 and body[0]["code"] == 400 and body[0]["description"]


async def test_one_request_and_not_found(client: TestClient[Any, Any]) -> None:
    status, body = await get(client, "requests/M-0006.json")
    assert status == 200 and [r["service_request_id"] for r in body] == ["M-0006"]
    for path in ("requests/M-0001.json", "requests/M-9999.json", "requests.xml"):  # M-0001: not mapped
        status, body = await get(client, path)
        assert status == 404 and body[0]["code"] == 404


async def test_run_webhook_without_a_chat_platform_serves_open311(app: App) -> None:
    """``buurtbot run --webhook`` with no token: the server with no adapter, on a real port."""
    import socket

    import aiohttp

    from bot.serve import Server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = app.services.settings.model_copy(update={"open311_api_keys": KEYS, "port": port})
    runtime = Server(  # no adapter: the web server alone
        dataclasses.replace(app, services=dataclasses.replace(app.services, settings=settings)),
        settings,
        [],
        webhook=True,
    )
    await runtime.start()
    try:
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{port}"
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/open311/v2/services.json", params={"api_key": KEYS[0]}) as response:
                assert response.status == 200 and len(await response.json()) == 2
            async with http.get(f"{base}/open311/v2/services.json") as response:
                assert response.status == 401
    finally:
        await runtime.stop()


def test_a_broken_service_file_stops_start_up_naming_the_setting(tmp_path: Any) -> None:
    from config.settings import SettingsError, load_settings

    broken = tmp_path / "open311.toml"
    broken.write_text('[[service]]\nservice_code = "x y"\nservice_name = "X"\ncategories = ["overlast"]\n')
    with pytest.raises(SettingsError, match="OPEN311_SERVICES_FILE"):
        load_settings(_env_file=None, open311_services_file=str(broken))
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(_env_file=None, open311_services_file=str(tmp_path / "missing.toml"))
    good = tmp_path / "own.toml"
    good.write_text('[[service]]\nservice_code = "kapot"\nservice_name = "Kapot"\ncategories = ["kapot"]\n')
    assert load_settings(_env_file=None, open311_services_file=str(good)).open311_services_file == str(good)
