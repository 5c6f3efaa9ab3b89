"""Broadcasts after "Versturen": fan-out to the outbox, progress for the coordinator, the final report.

Every group chat linked to the areas gets one row (key ``bc:{id}:chat:{chat}``), and so do the
areas' WhatsApp subscribers and forward-kit coordinators (``handlers.alert_targets``). The sender
calls :func:`after_delivery` while it records outcomes: it keeps the audit counts up to date, edits
one "verstuurd 120/300" message in place and, when nothing is pending any more, posts the report.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.alert_targets import enqueue_alert_targets
from handlers.services import Services
from handlers.tone import is_notice
from handlers.types import Msg, Platform, Reply
from storage.alerts import Broadcast, BroadcastStatus, delivery_counts, failed_chat_names
from storage.chats import group_chats_in_areas
from storage.models import Chat
from storage.outbox import tracked_message_id

log = logging.getLogger(__name__)
EDITABLE = frozenset({Platform.TELEGRAM, Platform.SIGNAL, Platform.CONSOLE})


def alert_reply(broadcast: Broadcast) -> Reply:
    """What every group reads: header with the areas, the template (or free text), the footer.
    A notice (``mededeling``) has its own header and no 112 footer: it is not an alarm."""
    if is_notice(broadcast):
        return Reply(
            (
                *((Msg.of("relay.from", source=broadcast.relayed_from),) if broadcast.relayed_from else ()),
                Msg.of("tone.header", areas=broadcast.area_names),
                Msg.of("alert.free_text", text=broadcast.text),
            )
        )
    parts = [Msg.of("alert.header", areas=broadcast.area_names)]
    if broadcast.relayed_from:
        parts.insert(0, Msg.of("relay.from", source=broadcast.relayed_from))
    if broadcast.kind == "alert":
        parts.append(Msg.of(f"alert.type.{broadcast.alert_type}.body"))
        if broadcast.text:
            parts.append(Msg.of("alert.extra", text=broadcast.text))
    else:
        parts.append(Msg.of("alert.free_text", text=broadcast.text))
    parts.append(Msg.of("alert.footer"))
    return Reply(tuple(parts))


def progress_track(broadcast_id: int) -> str:
    return f"bc:{broadcast_id}:progress"


def edits_in_place(platform: str) -> bool:
    """Whether sent messages can be edited there (WhatsApp cannot: it gets only the report)."""
    return platform in EDITABLE


async def _progress_shown(session: AsyncSession, chat: Chat, broadcast_id: int) -> bool:
    """Queue an intermediate progress edit only once the progress message is known to exist.

    An edit row claimed before the first progress message was recorded went out as a new message,
    so the coordinator got three; the sender now remembers its own sends, and this guards against
    another worker's. (The final edit is always queued: it carries the end count.)
    """
    if not edits_in_place(chat.platform):
        return False
    return await tracked_message_id(session, chat.id, progress_track(broadcast_id)) is not None


def progress_reply(broadcast: Broadcast) -> Reply:
    done = broadcast.delivered + broadcast.failed
    return Reply(
        (Msg.of("alert.progress", done=done, total=broadcast.total),), edit=progress_track(broadcast.id)
    )


async def fan_out(session: AsyncSession, services: Services, broadcast: Broadcast) -> int:
    """Queue the broadcast for every recipient (idempotent per chat); returns the total row count."""
    alert = alert_reply(broadcast)
    for chat in await group_chats_in_areas(session, list(broadcast.area_ids)):
        await services.outbox.enqueue(
            session,
            chat,
            alert,
            f"bc:{broadcast.id}:chat:{chat.id}",
            broadcast_id=broadcast.id,
            not_before=broadcast.scheduled_for,
        )
    await enqueue_alert_targets(
        session,
        services.outbox,
        services.catalog,
        list(broadcast.area_ids),
        alert,
        f"bc:{broadcast.id}",
        broadcast_id=broadcast.id,
        not_before=broadcast.scheduled_for,
    )
    broadcast.total = sum((await delivery_counts(session, broadcast.id)).values())
    return broadcast.total


async def after_delivery(services: Services, session: AsyncSession, broadcast_ids: set[int]) -> bool:
    """Update counts; queue a progress edit or the final report. True when rows were queued."""
    queued = False
    now = services.clock.now()
    every = timedelta(seconds=services.settings.alert_progress_seconds)
    for broadcast_id in sorted(broadcast_ids):
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.finished_at is not None:
            continue
        counts = await delivery_counts(session, broadcast_id)
        broadcast.delivered, broadcast.failed = counts.get("sent", 0), counts.get("failed", 0)
        chat = await session.get(Chat, broadcast.chat_id) if broadcast.chat_id else None
        if counts.get("pending", 0) == 0:
            await _finish(session, services, broadcast, chat, now)
            queued = queued or chat is not None
        elif (
            chat is not None
            and (broadcast.progress_at is None or now - _aware(broadcast.progress_at) >= every)
            and await _progress_shown(session, chat, broadcast.id)
        ):
            broadcast.progress_at = now
            done = broadcast.delivered + broadcast.failed
            key = f"bc:{broadcast.id}:progress:{done}"
            queued = await services.outbox.enqueue(session, chat, progress_reply(broadcast), key) or queued
    return queued


async def _finish(
    session: AsyncSession, services: Services, broadcast: Broadcast, chat: Chat | None, now: datetime
) -> None:
    broadcast.finished_at, broadcast.status = now, BroadcastStatus.DONE
    log.info(
        "broadcast %s finished: %s delivered, %s failed of %s",
        broadcast.id,
        broadcast.delivered,
        broadcast.failed,
        broadcast.total,
    )
    if chat is None:
        return
    if edits_in_place(chat.platform):
        key = f"bc:{broadcast.id}:progress:end"
        await services.outbox.enqueue(session, chat, progress_reply(broadcast), key)
    await services.outbox.enqueue(
        session, chat, await report_reply(session, broadcast, now), f"bc:{broadcast.id}:report"
    )


async def report_reply(session: AsyncSession, broadcast: Broadcast, now: datetime) -> Reply:
    started = max(
        _aware(broadcast.confirmed_at or now),
        _aware(broadcast.scheduled_for or broadcast.confirmed_at or now),
    )
    seconds = f"{max(0.0, (now - started).total_seconds()):.1f}".replace(".", ",")
    parts = [Msg.of("alert.report", delivered=broadcast.delivered, total=broadcast.total, seconds=seconds)]
    if broadcast.failed:
        names = ", ".join(await failed_chat_names(session, broadcast.id))
        parts.append(Msg.of("alert.report_failed", failed=broadcast.failed, names=names))
    return Reply(tuple(parts))


def _aware(moment: datetime) -> datetime:
    from storage.outbox import aware

    result = aware(moment)
    assert result is not None
    return result
