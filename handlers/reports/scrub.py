"""After the purge: no outbox row and no posted card may still show the erased suspect details.

``purge_suspect_data`` erases the report rows, but copies live on: outbox rows (sent and unsent)
hold the rendered cards and texts, and the cards in the groups show them. Before erasing we collect
the values about to go (plate, direction, descriptions, the resident's words, street + house
number); afterwards every outbox row of the affected cards is rewritten (unsent: the fresh card;
sent: emptied), any other row that quotes a value is cleaned, and each posted card is edited to
the fresh card through the outbox (Telegram ``editMessageText``). A platform that cannot edit a
sent message (WhatsApp) keeps what it showed; there only the stored row is scrubbed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.codec import reply_to_json
from handlers.reports.cards import card_chats, card_reply, card_track, load_card
from handlers.services import Services
from storage.models import Chat, OutboxMessage, OutboxStatus
from storage.outbox import tracked_message_id
from storage.reports import Report, suspect_of

MIN_SECRET = 4  # shorter values ("12") would match unrelated text
PURGED: dict[str, Any] = {"parts": [], "purged": True}


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


async def secrets_of(session: AsyncSession, reports: list[Report]) -> dict[str, str]:
    """Value about to be erased → what it becomes in stored texts (longest first)."""
    found: dict[str, str] = {}
    for report in reports:
        if report.street and report.house_number:
            found[f"{report.street} {report.house_number}"] = report.street
        suspect = await suspect_of(session, report.id)
        if suspect is None:
            continue
        values = [suspect.licence_plate, suspect.direction, suspect.free_text]
        values += list(_strings(suspect.person)) + list(_strings(suspect.vehicle))
        for value in values:
            if value and len(value.strip()) >= MIN_SECRET:
                found[value.strip()] = "…"
    return dict(sorted(found.items(), key=lambda pair: -len(pair[0])))


def _clean(value: Any, secrets: dict[str, str]) -> Any:
    if isinstance(value, str):
        for secret, replacement in secrets.items():
            value = value.replace(secret, replacement)
        return value
    if isinstance(value, dict):
        return {key: _clean(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, secrets) for item in value]
    return value


async def scrub_after_purge(
    session: AsyncSession, services: Services, roots: set[int], secrets: dict[str, str], since: datetime
) -> int:
    """Rewrite outbox rows and queue card edits; returns how many posted cards get an edit."""
    tz, now = services.settings.tz, services.clock.now()
    cards: dict[str, Report] = {}
    for root_id in sorted(roots):
        root = await session.get(Report, root_id)
        if root is not None and root.short_id:
            cards[card_track(root)] = root
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.created_at >= since - timedelta(days=1))
    )
    for row in rows:
        payload = dict(row.payload or {})
        name = str(payload.get("track") or payload.get("edit") or "")
        if name in cards:
            chat = await session.get(Chat, row.chat_id)
            if row.status == OutboxStatus.PENDING and chat is not None:
                card = await load_card(session, cards[name])
                row.payload = reply_to_json(card_reply(card, tz, chat, edit=bool(payload.get("edit"))))
            else:
                row.payload = PURGED
        elif secrets and any(secret in json.dumps(payload, ensure_ascii=False) for secret in secrets):
            row.payload = _clean(payload, secrets) if row.status == OutboxStatus.PENDING else PURGED
    edits = 0
    for track, root in cards.items():
        card = await load_card(session, root)
        for chat in await card_chats(session, root):
            if await tracked_message_id(session, chat.id, track) is None:
                continue  # never posted there: nothing shows it
            key = f"purge:{root.short_id}:{chat.id}:{now:%Y%m%d%H%M%S}"
            edits += await services.outbox.enqueue(session, chat, card_reply(card, tz, chat, edit=True), key)
    await session.flush()
    return edits
