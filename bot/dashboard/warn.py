"""``/dashboard/waarschuwen``: compose an alert, preview it exactly as the groups will read it, send
it now or plan it; cancel planned alerts; the history with delivery counts and failures.

Coordinators and beheerders only (the gemeente never sends): the handlers decide which wijken.
Every POST carries the CSRF token (``auth.action``) and is audited.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.auth import Context, action, not_found, page
from handlers.access import Actor
from handlers.alerts import ALERT_TYPES
from handlers.dashboard import warn
from handlers.dashboard.acting import actor_for
from handlers.schedule import local_label
from handlers.types import Msg
from storage.alerts import Broadcast

PATH = "/dashboard/waarschuwen"
# Outcomes shown after a redirect: the query names one of these, never a catalog key itself.
DONE = {
    "verstuurd": "desk.warn.done_sent",
    "gepland": "desk.warn.done_planned",
    "geannuleerd": "desk.warn.done_discarded",
    "al-gedaan": "alert.already_handled",
    "ingetrokken": "desk.warn.done_unplanned",
    "te-laat": "desk.warn.too_late",
    "niet": "desk.warn.not_yours",
}
UNPLANNED = {"planned.cancelled": "ingetrokken", "planned.too_late": "te-laat"}


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, compose_page)
    app.router.add_post(PATH, compose)
    app.router.add_get(PATH + "/{id:\\d+}", preview_page)
    app.router.add_post(PATH + "/{id:\\d+}/versturen", send)
    app.router.add_post(PATH + "/{id:\\d+}/weg", discard)
    app.router.add_post(PATH + "/{id:\\d+}/intrekken", unplan)


async def _actor(context: Context, session: AsyncSession) -> Actor | None:
    if not context.viewer.reads_reports:  # the gemeente reads figures, it never warns
        return None
    return await actor_for(session, context.viewer)


def _label(context: Context, broadcast: Broadcast) -> str:
    if broadcast.alert_type:
        return broadcast.alert_type
    text = broadcast.text or ""
    return text if len(text) <= 60 else text[:59] + "…"


def _sent_at(broadcast: Broadcast) -> datetime:
    return broadcast.scheduled_for or broadcast.confirmed_at or broadcast.created_at


def _at(moment: datetime | None, zone: ZoneInfo) -> str:
    return local_label(moment, zone) if moment is not None else ""


def exact(context: Context, parts: tuple[Msg, ...]) -> Markup:
    """The message as the groups get it: their language, the chat's own markup (b/i/a), escaped text."""
    catalog, locale = context.services.catalog, context.services.settings.default_locale
    return Markup("\n\n".join(catalog.render(part, locale, escape=html.escape) for part in parts))


async def _page(
    context: Context, session: AsyncSession, actor: Actor, status: int = 200, **extra: object
) -> web.Response:
    zone = context.services.settings.tz
    planned = await warn.planned(session, context.services, actor)
    sent = await warn.history(session, context.services, actor)
    done = DONE.get(context.request.query.get("gedaan", ""), "")
    values: dict[str, object] = {
        "problem": "",
        "notice": done,
        "form": {"choice": "", "text": "", "areas": [], "neighbours": False, "when": ""},
        **extra,
    }
    return context.render(
        "warn.html",
        status,
        types=[(name, Msg.of(f"alert.type.{name}.preview")) for name in ALERT_TYPES],
        wijken=await warn.wijken_for(session, actor),
        planned=[
            (b, local_label(b.scheduled_for, zone) if b.scheduled_for else "", _label(context, b))
            for b in planned
        ],
        history=[
            (
                s.broadcast,
                local_label(s.broadcast.confirmed_at or s.broadcast.created_at, zone),
                _label(context, s.broadcast),
                s.failed_in,
            )
            for s in sent
        ],
        **values,
    )


@page
async def compose_page(context: Context) -> web.StreamResponse:
    async with context.services.db() as session:
        actor = await _actor(context, session)
        if actor is None:
            return not_found(context)
        return await _page(context, session, actor)


def _form(data: object) -> warn.Composed:
    get = getattr(data, "get", None)
    getall = getattr(data, "getall", None)
    assert get is not None and getall is not None

    def text(name: str, limit: int) -> str:
        value = get(name, "")
        return value[:limit] if isinstance(value, str) else ""

    areas = tuple(int(v) for v in getall("wijk", []) if isinstance(v, str) and v.isdigit() and len(v) < 10)
    return warn.Composed(
        choice=text("soort", 60),
        text=text("tekst", 4096),
        area_ids=areas,
        neighbours=get("buren", "") == "ja",
        when=text("wanneer", 30),
    )


@action
async def compose(context: Context) -> web.StreamResponse:
    form = _form(await context.request.post())
    services = context.services
    async with services.db() as session:
        actor = await _actor(context, session)
        if actor is None:
            return not_found(context)
        try:
            broadcast, _notes = await warn.compose(session, services, actor, form)
        except warn.Refused as refused:
            shown = {
                "choice": form.choice,
                "text": form.text,
                "areas": list(form.area_ids),
                "neighbours": form.neighbours,
                "when": form.when,
            }
            return await _page(context, session, actor, 400, problem=refused.key, form=shown)
        await session.commit()
    await context.audit(f"waarschuwen: voorbeeld {broadcast.id} ({broadcast.area_names})"[:120])
    raise web.HTTPSeeOther(f"{PATH}/{broadcast.id}")


def _id(context: Context) -> int:
    return int(context.request.match_info["id"])


@page
async def preview_page(context: Context) -> web.StreamResponse:
    services = context.services
    async with services.db() as session:
        actor = await _actor(context, session)
        broadcast = await warn.own_draft(session, actor, _id(context)) if actor else None
        if broadcast is None:
            return not_found(context)
        reach = await warn.reach(session, services, broadcast)
    when = local_label(broadcast.scheduled_for, services.settings.tz) if broadcast.scheduled_for else ""
    return context.render(
        "warn_preview.html",
        broadcast=broadcast,
        message=exact(context, warn.message_of(broadcast)),
        reach=reach,
        when=when,
    )


@action
async def send(context: Context) -> web.StreamResponse:
    services = context.services
    async with services.db() as session:
        actor = await _actor(context, session)
        broadcast = await warn.own_draft(session, actor, _id(context)) if actor else None
        if actor is None or broadcast is None:
            raise web.HTTPSeeOther(f"{PATH}?gedaan=al-gedaan")
        if not await warn.send(session, services, actor, broadcast):
            raise web.HTTPSeeOther(f"{PATH}?gedaan=al-gedaan")
        planned = broadcast.scheduled_for is not None
        label = f"{broadcast.id} ({broadcast.area_names}, {broadcast.total})"
        await session.commit()
    services.outbox.wake()
    await context.audit(f"waarschuwen: {'gepland' if planned else 'verstuurd'} {label}"[:120])
    raise web.HTTPSeeOther(f"{PATH}?gedaan={'gepland' if planned else 'verstuurd'}")


@action
async def discard(context: Context) -> web.StreamResponse:
    async with context.services.db() as session:
        actor = await _actor(context, session)
        broadcast = await warn.own_draft(session, actor, _id(context)) if actor else None
        if broadcast is None or not await warn.discard(session, broadcast):
            raise web.HTTPSeeOther(f"{PATH}?gedaan=al-gedaan")
        await session.commit()
    await context.audit(f"waarschuwen: weggegooid {broadcast.id}")
    raise web.HTTPSeeOther(f"{PATH}?gedaan=geannuleerd")


@action
async def unplan(context: Context) -> web.StreamResponse:
    services = context.services
    async with services.db() as session:
        actor = await _actor(context, session)
        if actor is None:
            return not_found(context)
        answer = await warn.cancel_planned(session, services, actor, _id(context))
        await session.commit()
    await context.audit(f"waarschuwen: intrekken {_id(context)}", answer.key)
    raise web.HTTPSeeOther(f"{PATH}?gedaan={UNPLANNED.get(answer.key, 'niet')}")
