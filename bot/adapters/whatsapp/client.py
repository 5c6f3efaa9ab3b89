"""A thin Cloud API client on aiohttp: one POST per message, Meta's errors mapped to outcomes.

Why not pywa_async: it talks through httpx with its base URL hard-set to graph.facebook.com (so our
fake could only be reached by patching a private attribute), brings its own handler/filter framework
next to our router, and deduplicates in memory only. We need three request shapes and a clear error
mapping; this module is that.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://graph.facebook.com/v25.0"


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # throttled or a passing failure: try again after ``retry_after`` seconds
    WINDOW_CLOSED = "window_closed"  # 131047: only a template may reach this person now
    FAILED = "failed"  # this message to this person will never go: do not retry
    AUTH = "auth"  # our token or permissions are wrong: stop sending until an operator acts


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: str | None = None  # the wamid, when sent
    code: int | None = None  # Meta's error code
    retry_after: float = 0.0
    detail: str = ""  # for logs and the delivery report, never for residents


# Meta error code → (outcome, seconds to wait before retrying). Codes not listed: FAILED.
_CODES: dict[int, tuple[Outcome, float]] = {
    131047: (Outcome.WINDOW_CLOSED, 0.0),
    130429: (Outcome.RETRY, 1.0),  # throughput (per number per second)
    131056: (Outcome.RETRY, 6.0),  # pair rate: ~1 message per 6 s to one person
    4: (Outcome.RETRY, 60.0),  # app call limit
    80007: (Outcome.RETRY, 60.0),  # WABA rate limit
    131048: (Outcome.RETRY, 3600.0),  # spam rate limit: back off for long
    131000: (Outcome.RETRY, 5.0),  # "something went wrong"
    133004: (Outcome.RETRY, 5.0),  # server temporarily unavailable
    0: (Outcome.AUTH, 0.0),
    3: (Outcome.AUTH, 0.0),
    10: (Outcome.AUTH, 0.0),
    190: (Outcome.AUTH, 0.0),
}


def classify(code: int | None, http_status: int) -> tuple[Outcome, float]:
    if code is not None and code in _CODES:
        return _CODES[code]
    if code is not None and 200 <= code < 300:
        return Outcome.AUTH, 0.0
    if http_status >= 500 or http_status == 429:
        return Outcome.RETRY, 5.0
    if http_status in (401, 403):
        return Outcome.AUTH, 0.0
    return Outcome.FAILED, 0.0


@dataclass
class WhatsAppClient:
    """Sends message bodies for one business phone number."""

    session: aiohttp.ClientSession
    token: str
    phone_number_id: str
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 15.0

    @property
    def messages_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/{self.phone_number_id}/messages"

    @property
    def media_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/{self.phone_number_id}/media"

    async def upload_media(self, content: bytes, filename: str, mime_type: str) -> SendResult:
        """POST /{phone-number-id}/media (multipart); the result's ``message_id`` is the media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with self.session.post(
                self.media_url, data=form, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                payload = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return SendResult(Outcome.RETRY, retry_after=5.0, detail=f"network: {type(exc).__name__}")
        if status == 200 and payload.get("id"):
            return SendResult(Outcome.SENT, message_id=str(payload["id"]))
        return _result(status if status != 200 else 500, payload)

    async def send(self, body: dict[str, Any]) -> SendResult:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with self.session.post(
                self.messages_url,
                json=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                payload = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return SendResult(Outcome.RETRY, retry_after=5.0, detail=f"network: {type(exc).__name__}")
        return _result(status, payload)


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        payload = await response.json(content_type=None)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _result(status: int, payload: dict[str, Any]) -> SendResult:
    if status == 200:
        messages = payload.get("messages")
        if (
            isinstance(messages, list)
            and messages
            and isinstance(messages[0], dict)
            and messages[0].get("id")
        ):
            return SendResult(Outcome.SENT, message_id=str(messages[0]["id"]))
        return SendResult(Outcome.RETRY, retry_after=5.0, detail="200 without a message id")
    error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
    assert isinstance(error, dict)
    raw_code = error.get("code")
    code = int(raw_code) if isinstance(raw_code, int | str) and str(raw_code).isdigit() else None
    outcome, wait = classify(code, status)
    detail = f"HTTP {status}: {error.get('message', '')}"[:300]
    if outcome is not Outcome.RETRY:
        log.warning("whatsapp send failed: %s (code %s)", detail, code)
    return SendResult(outcome, code=code, retry_after=wait, detail=detail)
