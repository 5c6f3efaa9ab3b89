"""``/dashboard/campagnes``: the coming weeks' campaign posts per wijk, and pause/start per wijk
(beheerders also for every area at once). Coordinators and beheerders only; CSRF and audited."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.dashboard.auth import Context, action, not_found, page
from bot.dashboard.render import Translator
from handlers.dashboard import campaigns
from handlers.dashboard.acting import actor_for

PATH = "/dashboard/campagnes"
DONE = {
    "gepauzeerd": "desk.campaigns.done_paused",
    "gestart": "desk.campaigns.done_started",
    "niet": "desk.campaigns.not_yours",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, calendar)
    app.router.add_post(PATH + "/schakel", switch)


@page
async def calendar(context: Context) -> web.StreamResponse:
    if not context.viewer.reads_reports:
        return not_found(context)
    services = context.services
    async with services.db() as session:
        actor = await actor_for(session, context.viewer)
        plans = await campaigns.plans(session, services, actor) if actor else []
    zone, locale = services.settings.tz, context.locale or services.settings.default_locale
    # Rendered once, not per wijk: a beheerder's page repeats them for every wijk and campaign.
    t = Translator(services.catalog, locale)
    keys = ("on", "off", "none_soon", "pause", "start", "campaign", "state", "first")
    words = {key: t(f"desk.campaigns.{key}") for key in keys}
    words["action"] = t("desk.warn.action")
    titles = {c.id: c.title.get(locale) for c in services.campaigns}
    runs = {
        slot.campaign.id: [moment.astimezone(zone).strftime("%d-%m-%Y %H:%M") for moment in slot.runs]
        for plan in plans
        for slot in plan.slots
    }
    return context.render(
        "campaigns.html",
        plans=plans,
        notice=DONE.get(context.request.query.get("gedaan", ""), ""),
        titles=titles,
        runs=runs,
        first={key: moments[0] if moments else "–" for key, moments in runs.items()},
        words=words,
        on_cell=Markup(f'<span class="running">{words["on"]}</span>'),
        off_cell=Markup(f'<span class="paused">{words["off"]}</span>'),
        all_areas=context.viewer.is_beheerder,
    )


@action
async def switch(context: Context) -> web.StreamResponse:
    if not context.viewer.reads_reports:
        return not_found(context)
    services = context.services
    form = await context.request.post()
    raw = form.get("wijk", "")
    wijk_id = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None
    choice = form.get("schakel", "")
    campaign_id, _, verb = (choice if isinstance(choice, str) else "").partition(":")
    if verb not in ("pauze", "start"):
        return not_found(context)
    active = verb == "start"
    campaign = campaigns.find(services, campaign_id[:40])
    async with services.db() as session:
        actor = await actor_for(session, context.viewer)
        if campaign is None or actor is None:
            return not_found(context)
        done = await campaigns.set_active(session, services, actor, campaign, wijk_id, active)
        await session.commit()
    scope = str(wijk_id) if wijk_id is not None else "alle"
    outcome = "gestart" if active else "gepauzeerd"
    await context.audit(f"campagne {campaign.id} {outcome if done else 'geweigerd'} (wijk {scope})")
    raise web.HTTPSeeOther(f"{PATH}?gedaan={outcome if done else 'niet'}")
