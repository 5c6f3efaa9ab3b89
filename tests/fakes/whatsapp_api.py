"""A fake WhatsApp Cloud API on 127.0.0.1 for tests and benchmarks (no real network, real HTTP).

It serves ``POST /{version}/{phone_number_id}/messages`` like Meta's Graph API: checks the Bearer
token, answers with a ``wamid``, records every call, and can be told to fail the next sends with
Meta's error codes in Meta's error JSON shape. It also plays Meta's side of the webhook: it posts
correctly signed, wrongly signed or unsigned webhook bodies to the bot, including status webhooks
(sent / delivered / read / failed) for the messages it accepted.

Usage::

    async with FakeWhatsAppApi() as api:
        settings.WHATSAPP_API_BASE_URL = api.base_url
        api.fail_next(131047)                      # next send: outside the 24 h window
        ...
        await api.wait_for_sends(1)                # no sleeps: await the traffic
        status, text = await api.post_webhook(url, api.text_message("31612345678", "melding"))
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "test-whatsapp-token"
DEFAULT_APP_SECRET = "test-app-secret"
DEFAULT_PHONE_NUMBER_ID = "1122334455667"
DEFAULT_DISPLAY_NUMBER = "31850000000"
API_VERSION = "v25.0"

# Meta's error codes the bot must handle: (title, HTTP status Graph answers with).
ERRORS: dict[int, tuple[str, int]] = {
    0: ("AuthException", 401),
    4: ("Application request limit reached", 400),
    190: ("Access token has expired", 401),
    80007: ("Rate limit issues", 400),
    130429: ("Rate limit hit", 400),
    130472: ("User's number is part of an experiment", 400),
    131000: ("Something went wrong", 500),
    131008: ("Required parameter is missing", 400),
    131009: ("Parameter value is not valid", 400),
    131026: ("Message undeliverable", 400),
    131047: ("Re-engagement message", 400),
    131048: ("Spam rate limit hit", 400),
    131049: ("This message was not delivered to maintain healthy ecosystem engagement.", 400),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", 400),
    132001: ("Template name does not exist in the translation", 404),
    133004: ("Server temporarily unavailable", 503),
}

SignatureMode = Literal["valid", "wrong", "none"]


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value Meta sends: HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def error_body(code: int, details: str | None = None) -> dict[str, Any]:
    """Meta's Graph API error JSON for one code."""
    title = ERRORS.get(code, ("Unknown error", 400))[0]
    return {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or title},
            "fbtrace_id": "AfakeTraceId",
        }
    }


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    version: str
    phone_number_id: str
    authorization: str | None
    body: Any  # parsed JSON, or the raw text when it was not JSON
    status: int  # what the fake answered
    wamid: str | None  # set when the send was accepted

    @property
    def to(self) -> str | None:
        return self.body.get("to") if isinstance(self.body, dict) else None

    @property
    def type(self) -> str | None:
        return self.body.get("type") if isinstance(self.body, dict) else None

    @property
    def text(self) -> str | None:
        """The visible text of a text or interactive send (what the user reads)."""
        if not isinstance(self.body, dict):
            return None
        if self.type == "text":
            return str(self.body["text"]["body"])
        if self.type == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        return None


@dataclass
class _Injected:
    code: int
    to: str | None
    http_status: int | None


@dataclass
class FakeWhatsAppApi:
    token: str = DEFAULT_TOKEN
    app_secret: str = DEFAULT_APP_SECRET
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID
    # Timestamps in webhook bodies come from here, so tests with a fake clock can pass theirs.
    now: Callable[[], float] = time.time
    calls: list[Call] = field(default_factory=list)
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # uploaded media id → (type, bytes)
    _errors: deque[_Injected] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None
    _session: aiohttp.ClientSession | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> FakeWhatsAppApi:
        app = web.Application()
        app.router.add_post("/{version}/{phone_number_id}/messages", self._messages)
        app.router.add_post("/{version}/{phone_number_id}/media", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._changed = asyncio.Condition()
        self._session = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeWhatsAppApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def graph_url(self) -> str:
        """What WHATSAPP_API_BASE_URL should be set to (Meta's is https://graph.facebook.com/v25.0)."""
        return f"{self.base_url}/{API_VERSION}"

    # ---- error injection -------------------------------------------------------------------
    def fail_next(
        self, code: int, times: int = 1, *, to: str | None = None, http_status: int | None = None
    ) -> None:
        """Fail the next ``times`` sends (to ``to`` only, if given) with Meta error ``code``."""
        for _ in range(times):
            self._errors.append(_Injected(code, to, http_status))

    def _take_error(self, to: str | None) -> _Injected | None:
        for injected in self._errors:
            if injected.to is None or injected.to == to:
                self._errors.remove(injected)
                return injected
        return None

    # ---- the Graph API ---------------------------------------------------------------------
    async def _media(self, request: web.Request) -> web.Response:
        """Media upload (multipart: messaging_product, type, file); answers {"id": ...}."""
        number_id = request.match_info["phone_number_id"]
        auth = request.headers.get("Authorization")
        form = await request.post()
        upload = form.get("file")
        fields = {k: str(v) for k, v in form.items() if k != "file"}
        if auth != f"Bearer {self.token}":
            status, payload = 401, error_body(190, "Error validating access token")
        elif not isinstance(upload, web.FileField) or fields.get("messaging_product") != "whatsapp":
            status, payload = 400, error_body(100, "file and messaging_product are required")
        else:
            data = upload.file.read()
            media_id = f"media-{next(self._ids)}"
            self.media[media_id] = (fields.get("type", ""), data)
            status, payload = 200, {"id": media_id}
        body = {**fields, "file_bytes": len(self.media.get(str(payload.get("id")), ("", b""))[1])}
        await self._record(
            Call("POST", request.path, request.match_info["version"], number_id, auth, body, status, None)
        )
        return web.json_response(payload, status=status)

    async def _messages(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        number_id = request.match_info["phone_number_id"]
        auth = request.headers.get("Authorization")
        raw = await request.text()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        status, payload, wamid = self._answer(number_id, auth, body)
        await self._record(Call("POST", request.path, version, number_id, auth, body, status, wamid))
        return web.json_response(payload, status=status)

    def _answer(self, number_id: str, auth: str | None, body: Any) -> tuple[int, dict[str, Any], str | None]:
        if auth != f"Bearer {self.token}":
            return 401, error_body(190, "Error validating access token"), None
        if number_id != self.phone_number_id:
            return 400, error_body(100, f"Unknown phone number id {number_id}"), None
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return 400, error_body(131008, "messaging_product and to are required"), None
        if body.get("type") not in {"text", "interactive", "template", "location", "image"}:
            return 400, error_body(131009, f"unsupported type {body.get('type')!r}"), None
        injected = self._take_error(str(body["to"]))
        if injected is not None:
            http = injected.http_status or ERRORS.get(injected.code, ("", 400))[1]
            return http, error_body(injected.code), None
        wamid = f"wamid.FAKE{next(self._ids):08d}"
        to = str(body["to"])
        return (
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            },
            wamid,
        )

    async def _record(self, call: Call) -> None:
        assert self._changed is not None
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    @property
    def sent(self) -> list[Call]:
        """The sends the fake accepted (answered 200 with a wamid)."""
        return [call for call in self.calls if call.wamid is not None]

    async def wait_for_calls(self, count: int, within: float = 5.0) -> list[Call]:
        """Wait until at least ``count`` calls arrived (event-driven, bounded by ``within`` seconds)."""
        assert self._changed is not None
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.calls) >= count)
        return list(self.calls)

    async def wait_for_sends(self, count: int, within: float = 5.0) -> list[Call]:
        assert self._changed is not None
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.sent) >= count)
        return self.sent

    # ---- Meta's side of the webhook --------------------------------------------------------
    async def post_webhook(
        self, url: str, body: dict[str, Any] | bytes, signature: SignatureMode = "valid"
    ) -> tuple[int, str]:
        """POST a webhook body to the bot the way Meta does; returns (status, response text)."""
        assert self._session is not None, "start() the fake first"
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = sign(raw, self.app_secret)
        elif signature == "wrong":
            headers["X-Hub-Signature-256"] = sign(raw, self.app_secret + "-not")
        async with self._session.post(url, data=raw, headers=headers) as response:
            return response.status, await response.text()

    async def verify_webhook(
        self, url: str, verify_token: str, challenge: str = "1158201444"
    ) -> tuple[int, str]:
        """Meta's subscription handshake: GET with hub.mode / hub.verify_token / hub.challenge."""
        assert self._session is not None, "start() the fake first"
        params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
        async with self._session.get(url, params=params) as response:
            return response.status, await response.text()

    async def post_statuses(
        self, url: str, status: str, *, error_code: int | None = None, calls: list[Call] | None = None
    ) -> tuple[int, str]:
        """Post one webhook with a ``status`` entry for each accepted send (default: all of them)."""
        entries = [
            status_entry(call.wamid, str(call.to), status, error_code, self.now())
            for call in (calls if calls is not None else self.sent)
            if call.wamid is not None
        ]
        return await self.post_webhook(url, self.envelope({"statuses": entries}))

    # ---- webhook body builders -------------------------------------------------------------
    def envelope(self, value: dict[str, Any], field_name: str = "messages") -> dict[str, Any]:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": DEFAULT_DISPLAY_NUMBER,
                "phone_number_id": self.phone_number_id,
            },
            **value,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": field_name}]}],
        }

    def inbound(self, wa_id: str, message: dict[str, Any], name: str = "Buurtbewoner") -> dict[str, Any]:
        """A ``messages`` webhook with one message from ``wa_id`` (``message`` holds type + payload)."""
        wamid = message.pop("id", None) or f"wamid.IN{next(self._ids):08d}"
        full = {"from": wa_id, "id": wamid, "timestamp": str(int(self.now())), **message}
        contacts = [{"profile": {"name": name}, "wa_id": wa_id}]
        return self.envelope({"contacts": contacts, "messages": [full]})

    def text_message(self, wa_id: str, text: str, wamid: str | None = None) -> dict[str, Any]:
        return self.inbound(wa_id, {"id": wamid, "type": "text", "text": {"body": text}})

    def button_reply(
        self, wa_id: str, data: str, title: str = "Knop", wamid: str | None = None
    ) -> dict[str, Any]:
        interactive = {"type": "button_reply", "button_reply": {"id": data, "title": title}}
        return self.inbound(wa_id, {"id": wamid, "type": "interactive", "interactive": interactive})

    def list_reply(
        self, wa_id: str, data: str, title: str = "Keuze", wamid: str | None = None
    ) -> dict[str, Any]:
        interactive = {"type": "list_reply", "list_reply": {"id": data, "title": title, "description": ""}}
        return self.inbound(wa_id, {"id": wamid, "type": "interactive", "interactive": interactive})

    def location_message(
        self, wa_id: str, latitude: float, longitude: float, wamid: str | None = None
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self.inbound(wa_id, {"id": wamid, "type": "location", "location": location})

    def image_message(
        self, wa_id: str, caption: str | None = None, wamid: str | None = None
    ) -> dict[str, Any]:
        image: dict[str, Any] = {"id": "1234567890", "mime_type": "image/jpeg", "sha256": "abc"}
        if caption is not None:
            image["caption"] = caption
        return self.inbound(wa_id, {"id": wamid, "type": "image", "image": image})


def status_entry(
    wamid: str, recipient: str, status: str, error_code: int | None = None, at: float | None = None
) -> dict[str, Any]:
    """One ``statuses[]`` element as Meta sends it."""
    entry: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(time.time() if at is None else at)),
        "recipient_id": recipient,
    }
    if error_code is not None:
        title = ERRORS.get(error_code, ("Unknown error", 400))[0]
        entry["errors"] = [
            {"code": error_code, "title": title, "message": title, "error_data": {"details": title}}
        ]
    return entry
