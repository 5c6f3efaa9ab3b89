"""A fake signal-cli JSON-RPC HTTP daemon on 127.0.0.1 for tests and benchmarks (real HTTP, no Signal).

It answers like ``signal-cli -a NUMBER daemon --http`` (see ``bot/adapters/signal/rpc.py`` for the
source files the shapes come from):

* ``POST /api/v1/rpc`` — ``send`` (to ``recipient`` or ``groupId``; results per member, a
  timestamp as the message id, ``editTimestamp`` and ``attachment`` recorded), ``sendReaction``,
  ``listGroups``, ``updateGroup`` (accepting an invitation); JSON-RPC errors with signal-cli's codes;
  ``Content-Type`` other than JSON is 415, like the real daemon;
* ``GET /api/v1/events`` — server-sent events (``event:receive`` + one ``data:`` line); envelopes
  pushed while no client listens wait for the next one (the daemon's ``--receive-mode=on-connection``);
  :meth:`drop_streams` cuts every open stream, to test reconnecting.

It records every call and can, per recipient (a number/uuid or a group id), answer the next sends
with a rate limit (-5 with ``RATE_LIMIT_FAILURE`` results), an HTTP 429/413, a proof-required
challenge (a ``token``), "not registered" or "not a member".

Usage::

    async with FakeSignalCli() as daemon:
        settings.SIGNAL_RPC_URL = daemon.url
        daemon.add_group("grp=", "Buurt Noord", members=[ANS, BOB], admins=[ANS])
        daemon.rate_limit("grp=", retry_after=30)
        await daemon.push(daemon.group_message(ANS, "grp=", "Hallo"))
        await daemon.wait_for_sends(1)
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_NUMBER = "+31850000000"
BOT_UUID = "00000000-0000-4000-8000-00000000b0b0"


@dataclass(frozen=True)
class Person:
    number: str
    uuid: str
    name: str


@dataclass(frozen=True)
class Sent:
    """One ``send`` the daemon accepted (or refused: ``error`` holds the code)."""

    recipient: str | None
    group_id: str | None
    message: str
    timestamp: int
    edit_timestamp: int | None = None
    attachment: str | None = None
    error: int | None = None

    @property
    def to(self) -> str:
        return self.group_id or self.recipient or ""


@dataclass
class Group:
    group_id: str
    name: str
    members: list[Person]
    admins: set[str] = field(default_factory=set)  # uuids
    is_member: bool = True
    pending: bool = False  # the bot is invited, not yet a member

    def as_json(self) -> dict[str, Any]:
        members = [
            {"number": p.number, "uuid": p.uuid, "isAdmin": p.uuid in self.admins} for p in self.members
        ]
        own = {"number": BOT_NUMBER, "uuid": BOT_UUID}
        return {
            "id": self.group_id,
            "name": self.name,
            "description": "",
            "isMember": self.is_member,
            "isBlocked": False,
            "messageExpirationTime": 0,
            "members": [*members, {**own, "isAdmin": False}] if self.is_member else members,
            "pendingMembers": [own] if self.pending else [],
            "requestingMembers": [],
            "admins": [{"number": p.number, "uuid": p.uuid} for p in self.members if p.uuid in self.admins],
            "banned": [],
            "permissionAddMember": "EVERY_MEMBER",
            "permissionEditDetails": "EVERY_MEMBER",
            "permissionSendMessage": "EVERY_MEMBER",
            "groupInviteLink": None,
        }


@dataclass(frozen=True)
class Failure:
    kind: str  # "rate" | "http" | "challenge" | "unregistered" | "not_member"
    retry_after: int | None = None
    status: int = 429
    token: str = "challenge-token"


class FakeSignalCli:
    def __init__(self, *, start_ms: int = 1_764_590_000_000) -> None:
        self._clock = itertools.count(start_ms)
        self.groups: dict[str, Group] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[Sent] = []
        self.reactions: list[dict[str, Any]] = []
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._streams: list[asyncio.Queue[str | None]] = []
        self._waiting: list[str] = []  # envelopes pushed while nobody listened
        self._changed = asyncio.Condition()
        self.connections = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> FakeSignalCli:
        app = web.Application()
        app.router.add_post("/api/v1/rpc", self._rpc)
        app.router.add_get("/api/v1/events", self._events)
        app.router.add_get("/api/v1/check", self._check)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.drop_streams()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- set-up and injection --------------------------------------------------------------------
    def add_group(
        self,
        group_id: str,
        name: str,
        members: list[Person],
        admins: tuple[Person, ...] | list[Person] = (),
        *,
        pending: bool = False,
    ) -> Group:
        group = Group(group_id, name, list(members), {p.uuid for p in admins}, not pending, pending)
        self.groups[group_id] = group
        return group

    def rate_limit(self, recipient: str, *, times: int = 1, retry_after: int | None = 30) -> None:
        """The next ``times`` sends to ``recipient`` fail like Signal's 413/429 through signal-cli (-5)."""
        self._failures[recipient].extend([Failure("rate", retry_after)] * times)

    def http_error(
        self, recipient: str, status: int = 429, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        """The next sends to ``recipient`` get a bare HTTP ``status`` (a proxy in front of the daemon)."""
        self._failures[recipient].extend([Failure("http", retry_after, status)] * times)

    def challenge(
        self, recipient: str, token: str = "challenge-token", *, retry_after: int | None = 86400
    ) -> None:
        self._failures[recipient].append(Failure("challenge", retry_after, token=token))

    def unregistered(self, recipient: str) -> None:
        self._failures[recipient].append(Failure("unregistered"))

    def not_member(self, group_id: str) -> None:
        self._failures[group_id].append(Failure("not_member"))

    # -- events ----------------------------------------------------------------------------------
    async def push(self, envelope: dict[str, Any] | str) -> None:
        """Deliver one event to the listening clients (or keep it for the next one)."""
        text = envelope if isinstance(envelope, str) else json.dumps({"account": BOT_NUMBER, **envelope})
        if not self._streams:
            self._waiting.append(text)
            return
        for queue in self._streams:
            await queue.put(text)

    def drop_streams(self) -> None:
        for queue in self._streams:
            queue.put_nowait(None)

    async def wait_connected(self, count: int = 1) -> None:
        await self._wait(lambda: self.connections >= count and bool(self._streams))

    async def wait_for_sends(self, count: int) -> list[Sent]:
        await self._wait(lambda: len(self.sent) >= count)
        return self.sent

    def stamp(self) -> int:
        return next(self._clock)

    def envelope(self, who: Person, data: dict[str, Any], *, timestamp: int | None = None) -> dict[str, Any]:
        ts = timestamp or self.stamp()
        return {
            "envelope": {
                "source": who.number,
                "sourceNumber": who.number,
                "sourceUuid": who.uuid,
                "sourceName": who.name,
                "sourceDevice": 1,
                "timestamp": ts,
                "serverReceivedTimestamp": ts + 5,
                "serverDeliveredTimestamp": ts + 9,
                "dataMessage": {"timestamp": ts, "expiresInSeconds": 0, "viewOnce": False, **data},
            }
        }

    def group_info(self, group_id: str, kind: str = "DELIVER") -> dict[str, Any]:
        name = self.groups[group_id].name if group_id in self.groups else None
        return {"groupId": group_id, "groupName": name, "revision": 1, "type": kind}

    def group_message(self, who: Person, group_id: str, text: str, **extra: Any) -> dict[str, Any]:
        return self.envelope(who, {"message": text, "groupInfo": self.group_info(group_id), **extra})

    def private_message(self, who: Person, text: str, **extra: Any) -> dict[str, Any]:
        return self.envelope(who, {"message": text, **extra})

    def group_update(self, who: Person, group_id: str) -> dict[str, Any]:
        return self.envelope(who, {"message": None, "groupInfo": self.group_info(group_id, "UPDATE")})

    def reaction(
        self, who: Person, emoji: str, target_timestamp: int, group_id: str | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message": None,
            "reaction": {
                "emoji": emoji,
                "targetAuthor": BOT_NUMBER,
                "targetAuthorNumber": BOT_NUMBER,
                "targetAuthorUuid": BOT_UUID,
                "targetSentTimestamp": target_timestamp,
                "isRemove": False,
            },
        }
        if group_id is not None:
            data["groupInfo"] = self.group_info(group_id)
        return self.envelope(who, data)

    # -- HTTP ------------------------------------------------------------------------------------
    async def _check(self, request: web.Request) -> web.Response:
        return web.Response(status=200)

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        for text in self._waiting:
            queue.put_nowait(text)
        self._waiting.clear()
        self._streams.append(queue)
        self.connections += 1
        await self._notify()
        try:
            await response.write(b":\n")  # the daemon's keep-alive comment
            while (text := await queue.get()) is not None:
                await response.write(f"event:receive\ndata:{text}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._streams.remove(queue)
            for text in iter_queue(queue):
                self._waiting.append(text)
        return response

    async def _rpc(self, request: web.Request) -> web.Response:
        if not request.content_type.startswith("application/json"):
            return web.Response(status=415)
        try:
            body = await request.json()
        except ValueError:
            return self._error(None, -32700, "Parse error")
        if not isinstance(body, dict) or not isinstance(body.get("method"), str):
            return self._error(None, -32600, "method field must be set")
        method, params, ident = body["method"], body.get("params") or {}, body.get("id")
        self.calls.append((method, params))
        try:
            if method == "send":
                return await self._send(ident, params)
            if method == "sendReaction":
                self.reactions.append(params)
                return self._result(ident, {"timestamp": self.stamp(), "results": []})
            if method == "listGroups":
                wanted = params.get("groupId")
                wanted = [wanted] if isinstance(wanted, str) else wanted
                groups = [g.as_json() for g in self.groups.values() if not wanted or g.group_id in wanted]
                return self._result(ident, groups)
            if method == "updateGroup":
                return self._update_group(ident, params)
            return self._error(ident, -32601, "Method not implemented")
        finally:
            await self._notify()

    async def _send(self, ident: object, params: dict[str, Any]) -> web.Response:
        group_id = params.get("groupId")
        recipients = params.get("recipient")
        recipient = recipients[0] if isinstance(recipients, list) and recipients else recipients
        target = group_id or recipient
        if not isinstance(target, str):
            return self._error(ident, -1, "No recipients given")
        if group_id is not None and group_id not in self.groups:
            return self._error(ident, -1, f"Group not found: {group_id}")
        message = params.get("message") or ""
        edit = params.get("editTimestamp")
        attachment = params.get("attachment")
        failures = self._failures.get(target)
        failure = failures.popleft() if failures else None
        stamp = self.stamp()
        record = Sent(recipient if group_id is None else None, group_id, message, stamp, edit, attachment)
        if failure is None:
            self.sent.append(record)
            return self._result(
                ident, {"timestamp": stamp, "results": self._results(group_id, recipient, "SUCCESS")}
            )
        return self._fail(ident, failure, record)

    def _fail(self, ident: object, failure: Failure, record: Sent) -> web.Response:
        if failure.kind == "http":
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            self.sent.append(_failed(record, failure.status))
            return web.Response(status=failure.status, headers=headers)
        if failure.kind == "not_member":
            self.sent.append(_failed(record, -1))
            name = self.groups[record.to].name if record.to in self.groups else "?"
            return self._error(ident, -1, f"User is not a member in group: {name} ({record.to})")
        if failure.kind == "unregistered":
            self.sent.append(_failed(record, -1))
            return self._error(ident, -1, f"The user {record.to} is not registered.")
        extra: dict[str, Any] = {"retryAfterSeconds": failure.retry_after} if failure.retry_after else {}
        if failure.kind == "challenge":
            extra["token"] = failure.token
        results = [
            {**r, **extra} for r in self._results(record.group_id, record.recipient, "RATE_LIMIT_FAILURE")
        ]
        self.sent.append(_failed(record, -5))
        data = {"response": {"timestamp": record.timestamp, "results": results}}
        return self._error(ident, -5, "Failed to send message due to rate limiting", data)

    def _results(self, group_id: str | None, recipient: str | None, kind: str) -> list[dict[str, Any]]:
        if group_id is not None:
            people = self.groups[group_id].members
            return [
                {"recipientAddress": {"uuid": p.uuid, "number": p.number}, "groupId": group_id, "type": kind}
                for p in people
            ]
        return [{"recipientAddress": {"uuid": recipient, "number": None}, "type": kind}]

    def _update_group(self, ident: object, params: dict[str, Any]) -> web.Response:
        group = self.groups.get(str(params.get("groupId")))
        if group is None:
            return self._error(ident, -1, "Group not found")
        if group.pending:
            group.pending, group.is_member = False, True
        return self._result(ident, {"timestamp": self.stamp()})

    @staticmethod
    def _result(ident: object, result: object) -> web.Response:
        return web.json_response({"jsonrpc": "2.0", "result": result, "id": ident})

    @staticmethod
    def _error(ident: object, code: int, message: str, data: object = None) -> web.Response:
        error = {"code": code, "message": message, "data": data}
        return web.json_response({"jsonrpc": "2.0", "error": error, "id": ident})

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, done: Any) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), 10)


def _failed(record: Sent, code: int) -> Sent:
    return Sent(record.recipient, record.group_id, record.message, record.timestamp,
                record.edit_timestamp, record.attachment, code)  # fmt: skip


def iter_queue(queue: asyncio.Queue[str | None]) -> list[str]:
    items: list[str] = []
    while not queue.empty():
        item = queue.get_nowait()
        if item is not None:
            items.append(item)
    return items


def person(n: int, name: str) -> Person:
    return Person(f"+3161111{n:04d}", f"00000000-0000-4000-8000-{n:012d}", name)
