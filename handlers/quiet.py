"""Quiet groups: a group reads only what the group needs (cards, alerts, campaign posts, the rules).

* A refusal, an unknown command or a stale button in a group never becomes a group message: a
  button's answer is a toast (``Reply.toast``), a command's goes privately to the sender.
* ``/melding`` (the dialog) and the ``/hulp`` menu started in a group continue in the sender's
  private chat. When that chat is not open yet (on Telegram a bot may not write first), the group
  gets one short line with a deep link (``https://t.me/<bot>?start=melding``) that opens it.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from handlers.audit import refusal_reasons
from handlers.context import Context
from handlers.services import Services
from handlers.types import ChatKind, EventKind, Incoming, Platform, Reply
from storage.models import Chat

PRIVATE_KEYS = frozenset({"error.unknown_command", "error.private_only", "error.stale_button"})
MOVE_TO_PRIVATE = frozenset({"melding", "hulp"})  # without arguments: a dialog or a menu
DEEP_LINKS = MOVE_TO_PRIVATE  # /start melding, /start hulp


def _is_private_kind(reply: Reply) -> bool:
    return bool(refusal_reasons([reply])) or any(part.key in PRIVATE_KEYS for part in reply.parts)


def quiet_group_replies(incoming: Incoming, replies: list[Reply]) -> list[Reply]:
    """Refusals and errors in a group go to the sender alone (a toast for a button press)."""
    if not incoming.is_group or incoming.sender is None:
        return replies
    quiet: list[Reply] = []
    for reply in replies:
        if reply.target is None and not reply.private_to_sender and _is_private_kind(reply):
            if incoming.kind is EventKind.CALLBACK:
                reply = replace(reply, toast=True, buttons=())
            else:
                reply = replace(reply, private_to_sender=True)
        quiet.append(reply)
    return quiet


OPENS_PRIVATE_CHATS = frozenset({Platform.CONSOLE, Platform.SIGNAL})


def deep_link_command(incoming: Incoming) -> Incoming:
    """``/start melding`` (what a deep link sends) is ``/melding``."""
    payload = incoming.args.strip().lower()
    if incoming.command == "start" and payload in DEEP_LINKS:
        return replace(incoming, command=payload, args="", text=f"/{payload}")
    return incoming


def deep_link(services: Services, platform: str, payload: str) -> str | None:
    username = services.bot_profile.get(platform, {}).get("username")
    if platform != Platform.TELEGRAM or not username:
        return None
    return f"https://t.me/{username}?start={payload}"


async def continue_privately(incoming: Incoming, ctx: Context) -> Incoming | list[Reply] | None:
    """For ``/melding`` or ``/hulp`` in a group: the same command in the sender's private chat, or the
    group's one line with a deep link when that chat is not open; None to handle it in the group."""
    sender = incoming.sender
    if not incoming.is_group or sender is None or incoming.command not in MOVE_TO_PRIVATE or incoming.args:
        return None
    if sender.external_id == incoming.chat_id:
        return None  # an anonymous admin posting as the group has no private chat
    private = replace(
        incoming,
        chat_id=sender.external_id,
        chat_kind=ChatKind.PRIVATE,
        chat_title=sender.display_name,
        sender=replace(sender, is_chat_admin=False),
        message_id=None,
        reply_to_message_id=None,
        from_group=incoming.chat_id,
    )
    # The console and Signal may open a private chat with anyone (Signal's first-contact budget
    # still paces it); Telegram only with someone who started the bot.
    if incoming.platform in OPENS_PRIVATE_CHATS or await _private_open(
        ctx, incoming.platform, sender.external_id
    ):
        return private
    link = deep_link(ctx, incoming.platform, incoming.command or "")
    if link is None:
        return None
    name = sender.display_name or "?"
    return [Reply.say("quiet.open_private", name=name, url=link)]


async def _private_open(ctx: Context, platform: str, external_id: str) -> bool:
    chat = await ctx.session.scalar(
        select(Chat).where(
            Chat.platform == platform,
            Chat.external_id == external_id,
            Chat.kind == ChatKind.PRIVATE,
            Chat.active.is_(True),
        )
    )
    return chat is not None


def privacy_mode_notice(incoming: Incoming, services: Services) -> tuple[Reply, ...]:
    """On joining a group: when the bot cannot read ordinary messages (Telegram privacy mode, from
    getMe), tell the group's admin what it cannot see and how to fix it."""
    profile = services.bot_profile.get(incoming.platform, {})
    if profile.get("can_read_all_group_messages", True):
        return ()
    return (Reply.say("quiet.privacy_mode"),)
