"""Who gets an alert for an area besides its groups: subscribers, and coordinators' forward kits.

The alert code calls :func:`alert_targets` (or :func:`enqueue_alert_targets`) next to its own list
of group chats. Subscribers get the alert with a STOP footer. A coordinator who registered a
WhatsApp group for the area gets it privately, formatted for WhatsApp, ready to forward: on WhatsApp
as a separate message (press and hold → Forward), elsewhere as literal ``*vet*`` text to copy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.outbox import Outbox
from handlers.types import Msg, Platform, Reply
from messages.catalog import Catalog
from messages.markup import whatsapp_text
from storage.models import Chat
from storage.whatsapp import KitRecipient, forward_kit_recipients, subscriber_chats


@dataclass(frozen=True)
class AlertTarget:
    chat: Chat
    replies: tuple[Reply, ...]  # in order
    reason: str  # "subscriber" or "forward_kit"


def subscriber_reply(alert: Reply) -> Reply:
    return Reply((*alert.parts, Msg.of("subscribe.footer")), location=alert.location)


def share_link(text: str) -> str:
    """``https://wa.me/?text=…``: one tap opens WhatsApp with the text; no number, so the
    coordinator picks the group themselves."""
    return "https://wa.me/?text=" + quote(text, safe="")


def forward_kit_replies(
    alert: Reply, catalog: Catalog, chat: Chat, group_names: list[str]
) -> tuple[Reply, ...]:
    groups = ", ".join(group_names)
    text = "\n\n".join(whatsapp_text(catalog, part, chat.locale) for part in alert.parts)
    share = Msg.of("share.link", url=share_link(text))
    if chat.platform == Platform.WHATSAPP:
        # The second message is exactly what the group should read: forward it as it is.
        intro = Reply((Msg.of("kit.intro", groups=groups), share))
        return (intro, Reply(alert.parts, location=alert.location))
    return (Reply((Msg.of("kit.intro_copy", groups=groups), share)), Reply.say("kit.text", text=text))


def whatsapp_messages(targets: list[AlertTarget]) -> int:
    """How many WhatsApp messages these targets cost (Meta meters per message)."""
    return sum(len(t.replies) for t in targets if t.chat.platform == Platform.WHATSAPP)


async def alert_targets(
    session: AsyncSession, catalog: Catalog, area_ids: list[int], alert: Reply
) -> list[AlertTarget]:
    """Subscribers first, then one forward kit per coordinator chat (listing all their groups)."""
    targets = [
        AlertTarget(chat, (subscriber_reply(alert),), "subscriber")
        for chat in await subscriber_chats(session, area_ids)
    ]
    kits: dict[int, list[KitRecipient]] = defaultdict(list)
    for recipient in await forward_kit_recipients(session, area_ids):
        kits[recipient.coordinator_chat.id].append(recipient)
    for recipients in kits.values():
        chat = recipients[0].coordinator_chat
        names = [r.group.title or "?" for r in recipients]
        targets.append(AlertTarget(chat, forward_kit_replies(alert, catalog, chat, names), "forward_kit"))
    return targets


async def enqueue_alert_targets(
    session: AsyncSession,
    outbox: Outbox,
    catalog: Catalog,
    area_ids: list[int],
    alert: Reply,
    key: str,
    broadcast_id: int | None = None,
    not_before: datetime | None = None,
) -> int:
    """Queue the alert for every target (idempotent per ``key``); returns how many rows were new.

    ``not_before`` holds scheduled alerts back until their time, like the groups' rows.
    """
    queued = 0
    for target in await alert_targets(session, catalog, area_ids, alert):
        for index, reply in enumerate(target.replies):
            row_key = f"{key}:{target.reason}:{target.chat.id}:{index}"
            queued += await outbox.enqueue(
                session, target.chat, reply, row_key, broadcast_id=broadcast_id, not_before=not_before
            )
    return queued
