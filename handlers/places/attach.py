"""People type first and share the pin after: a location soon after one's own report completes it.

The report keeps its wijk (its card is already in that wijk's groups); the pin adds the buurt and
the coordinates, and the card is edited in place.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.context import Context
from handlers.reports.cards import card_replies
from handlers.types import Incoming, Reply
from storage.reports import Report

# A pin this soon after one's own report belongs to it.
ATTACH_WINDOW = timedelta(minutes=10)


async def attach_location(incoming: Incoming, services: Context) -> list[Reply] | None:
    """A recogniser: a shared location that completes the sender's report of a moment ago."""
    if incoming.location is None or incoming.sender is None:
        return None
    session, actor = services.session, services.actor
    if actor.person is None:
        return None
    since = services.clock.now() - ATTACH_WINDOW
    report = await session.scalar(
        select(Report)
        .where(
            Report.chat_id == actor.chat.id,
            Report.reporter_pseudonym == actor.person.pseudonym,
            Report.created_at >= since,
            Report.latitude.is_(None),
        )
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(1)
    )
    if report is None:
        return None
    report.latitude, report.longitude = incoming.location.latitude, incoming.location.longitude
    placement = (await services.places.index(session)).locate(report.latitude, report.longitude)
    report.buurt_code = placement.buurt.code if placement and placement.buurt else None
    report.updated_at = services.clock.now()
    root = await session.get(Report, report.incident_id) if report.incident_id else report
    replies = await card_replies(session, root or report, services.settings.tz, edit=True)
    await session.flush()
    return replies
