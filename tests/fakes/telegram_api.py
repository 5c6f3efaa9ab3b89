"""A fake Telegram Bot API server on aiohttp, for tests and benchmarks (never for production).

Start it on 127.0.0.1 port 0 and point a bot at ``fake.base_url`` (``http://127.0.0.1:PORT/bot``;
PTB appends the token). It speaks the Bot API's JSON over HTTP, accepts JSON, url-encoded and
multipart bodies like the real server, records every call, queues updates for ``getUpdates`` (long
poll woken by an event) or POSTs them to a registered webhook with the secret header, injects
failures, and can enforce Telegram-like flood limits by answering 429 with ``retry_after``.

    async with FakeTelegram() as fake:
        fake.queue_update(text_update(private_chat(7), user(7), "/start"))
        ...
        calls = await fake.wait_for_calls("sendMessage", 1)

Run as a separate process (benchmarks): ``python -m tests.fakes.telegram_api`` prints the port; the
``/_fake/*`` control routes queue updates and report counters over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import telegram_updates as tu

JSON = dict[str, Any]
Clock = Callable[[], datetime]

# Parameters whose value is a plain string even when it looks like JSON (url-encoded/multipart bodies
# carry every other value JSON-encoded, exactly as PTB sends them).
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "inline_message_id",
        "chat_id",
        "user_id",
        "photo",
        "business_connection_id",
        "message_effect_id",
    }
)
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendLocation", "editMessageText", "editMessageReplyMarkup"}
)
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class UploadedFile:
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class Call:
    """One request the fake received; ``status`` is the HTTP status it answered."""

    method: str
    chat_id: str | None
    params: JSON
    at: datetime
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 0


@dataclass
class Fault:
    """An injected failure. ``times`` None means forever; ``fraction`` picks calls at random."""

    kind: str  # "429" | "migrate" | "403" | "blocked" | "kicked" | "500" | "hang" | "400"
    method: str | None = None
    chat_id: str | None = None
    times: int | None = 1
    fraction: float | None = None
    retry_after: int = 3
    migrate_to_chat_id: int | None = None
    description: str | None = None
    hits: int = 0

    def matches(self, method: str, chat_id: str | None) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class FloodLimits:
    """Telegram's documented limits; ``scale`` multiplies every budget (e.g. 0.1 for fast tests)."""

    per_second: float = 30
    per_chat_per_second: float = 1
    chat_burst: int = 3
    per_group_per_minute: float = 20
    scale: float = 1.0


class _Window:
    """Timestamps of recent sends inside a sliding window."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.times: deque[float] = deque()

    def wait_needed(self, now: float, limit: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < max(1, int(limit)):
            return 0.0
        return self.times[0] + self.seconds - now


def _error(code: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _ok(result: Any) -> web.Response:
    return web.Response(body=json.dumps({"ok": True, "result": result}), content_type="application/json")


def _decode(name: str, value: str) -> Any:
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeTelegram:
    def __init__(
        self,
        token: str = "123:abc",
        *,
        bot_username: str = "buurtbot_test_bot",
        clock: Clock = _utcnow,
        flood: FloodLimits | None = None,
        seed: int = 1,
        record_calls: bool = True,
    ) -> None:
        self.token = token
        self.bot_user = tu.user(int(token.split(":")[0]), "Buurtbot", bot_username, is_bot=True)
        self.clock = clock
        self.flood = flood
        self.record_calls = record_calls
        self.calls: list[Call] = []
        self.counts: dict[str, int] = {}
        self.faults: list[Fault] = []
        self.chats: dict[str, JSON] = {}
        self.members: dict[tuple[str, str], str] = {}  # (chat_id, user_id) → status
        self.messages: dict[tuple[str, int], JSON] = {}
        self.webhook: JSON | None = None
        self._random = random.Random(seed)
        self._updates: deque[JSON] = deque()
        self._next_update_id = 1
        self._allowed_updates: list[str] = []
        self._next_message_id: dict[str, int] = {}
        self._updates_event = asyncio.Event()
        self._call_event = asyncio.Event()
        self._release_hangs = asyncio.Event()
        self._poll_generation = 0
        self._windows: dict[str, _Window] = {}
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_fake/updates", self._control_updates)
        app.router.add_get("/_fake/stats", self._control_stats)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        self._release_hangs.set()
        self._updates_event.set()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url`` (the token is appended by PTB)."""
        return f"{self.url}/bot"

    # --- test controls ---------------------------------------------------------------------------
    def queue_update(self, update: JSON) -> int:
        """Queue an update for ``getUpdates``; numbers it when it has no ``update_id``."""
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._updates.append(update)
        self._updates_event.set()
        return int(update["update_id"])

    def queue_updates(self, updates: Iterable[JSON]) -> None:
        for update in updates:
            self.queue_update(update)

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    async def post_to_webhook(
        self, update: JSON, *, secret: str | None = None, raw: bytes | None = None
    ) -> int:
        """POST one update to the registered webhook like Telegram does; returns the HTTP status."""
        if self.webhook is None:
            raise RuntimeError("no webhook registered")
        if "update_id" not in update and raw is None:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        headers = {"Content-Type": "application/json"}
        token = secret if secret is not None else self.webhook.get("secret_token")
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        if self._client is None:
            self._client = aiohttp.ClientSession()
        body = raw if raw is not None else json.dumps(update).encode()
        async with self._client.post(self.webhook["url"], data=body, headers=headers) as resp:
            await resp.read()
            return resp.status

    def fail(
        self,
        kind: str,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        fraction: float | None = None,
        retry_after: int = 3,
        migrate_to_chat_id: int | None = None,
        description: str | None = None,
    ) -> Fault:
        fault = Fault(
            kind,
            method,
            None if chat_id is None else str(chat_id),
            times,
            fraction,
            retry_after,
            migrate_to_chat_id,
            description,
        )
        self.faults.append(fault)
        return fault

    def release_hangs(self) -> None:
        self._release_hangs.set()

    def add_chat(self, chat: JSON) -> None:
        self.chats[str(chat["id"])] = chat

    def set_member(self, chat_id: int | str, user_id: int | str, status: str) -> None:
        self.members[(str(chat_id), str(user_id))] = status

    def calls_to(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        return [
            c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == str(chat_id))
        ]

    async def wait_for(self, predicate: Callable[[FakeTelegram], bool], limit: float = 10.0) -> None:
        """Wait until ``predicate(self)`` holds, re-checking on each call (no polling sleeps)."""
        async with asyncio.timeout(limit):  # a safety net against a hung test, not a sleep
            while not predicate(self):
                self._call_event.clear()
                await self._call_event.wait()

    async def wait_for_calls(
        self, method: str, count: int = 1, chat_id: int | str | None = None, limit: float = 10.0
    ) -> list[Call]:
        await self.wait_for(lambda f: len(f.calls_to(method, chat_id)) >= count, limit)
        return self.calls_to(method, chat_id)

    # --- control routes for use from another process (benchmarks) ------------------------------
    async def _control_updates(self, request: web.Request) -> web.Response:
        self.queue_updates(await request.json())
        return web.json_response({"queued": self.pending_updates})

    async def _control_stats(self, request: web.Request) -> web.Response:
        return web.json_response({"counts": self.counts, "pending": self.pending_updates})

    # --- request handling ------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        params: JSON = {k: _decode(k, v) for k, v in request.query.items()}
        files: dict[str, UploadedFile] = {}
        if not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            params.update(await request.json())
            return params, files
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                params[name] = _decode(name, str(value))
        return params, files

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params, files = await self._params(request)
        except ValueError:
            return _error(400, "Bad Request: can't parse request body")
        chat_id = None if params.get("chat_id") is None else str(params["chat_id"])
        call = Call(method, chat_id, params, self.clock(), files)
        self.counts[method] = self.counts.get(method, 0) + 1
        if self.record_calls:
            self.calls.append(call)
            self._call_event.set()  # waiters see the call on arrival (long polls answer late)
        response = await self._respond(method, chat_id, params, files)
        call.status = response.status
        self._call_event.set()
        return response

    async def _respond(
        self, method: str, chat_id: str | None, params: JSON, files: dict[str, UploadedFile]
    ) -> web.StreamResponse:
        fault = self._pick_fault(method, chat_id)
        if fault is not None:
            return await self._fault_response(fault)
        if self.flood is not None and method in SEND_METHODS and chat_id is not None:
            wait = self._flood_wait(chat_id)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                return _error(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        handler = _METHODS.get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            return await handler(self, chat_id, params, files)
        except KeyError as exc:
            return _error(400, f"Bad Request: parameter {exc.args[0]} is required")

    def _pick_fault(self, method: str, chat_id: str | None) -> Fault | None:
        for fault in self.faults:
            if not fault.matches(method, chat_id):
                continue
            if fault.fraction is not None and self._random.random() >= fault.fraction:
                continue
            fault.hits += 1
            return fault
        return None

    async def _fault_response(self, fault: Fault) -> web.StreamResponse:
        if fault.kind == "hang":
            await self._release_hangs.wait()
            return _error(504, "Gateway Timeout")
        if fault.kind == "429":
            return _error(
                429, f"Too Many Requests: retry after {fault.retry_after}", {"retry_after": fault.retry_after}
            )
        if fault.kind == "migrate":
            return _error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": fault.migrate_to_chat_id},
            )
        if fault.kind in ("403", "blocked"):
            return _error(403, fault.description or "Forbidden: bot was blocked by the user")
        if fault.kind == "kicked":
            return _error(403, fault.description or "Forbidden: bot was kicked from the group chat")
        if fault.kind == "400":
            return _error(400, fault.description or "Bad Request: chat not found")
        return _error(500, fault.description or "Internal Server Error")

    def _flood_wait(self, chat_id: str) -> float:
        assert self.flood is not None
        limits, now = self.flood, self.clock().timestamp()
        checks = [
            ("*", 1.0, limits.per_second * limits.scale),
            (f"c{chat_id}", 1.0, max(limits.chat_burst, limits.per_chat_per_second) * limits.scale),
        ]
        if chat_id.startswith("-"):
            checks.append((f"g{chat_id}", 60.0, limits.per_group_per_minute * limits.scale))
        windows = [self._windows.setdefault(key, _Window(seconds)) for key, seconds, _ in checks]
        wait = max(w.wait_needed(now, limit) for w, (_, _, limit) in zip(windows, checks, strict=True))
        if wait <= 0:
            for window in windows:
                window.times.append(now)
        return wait

    # --- objects ---------------------------------------------------------------------------------
    def chat(self, chat_id: str) -> JSON:
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        try:
            return tu.chat_for(int(chat_id))
        except ValueError:  # "@username" of a public group
            return {"id": -1001000000000, "type": "supergroup", "title": chat_id, "username": chat_id[1:]}

    def _new_message(self, chat_id: str, **content: Any) -> JSON:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        msg: JSON = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self.chat(chat_id),
            "date": int(self.clock().timestamp()),
        }
        msg.update({k: v for k, v in content.items() if v is not None})
        self.messages[(chat_id, message_id)] = msg
        return msg


# --- Bot API methods -----------------------------------------------------------------------------
Handler = Callable[[FakeTelegram, str | None, JSON, dict[str, UploadedFile]], Awaitable[web.StreamResponse]]


async def _get_me(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    return _ok(
        {
            **fake.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
    )


async def _get_updates(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    if fake.webhook is not None:
        return _error(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int(params.get("offset") or 0)
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    timeout = float(params.get("timeout") or 0)
    if params.get("allowed_updates") is not None:
        fake._allowed_updates = list(params["allowed_updates"])  # sticky, like Telegram
    fake._poll_generation += 1
    generation = fake._poll_generation
    while fake._updates and int(fake._updates[0]["update_id"]) < offset:
        fake._updates.popleft()  # confirmed by offset
    if not fake._updates and timeout > 0:
        fake._updates_event.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await fake._updates_event.wait()
        if generation != fake._poll_generation:
            return _error(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
    batch = [u for u in list(fake._updates)[:limit] if _allowed(fake._allowed_updates, u)]
    return _ok(batch)


def _allowed(allowed: list[str], update: JSON) -> bool:
    kinds = {k for k in update if k != "update_id"}
    if allowed:
        return bool(kinds & set(allowed))
    return not kinds <= DEFAULT_EXCLUDED_UPDATES


async def _set_webhook(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    fake.webhook = {
        "url": params["url"],
        "secret_token": params.get("secret_token"),
        "allowed_updates": params.get("allowed_updates"),
    }
    if params.get("drop_pending_updates"):
        fake._updates.clear()
    return _ok(True)


async def _delete_webhook(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    fake.webhook = None
    if params.get("drop_pending_updates"):
        fake._updates.clear()
    return _ok(True)


async def _get_webhook_info(
    fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any
) -> web.Response:
    url = fake.webhook["url"] if fake.webhook else ""
    return _ok({"url": url, "has_custom_certificate": False, "pending_update_count": len(fake._updates)})


async def _true(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    return _ok(True)


async def _send_message(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    text = params["text"]
    if not str(text).strip():
        return _error(400, "Bad Request: message text is empty")
    if len(str(text)) > 4096:
        return _error(400, "Bad Request: message is too long")
    assert chat_id is not None or params["chat_id"]
    return _ok(fake._new_message(str(chat_id), text=text, reply_markup=params.get("reply_markup")))


async def _send_location(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    loc = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
    return _ok(
        fake._new_message(str(params["chat_id"]), location=loc, reply_markup=params.get("reply_markup"))
    )


async def _send_photo(
    fake: FakeTelegram, chat_id: str | None, params: JSON, files: dict[str, UploadedFile]
) -> web.Response:
    upload = next(iter(files.values()), None)
    if upload is None and not params.get("photo"):
        return _error(400, "Bad Request: there is no photo in the request")
    size = len(upload.data) if upload else 0
    photo = [
        {
            "file_id": f"photo-{fake.counts.get('sendPhoto', 0)}",
            "file_unique_id": "u1",
            "width": 800,
            "height": 600,
            "file_size": size,
        }
    ]
    return _ok(
        fake._new_message(
            str(params["chat_id"]),
            photo=photo,
            caption=params.get("caption"),
            reply_markup=params.get("reply_markup"),
        )
    )


def _stored(fake: FakeTelegram, params: JSON) -> JSON | None:
    return fake.messages.get((str(params["chat_id"]), int(params["message_id"])))


async def _edit_text(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    msg = _stored(fake, params)
    if msg is None:
        return _error(400, "Bad Request: message to edit not found")
    markup = params.get("reply_markup")
    if msg.get("text") == params["text"] and msg.get("reply_markup") == markup:
        return _error(
            400,
            "Bad Request: message is not modified: specified new message content and "
            "reply markup are exactly the same as a current content and reply markup "
            "of the message",
        )
    msg.update(text=params["text"], edit_date=int(fake.clock().timestamp()))
    msg.pop("reply_markup", None)
    if markup:
        msg["reply_markup"] = markup
    return _ok(msg)


async def _edit_markup(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    msg = _stored(fake, params)
    if msg is None:
        return _error(400, "Bad Request: message to edit not found")
    msg.pop("reply_markup", None)
    if params.get("reply_markup"):
        msg["reply_markup"] = params["reply_markup"]
    return _ok(msg)


async def _get_chat(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    chat = dict(fake.chat(str(params["chat_id"])))
    chat.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
        },
    )
    return _ok(chat)


def _member_user(fake: FakeTelegram, user_id: str) -> JSON:
    if user_id == str(fake.bot_user["id"]):
        return fake.bot_user
    return tu.user(int(user_id), f"User {user_id}")


async def _get_chat_member(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    uid = str(params["user_id"])
    status = fake.members.get((str(params["chat_id"]), uid), "member")
    return _ok(tu.chat_member(_member_user(fake, uid), status))


async def _get_chat_admins(fake: FakeTelegram, chat_id: str | None, params: JSON, files: Any) -> web.Response:
    cid = str(params["chat_id"])
    admins = [
        tu.chat_member(_member_user(fake, uid), status)
        for (chat, uid), status in fake.members.items()
        if chat == cid and status in ("creator", "administrator")
    ]
    return _ok(admins)


_METHODS: dict[str, Handler] = {
    "getMe": _get_me,
    "getUpdates": _get_updates,
    "setWebhook": _set_webhook,
    "deleteWebhook": _delete_webhook,
    "getWebhookInfo": _get_webhook_info,
    "setMyCommands": _true,
    "deleteMyCommands": _true,
    "answerCallbackQuery": _true,
    "sendChatAction": _true,
    "sendMessage": _send_message,
    "sendLocation": _send_location,
    "sendPhoto": _send_photo,
    "editMessageText": _edit_text,
    "editMessageReplyMarkup": _edit_markup,
    "getChat": _get_chat,
    "getChatMember": _get_chat_member,
    "getChatAdministrators": _get_chat_admins,
}


async def _serve(port: int, scale: float | None) -> None:
    fake = FakeTelegram(record_calls=False, flood=FloodLimits(scale=scale) if scale else None)
    await fake.start(port)
    print(fake.port, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server (tests/benchmarks)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--flood-scale", type=float, default=None)
    args = parser.parse_args()
    try:  # a faster loop keeps the fake from being the bottleneck of a benchmark
        import uvloop

        run: Callable[..., None] = uvloop.run
    except ImportError:
        run = asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        run(_serve(args.port, args.flood_scale))


if __name__ == "__main__":
    main()
