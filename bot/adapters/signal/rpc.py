"""A thin aiohttp client for signal-cli's JSON-RPC HTTP daemon (``signal-cli -a NUMBER daemon --http``).

The daemon (signal-cli ``src/main/java/org/asamk/signal/http/HttpServerHandler.java``) serves
``POST /api/v1/rpc`` (one JSON-RPC 2.0 request; ``Content-Type: application/json`` or it answers 415),
``GET /api/v1/events`` (server-sent events, see ``events.py``) and ``GET /api/v1/check``. It answers
200 for every JSON-RPC reply, errors included: a failed command is ``{"error": {"code", "message",
"data"}}`` (``jsonrpc/JsonRpcResponse.java``), where the codes come from
``jsonrpc/SignalJsonRpcCommandHandler.java``: -1 user error (not a group member, unregistered
recipient, "Failed to send message"), -3 I/O error, -4 untrusted key, -5 rate limit, -6 captcha
rejected, -32603 internal error, -326xx JSON-RPC protocol errors. ``data.response`` then holds the
command's own output, for ``send`` the per-recipient results (``json/JsonSendMessageResult.java``).
An HTTP status other than 200/201 (421 wrong Host, 415, a proxy's 429/413/5xx) is reported as such.

In single-account mode (``-a``) no ``account`` parameter is sent: only the multi-account daemon
strips it before parsing the parameters.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

RPC_PATH = "/api/v1/rpc"
EVENTS_PATH = "/api/v1/events"

# signal-cli's JSON-RPC error codes (SignalJsonRpcCommandHandler.java).
USER_ERROR = -1
IO_ERROR = -3
UNTRUSTED_KEY_ERROR = -4
RATELIMIT_ERROR = -5
CAPTCHA_REJECTED_ERROR = -6
INTERNAL_ERROR = -32603


@dataclass(frozen=True)
class RpcAnswer:
    """One call's answer: ``result`` on success, else ``code``/``message``/``data`` of the error.

    ``http_status`` is 200 for every JSON-RPC answer; anything else means the daemon (or a proxy in
    front of it) refused the request itself; ``code`` is then None. ``retry_after`` is a proxy's
    ``Retry-After`` header, if any."""

    result: Any = None
    code: int | None = None
    message: str = ""
    data: Any = None
    http_status: int = 200
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.http_status in (200, 201) and self.code is None

    @property
    def results(self) -> list[dict[str, Any]]:
        """The per-recipient send results, from the result or from an error's ``data.response``."""
        holder = self.result
        if not self.ok:
            holder = self.data.get("response") if isinstance(self.data, dict) else None
        found = holder.get("results") if isinstance(holder, dict) else None
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


@dataclass
class SignalRpc:
    """``call(method, params)`` against one daemon; network errors raise ``aiohttp.ClientError``."""

    base_url: str
    http: aiohttp.ClientSession
    timeout: float = 30.0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def events_url(self) -> str:
        return self.base_url.rstrip("/") + EVENTS_PATH

    async def call(self, method: str, params: dict[str, Any] | None = None) -> RpcAnswer:
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": next(self._ids)}
        if params:
            body["params"] = params
        async with self.http.post(
            self.base_url.rstrip("/") + RPC_PATH,
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        ) as response:
            if response.status not in (200, 201):
                return RpcAnswer(
                    http_status=response.status,
                    message=response.reason or "",
                    retry_after=_seconds(response.headers.get("Retry-After")),
                )
            if response.status == 201:  # a notification (no id) gets an empty 201
                return RpcAnswer(result={}, http_status=201)
            try:
                answer = json.loads(await response.text())
            except ValueError:
                return RpcAnswer(code=-32700, message="unreadable answer from signal-cli")
        return _answer(answer)

    async def send(
        self,
        message: str,
        *,
        recipient: str | None = None,
        group_id: str | None = None,
        edit_timestamp: int | None = None,
        attachment: str | None = None,
    ) -> RpcAnswer:
        """``send`` to one person (number or ACI uuid) or one group (base64 id)."""
        params: dict[str, Any] = {"message": message}
        if attachment is not None:
            params["attachment"] = attachment
        if group_id is not None:
            params["groupId"] = group_id
        else:
            params["recipient"] = [recipient]
        if edit_timestamp is not None:
            params["editTimestamp"] = edit_timestamp
        return await self.call("send", params)

    async def send_reaction(
        self,
        emoji: str,
        target_author: str,
        target_timestamp: int,
        *,
        recipient: str | None = None,
        group_id: str | None = None,
    ) -> RpcAnswer:
        params: dict[str, Any] = {
            "emoji": emoji,
            "targetAuthor": target_author,
            "targetTimestamp": target_timestamp,
        }
        if group_id is not None:
            params["groupId"] = group_id
        else:
            params["recipient"] = [recipient]
        return await self.call("sendReaction", params)

    async def list_groups(self, group_id: str | None = None) -> RpcAnswer:
        return await self.call("listGroups", {"groupId": [group_id]} if group_id else None)

    async def accept_invite(self, group_id: str) -> RpcAnswer:
        """``updateGroup`` with only the id: "If the user is a pending member, this command will accept
        the group invitation" (signal-cli man page, updateGroup)."""
        return await self.call("updateGroup", {"groupId": group_id})


def _answer(answer: object) -> RpcAnswer:
    if not isinstance(answer, dict):
        return RpcAnswer(code=-32700, message="unexpected answer from signal-cli")
    error = answer.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return RpcAnswer(
            code=code if isinstance(code, int) else -32603,
            message=str(error.get("message") or ""),
            data=error.get("data"),
        )
    return RpcAnswer(result=answer.get("result"))


def _seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None
