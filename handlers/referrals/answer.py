"""Referral answers as catalog messages: the menu, a full referral, the discreet group pointer."""

from __future__ import annotations

from handlers.referrals.situations import SITUATIONS, Situation
from handlers.types import Button, Msg, Reply
from messages.services import Directory, Service

CALLBACK = "hulp"  # "hulp:<situation>" shows a referral, "hulp:p:<situation>" sends it privately


def menu(intro: str = "referrals.menu") -> Reply:
    rows = tuple(
        (Button(Msg.of(f"referrals.situation.{s.id}.label"), f"{CALLBACK}:{s.id}"),)
        for s in SITUATIONS
        if s.in_menu
    )
    return Reply((Msg.of(intro),), buttons=rows)


def _blank_or(key: str, condition: object, **params: object) -> Msg | str:
    return Msg.of(key, **params) if condition else ""


def _age(service: Service) -> Msg | str:
    if service.age_min is not None and service.age_max is not None:
        return Msg.of("referrals.service.age_range", low=service.age_min, high=service.age_max)
    if service.age_min is not None:
        return Msg.of("referrals.service.age_from", low=service.age_min)
    return ""


def _phone(service: Service) -> Msg | str:
    if service.phone and service.phone_alt:
        return Msg.of("referrals.service.phone_both", phone=service.phone, phone_alt=service.phone_alt)
    return _blank_or("referrals.service.phone", service.phone, phone=service.phone)


def service_card(service: Service, locale: str) -> Msg:
    """One service as a paragraph; facts that are not known are simply left out."""
    return Msg.of(
        "referrals.service.card",
        name=service.name,
        purpose=service.purpose.get(locale),
        phone=_phone(service),
        website=_blank_or("referrals.service.website", service.website, website=service.website),
        hours=_blank_or(
            "referrals.service.hours", service.hours, hours=service.hours and service.hours.get(locale)
        ),
        anonymous=_blank_or("referrals.service.anonymous", service.anonymous),
        age=_age(service),
        check=_blank_or("referrals.service.check", not service.verified),
    )


def _services_for(situation: Situation, age: int | None, directory: Directory) -> list[Service | None]:
    services = [directory.get(sid) for sid in situation.services]
    if age is not None:
        fitting = [s for s in services if s is not None and s.fits_age(age)]
        if fitting:
            return list(fitting)
    return services


def referral(
    situation: Situation,
    directory: Directory,
    locale: str,
    danger_now: bool = False,
    age: int | None = None,
    private_to_sender: bool = False,
) -> Reply:
    """The full referral: 112 first where there can be danger, then the one or two right services."""
    parts: list[Msg] = []
    if danger_now:
        parts.append(Msg.of("referrals.danger_now"))
    elif situation.danger:
        parts.append(Msg.of("referrals.danger"))
    parts.append(Msg.of(f"referrals.situation.{situation.id}.intro"))
    parts.extend(Msg.of(step) for step in situation.steps)
    for service in _services_for(situation, age, directory):
        parts.append(service_card(service, locale) if service else Msg.of("referrals.unavailable"))
    return Reply(tuple(parts), private_to_sender=private_to_sender)


def group_pointer(situation: Situation, danger_now: bool) -> Reply:
    """In a group: never repeat what was written or even name the topic; offer help in private."""
    parts = [Msg.of("referrals.danger_now")] if danger_now else []
    if situation.danger and not danger_now:
        parts.append(Msg.of("referrals.danger"))
    parts.append(Msg.of("referrals.group_pointer"))
    button = Button(Msg.of("referrals.group_button"), f"{CALLBACK}:p:{situation.id}")
    return Reply(tuple(parts), buttons=((button,),))
