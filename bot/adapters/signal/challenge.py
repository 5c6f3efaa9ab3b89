"""Telling the beheerders that Signal wants a captcha solved before the bot may send again.

Signal answers some sends with a *proof required* challenge (a token); only a human can lift it,
by solving https://signalcaptchas.org/challenge/generate.html and running
``signal-cli submitRateLimitChallenge --challenge TOKEN --captcha LINK`` (signal-cli man page,
``util/SendMessageResultUtils.java``). Every beheerder listed in ``BEHEERDERS`` gets a private message
on their own platform (Telegram and WhatsApp are not blocked by Signal's limit), through the outbox,
keyed by the token so one challenge is told once, even across restarts and workers.
"""

from __future__ import annotations

import logging

from bot.delivery import ChatAddress
from handlers.services import Services
from handlers.types import ChatKind, Msg, Platform, Reply
from storage.chats import ensure_chat

log = logging.getLogger(__name__)

PLATFORMS = frozenset(p.value for p in Platform)


def challenge_notice(chat: ChatAddress, token: str, number: str) -> Reply:
    where: object = chat.title if chat.kind != ChatKind.PRIVATE and chat.title else Msg.of("signal.someone")
    return Reply.say("signal.challenge", where=where, number=number, token=token)


async def tell_beheerders(services: Services, token: str, chat: ChatAddress, number: str) -> int:
    """Queue the notice for every beheerder; returns how many rows were new."""
    reply = challenge_notice(chat, token, number)
    now = services.clock.now()
    added = told = 0
    async with services.db() as session:
        for entry in services.settings.beheerders:
            platform, _, external_id = entry.partition(":")
            if platform.lower() not in PLATFORMS or not external_id:
                continue
            target = await ensure_chat(session, platform.lower(), external_id, ChatKind.PRIVATE, None, now)
            told += 1
            key = f"signal-challenge:{token[:80]}:{entry[:80]}"
            added += await services.outbox.enqueue(session, target, reply, key)
        await session.commit()
    if added:
        services.outbox.wake()
    if not told:
        log.error("signal: a captcha challenge needs a human, but BEHEERDERS lists nobody to tell")
    return added
