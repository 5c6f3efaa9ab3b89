"""The WhatsApp side of the outbox: ``deliver`` one neutral reply to one number.

Inside the 24 h customer-service window (the number wrote to us in the last 24 h) the reply goes as
text / buttons / list; outside it only an approved template may go, so the reply's text is put in
the configured template's one variable. Template sends count against the messaging limit (unique
people per rolling 24 h), answered with "retry later" instead of sleeping; throughput and the pair
rate are the one sender's budgets (``platform.py``). Every attempt and its error code is recorded
in ``whatsapp_messages``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.whatsapp.client import Outcome as Api
from bot.adapters.whatsapp.client import SendResult, WhatsAppClient
from bot.adapters.whatsapp.render import render_reply, render_text, template_body
from bot.delivery import ChatAddress, Outcome, Permanent, RetryAfter, Sent, Transient
from handlers.clock import Clock
from handlers.types import ChatKind, Platform, Reply
from messages.catalog import Catalog
from storage.whatsapp import (
    WINDOW,
    oldest_template_send_since,
    record_send,
    set_menu,
    template_recipients_since,
    window_open,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Template:
    name: str
    language: str

    @staticmethod
    def parse(setting: str) -> Template | None:
        """``"buurtbot_alert:nl"`` → Template; empty → None (no sends outside the window)."""
        if not setting:
            return None
        name, _, language = setting.partition(":")
        return Template(name.strip(), language.strip())


class WhatsAppTransport:
    platform = Platform.WHATSAPP

    def __init__(
        self,
        client: WhatsAppClient,
        db: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        clock: Clock,
        *,
        template: Template | None,
        messaging_limit: int,
    ) -> None:
        self._client = client
        self._db = db
        self._catalog = catalog
        self._clock = clock
        self._template = template
        self._limit = messaging_limit

    async def deliver(self, chat: ChatAddress, reply: Reply, edit_message_id: str | None) -> Outcome:
        if chat.kind == ChatKind.WHATSAPP_GROUP:
            return Permanent("the bot cannot post in a WhatsApp group; coordinators forward a kit")
        async with self._db() as session:
            inside = await window_open(session, chat.external_id, self._clock.now())
        if inside:
            return await self._in_window(chat, reply)
        return await self._by_template(chat, reply)

    async def _in_window(self, chat: ChatAddress, reply: Reply) -> Outcome:
        rendered = render_reply(reply, self._catalog, chat.external_id, chat.locale)
        last: str | None = None
        for index, body in enumerate(rendered.bodies):
            result = await self._send(chat.external_id, body)
            if result.outcome is Api.WINDOW_CLOSED and index == 0:
                # Our record said "open" but Meta disagrees (clock skew, lost inbound): use the template.
                return await self._by_template(chat, reply)
            if result.outcome is not Api.SENT:
                return _outcome(result)
            last = result.message_id
        if reply.photo is not None:
            result = await self._image(chat.external_id, reply.photo)
            if result.outcome is not Api.SENT:
                return _outcome(result)
            last = result.message_id or last
        if reply.buttons or rendered.numbered:
            async with self._db() as session:
                await set_menu(session, chat.external_id, list(rendered.numbered), self._clock.now())
                await session.commit()
        return Sent(last or "")

    async def _image(self, wa_id: str, path: str) -> SendResult:
        """Upload the picture to Meta's media store, then send it as an image message."""
        try:
            content = await asyncio.to_thread(Path(path).read_bytes)
        except OSError:
            return SendResult(Api.FAILED, detail=f"picture file {Path(path).name} cannot be read")
        uploaded = await self._client.upload_media(content, Path(path).name, "image/png")
        if uploaded.outcome is not Api.SENT or not uploaded.message_id:
            return uploaded
        body = {
            "messaging_product": "whatsapp",
            "to": wa_id,
            "type": "image",
            "image": {"id": uploaded.message_id},
        }
        return await self._send(wa_id, body)

    async def _by_template(self, chat: ChatAddress, reply: Reply) -> Outcome:
        if self._template is None:
            return Permanent("whatsapp 131047: outside the 24 h window and no WHATSAPP_ALERT_TEMPLATE set")
        wait = await self._messaging_limit_wait(chat.external_id)
        if wait:
            return RetryAfter(wait)
        text = "\n\n".join(render_text(self._catalog, part, chat.locale) for part in reply.parts)
        body = template_body(chat.external_id, self._template.name, self._template.language, [text])
        return _outcome(await self._send(chat.external_id, body))

    async def _messaging_limit_wait(self, wa_id: str) -> float:
        """Seconds until one more unique person may be reached by template (0: go ahead)."""
        now = self._clock.now()
        async with self._db() as session:
            reached = await template_recipients_since(session, now - WINDOW)
            if wa_id in reached or len(reached) < self._limit:
                return 0.0
            oldest = await oldest_template_send_since(session, now - WINDOW)
        log.warning("whatsapp messaging limit of %s people per 24 h reached", self._limit)
        return max(60.0, ((oldest + WINDOW) - now).total_seconds()) if oldest else 3600.0

    async def _send(self, wa_id: str, body: dict[str, Any]) -> SendResult:
        result = await self._client.send(body)
        async with self._db() as session:
            await record_send(
                session,
                wa_id,
                str(body.get("type", "?")),
                self._clock.now(),
                result.message_id,
                result.code,
                None if result.outcome is Api.SENT else result.detail,
            )
            await session.commit()
        return result


def _outcome(result: SendResult) -> Outcome:
    """The client's outcome in the outbox's neutral terms; the reason keeps Meta's code."""
    reason = f"whatsapp {result.code}: {result.detail}" if result.code else f"whatsapp: {result.detail}"
    match result.outcome:
        case Api.SENT:
            return Sent(result.message_id or "")
        case Api.RETRY:
            return RetryAfter(result.retry_after)
        case Api.AUTH:
            log.error("whatsapp token or permission problem: %s", reason)
            return Transient(reason)
        case Api.WINDOW_CLOSED | Api.FAILED:
            return Permanent(reason)
