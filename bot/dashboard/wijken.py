"""``/dashboard/wijken``: groups per wijk, link requests to approve or reject, coordinators; beheerders
rename a wijk or merge one into another. Coordinators see their own wijken only; CSRF and audited."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.auth import Context, action, not_found, page
from handlers.dashboard import wijken
from handlers.dashboard.acting import actor_for
from handlers.types import Reply
from storage.chats import get_chat

PATH = "/dashboard/wijken"
DONE = {
    "goedgekeurd": "desk.wijken.done_approved",
    "afgewezen": "desk.wijken.done_rejected",
    "al-gedaan": "wijk.request_done",
    "hernoemd": "desk.wijken.done_renamed",
    "samengevoegd": "desk.wijken.done_merged",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, overview)
    app.router.add_post(PATH + "/verzoek/{id:\\d{1,9}}/{choice:ja|nee}", decide)
    app.router.add_post(PATH + "/{id:\\d{1,9}}/naam", rename)
    app.router.add_post(PATH + "/samenvoegen", merge)


async def _render(context: Context, status: int = 200, problem: str = "") -> web.Response:
    async with context.services.db() as session:
        actor = await actor_for(session, context.viewer)
        cards = await wijken.cards(session, actor) if actor else []
    return context.render(
        "wijken.html",
        status,
        cards=cards,
        problem=problem,
        notice=DONE.get(context.request.query.get("gedaan", ""), ""),
        beheerder=context.viewer.is_beheerder,
    )


@page
async def overview(context: Context) -> web.StreamResponse:
    if not context.viewer.reads_reports:
        return not_found(context)
    return await _render(context)


def _number(raw: object) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else 0


def _id(context: Context) -> int:
    return int(context.request.match_info["id"])


@action
async def decide(context: Context) -> web.StreamResponse:
    if not context.viewer.reads_reports:
        return not_found(context)
    services = context.services
    approving = context.request.match_info["choice"] == "ja"
    async with services.db() as session:
        actor = await actor_for(session, context.viewer)
        if actor is None:
            return not_found(context)
        try:
            replies = await wijken.decide(session, services, actor, _id(context), approving)
        except wijken.Refused as refused:
            problem = refused.key
        else:
            problem = ""
            await _queue_for_groups(context, session, replies)
            await session.commit()
    if problem:  # rendered after the session above is closed: SQLite's transactions take turns
        return await _render(context, 403, problem)
    services.outbox.wake()
    settled = len(replies) > 1  # the decider's answer plus the group's message
    outcome = ("goedgekeurd" if approving else "afgewezen") if settled else "al-gedaan"
    await context.audit(f"wijk-verzoek {_id(context)} {outcome}")
    raise web.HTTPSeeOther(f"{PATH}?gedaan={outcome}")


async def _queue_for_groups(context: Context, session: AsyncSession, replies: list[Reply]) -> None:
    """The group hears the decision in its chat, as after the chat's buttons."""
    for index, reply in enumerate(replies):
        if reply.target is None:
            continue
        chat = await get_chat(session, reply.target.platform, reply.target.chat_id)
        if chat is not None:
            key = f"dash:wijk-request:{_id(context)}:{chat.id}:{index}"
            await context.services.outbox.enqueue(session, chat, reply, key)


@action
async def rename(context: Context) -> web.StreamResponse:
    form = await context.request.post()
    name = form.get("naam", "")
    async with context.services.db() as session:
        actor = await actor_for(session, context.viewer)
        if actor is None:
            return not_found(context)
        beheerder = actor.is_beheerder
        try:
            wijk = await wijken.rename(session, actor, _id(context), name if isinstance(name, str) else "")
        except wijken.Refused as refused:
            problem = refused.key
        else:
            problem = ""
            await session.commit()
    if problem:
        return await _render(context, 400 if beheerder else 403, problem)
    await context.audit(f"wijk {wijk.id} hernoemd: {wijk.name}"[:120])
    raise web.HTTPSeeOther(f"{PATH}?gedaan=hernoemd")


@action
async def merge(context: Context) -> web.StreamResponse:
    form = await context.request.post()
    source_id, target = _number(form.get("van")), _number(form.get("naar"))
    async with context.services.db() as session:
        actor = await actor_for(session, context.viewer)
        if actor is None:
            return not_found(context)
        beheerder = actor.is_beheerder
        try:
            source, into = await wijken.merge(session, actor, source_id, target)
        except wijken.Refused as refused:
            problem = refused.key
        else:
            problem = ""
            await session.commit()
    if problem:
        return await _render(context, 400 if beheerder else 403, problem)
    await context.audit(f"wijk {source.name} samengevoegd met {into.name}"[:120])
    raise web.HTTPSeeOther(f"{PATH}?gedaan=samengevoegd")
