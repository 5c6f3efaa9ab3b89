"""`/hulp`, its buttons, and the free-text recogniser that points people to the right help."""

from __future__ import annotations

from handlers.context import Context
from handlers.referrals.answer import CALLBACK, group_pointer, menu, referral
from handlers.referrals.recognise import MAX_CHARS, normalise, recognise
from handlers.referrals.situations import BY_ID, Situation, by_word
from handlers.types import Incoming, Reply
from handlers.understanding.understand import understand


async def _locale(incoming: Incoming, services: Context, private: bool = False) -> str:
    """The locale the answer will be read in: the person's for a private answer, else the chat's."""
    actor = services.actor  # resolved by the dispatcher
    person_locale = actor.person.locale if actor.person else None
    chat_locale = None if private else actor.chat.locale
    return chat_locale or person_locale or services.settings.default_locale


async def _referral(
    incoming: Incoming,
    services: Context,
    situation: Situation,
    danger_now: bool = False,
    age: int | None = None,
    private: bool = False,
) -> Reply:
    locale = await _locale(incoming, services, private)
    return referral(situation, services.directory, locale, danger_now, age, private_to_sender=private)


async def hulp(incoming: Incoming, services: Context) -> list[Reply]:
    """`/hulp` shows the menu; `/hulp WOORD` (or a sentence) answers directly."""
    words = incoming.args.strip()
    if not words:
        return [menu()]
    tokens = normalise(words).split()
    if len(tokens) == 1 or "-".join(tokens) in {"alles-oke", "0800-7000", "0800-2000"}:
        situation = by_word("-".join(tokens))
        if situation is not None:
            return [await _referral(incoming, services, situation)]
    found = recognise(words)
    if found is not None:
        return [await _referral(incoming, services, BY_ID[found.situation], found.danger, found.age)]
    for token in tokens:
        situation = by_word(token)
        if situation is not None:
            return [await _referral(incoming, services, situation)]
    return [menu("referrals.unknown_word")]


async def button(incoming: Incoming, services: Context) -> list[Reply]:
    """`hulp:<id>` from the menu; `hulp:p:<id>` from a group pointer (always answered in private)."""
    parts = (incoming.callback_data or "").split(":")
    private = len(parts) == 3 and parts[1] == "p"
    situation = BY_ID.get(parts[-1]) if len(parts) in (2, 3) else None
    if situation is None:
        return [Reply.say("error.stale_button")]
    # A sensitive answer pressed in a group goes to the presser alone.
    private = private or (incoming.is_group and situation.sensitive)
    return [await _referral(incoming, services, situation, private=private and incoming.is_group)]


async def recognise_text(incoming: Incoming, services: Context) -> list[Reply] | None:
    """Free text about discrimination, violence at home, fraud, … gets the right referral.

    In a group the answer never repeats or names what was written: a short pointer with a button
    to continue in private. Everything else (chatter, thanks, reports) is not ours: None.
    """
    if incoming.command is not None or not incoming.text.strip():
        return None
    understood = services.understood or understand(incoming.text)
    found = recognise(incoming.text, understood if len(incoming.text) <= MAX_CHARS else None)
    if found is None:
        return None
    situation = BY_ID[found.situation]
    if incoming.is_group and situation.sensitive:
        return [group_pointer(situation, found.danger)]
    answer = [await _referral(incoming, services, situation, found.danger, found.age)]
    if not incoming.is_group and understood.category is not None:
        answer.append(Reply.say("understanding.fallback.also_report"))  # an incident the wijk may need
    return answer


__all__ = ["CALLBACK", "button", "hulp", "recognise_text"]
