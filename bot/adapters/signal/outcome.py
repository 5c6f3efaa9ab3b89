"""signal-cli's answer to ``send`` → the outbox's neutral outcome.

The shapes (signal-cli ``jsonrpc/SignalJsonRpcCommandHandler.java``, ``util/SendMessageResultUtils.java``,
``json/JsonSendMessageResult.java``):

* delivered: ``{"result": {"timestamp": 1764590000000, "results": [{"recipientAddress": {"uuid", "number"},
  "type": "SUCCESS"}, …]}}``; a group send lists every member. The timestamp is the message's id
  (edits and reactions name it).
* every recipient rate limited (Signal's servers answered 413/429): ``{"error": {"code": -5,
  "message": "Failed to send message due to rate limiting", "data": {"response": {"timestamp", "results":
  [{"type": "RATE_LIMIT_FAILURE", "retryAfterSeconds": 3600, "token": "…"}]}}}}``. A ``token`` means a
  *proof required* challenge: a human must solve a captcha and submit it with
  ``submitRateLimitChallenge`` (signal-cli man page) before this recipient is reachable again.
* the account is no group member, the group is unknown, the person is not on Signal: code -1 with
  "User is not a member in group: …", "Group not found: …", "The user … is not registered." (or
  ``UNREGISTERED_FAILURE`` results); announcement-only groups: "User is not allowed to send message
  to group"; -3 I/O error, -4 untrusted identity, -32603 internal error.
* a group send where only *some* members fail still answers ``result`` (the group variant of
  ``outputResult`` never raises): the others have the message, so it counts as delivered; resending
  would give them a copy.

Reasons never quote signal-cli's message text: it names phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.signal.rpc import (
    CAPTCHA_REJECTED_ERROR,
    INTERNAL_ERROR,
    IO_ERROR,
    RATELIMIT_ERROR,
    UNTRUSTED_KEY_ERROR,
    USER_ERROR,
    RpcAnswer,
)
from bot.delivery import ChatGone, Outcome, Permanent, RetryAfter, Sent, Transient

UNKNOWN_WAIT = 0.0  # a rate limit that names no wait: RetryAfter(0), the transport picks a backoff

SUCCESS = "SUCCESS"
RATE_LIMIT_FAILURE = "RATE_LIMIT_FAILURE"
UNREGISTERED_FAILURE = "UNREGISTERED_FAILURE"


@dataclass(frozen=True)
class Classified:
    outcome: Outcome
    challenge: str | None = None  # the proof-required token, when a human must solve a captcha


def classify(answer: RpcAnswer) -> Classified:
    if answer.http_status not in (200, 201):
        return Classified(_http(answer))
    results = answer.results
    if answer.ok:
        if not results or any(r.get("type") == SUCCESS for r in results):
            return Classified(Sent(_timestamp(answer.result)))
        return _from_results(results)  # a group send that reached nobody
    code = answer.code
    if code == RATELIMIT_ERROR:
        return _rate_limited(results)
    if code == USER_ERROR:
        return Classified(_user_error(answer.message, results))
    if code in (IO_ERROR, INTERNAL_ERROR):
        return Classified(Transient(f"signal {code}: server or I/O error"))
    if code == UNTRUSTED_KEY_ERROR:
        return Classified(Permanent(f"signal {code}: untrusted identity (safety number changed)"))
    if code == CAPTCHA_REJECTED_ERROR:
        return Classified(Permanent(f"signal {code}: captcha rejected"))
    return Classified(Permanent(f"signal {code}: request refused"))


def _http(answer: RpcAnswer) -> Outcome:
    status = answer.http_status
    if status in (413, 429):  # a proxy in front of the daemon, or an older REST wrapper, throttling
        return RetryAfter(answer.retry_after or UNKNOWN_WAIT)
    return Transient(f"signal http {status}")


def _rate_limited(results: list[dict[str, Any]]) -> Classified:
    token = next((str(r["token"]) for r in results if r.get("token")), None)
    waits = [float(r["retryAfterSeconds"]) for r in results if _number(r.get("retryAfterSeconds"))]
    return Classified(RetryAfter(max(waits) if waits else UNKNOWN_WAIT), token)


def _from_results(results: list[dict[str, Any]]) -> Classified:
    kinds = {str(r.get("type")) for r in results}
    if RATE_LIMIT_FAILURE in kinds:
        return _rate_limited([r for r in results if r.get("type") == RATE_LIMIT_FAILURE])
    if kinds == {UNREGISTERED_FAILURE}:
        return Classified(ChatGone("signal: nobody in this chat is on Signal any more"))
    if "NETWORK_FAILURE" in kinds:
        return Classified(Transient("signal: network failure"))
    return Classified(Permanent(f"signal: not delivered ({', '.join(sorted(kinds))[:80]})"))


def _user_error(message: str, results: list[dict[str, Any]]) -> Outcome:
    text = message.lower()
    if "not a member" in text or "group not found" in text:
        return ChatGone("signal -1: the bot is not a member of this group")
    if "not registered" in text or (results and all(r.get("type") == UNREGISTERED_FAILURE for r in results)):
        return ChatGone("signal -1: this person is not on Signal (any more)")
    if "not allowed to send" in text:
        return Permanent("signal -1: only admins may post in this group")
    if results:
        return _from_results(results).outcome
    return Permanent("signal -1: message refused")


def _timestamp(result: object) -> str:
    stamp = result.get("timestamp") if isinstance(result, dict) else None
    return str(stamp) if isinstance(stamp, int) else ""


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
