"""Builders for realistic Bot API update payloads (plain dicts, as Telegram sends them).

Shared by the fake Bot API server, the tests and the benchmarks. Ids and dates are explicit so tests
stay deterministic; ``update_id`` is left out when the fake server should number the update itself.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

ANONYMOUS_ADMIN_ID = 1087968824  # @GroupAnonymousBot


def user(user_id: int, first_name: str = "Anna", username: str | None = None, is_bot: bool = False) -> JSON:
    data: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name, "language_code": "nl"}
    if username:
        data["username"] = username
    return data


def private_chat(user_id: int, first_name: str = "Anna") -> JSON:
    return {"id": user_id, "type": "private", "first_name": first_name}


def group_chat(chat_id: int, title: str = "Buurtpreventie Krispijn") -> JSON:
    # Supergroup ids start with -100; ordinary (basic) groups are small negative numbers.
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": title}


def chat_for(chat_id: int) -> JSON:
    return private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)


def _command_entities(text: str) -> list[JSON]:
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0])
    return [{"type": "bot_command", "offset": 0, "length": length}]


def message(
    chat: JSON,
    sender: JSON | None,
    *,
    message_id: int,
    date: int,
    text: str | None = None,
    **extra: Any,
) -> JSON:
    data: JSON = {"message_id": message_id, "date": date, "chat": chat}
    if sender is not None:
        data["from"] = sender
    if text is not None:
        data["text"] = text
        entities = _command_entities(text)
        if entities:
            data["entities"] = entities
    data.update(extra)
    return data


def with_id(update: JSON, update_id: int | None) -> JSON:
    if update_id is not None:
        update["update_id"] = update_id
    return update


def text_update(
    chat: JSON,
    sender: JSON,
    text: str,
    *,
    message_id: int = 1,
    date: int = 1_767_225_600,
    update_id: int | None = None,
    edited: bool = False,
) -> JSON:
    msg = message(chat, sender, message_id=message_id, date=date, text=text)
    if edited:
        msg["edit_date"] = date + 10
        return with_id({"edited_message": msg}, update_id)
    return with_id({"message": msg}, update_id)


def location_update(
    chat: JSON,
    sender: JSON,
    latitude: float,
    longitude: float,
    *,
    message_id: int = 1,
    date: int = 1_767_225_600,
    update_id: int | None = None,
) -> JSON:
    loc = {"latitude": latitude, "longitude": longitude}
    msg = message(chat, sender, message_id=message_id, date=date, location=loc)
    return with_id({"message": msg}, update_id)


def callback_update(
    chat: JSON,
    sender: JSON,
    data: str,
    *,
    query_id: str = "cbq-1",
    message_id: int = 1,
    bot: JSON | None = None,
    date: int = 1_767_225_600,
    update_id: int | None = None,
) -> JSON:
    origin = message(
        chat,
        bot or user(123, "Buurtbot", "buurtbot_test_bot", True),
        message_id=message_id,
        date=date,
        text="…",
    )
    query: JSON = {
        "id": query_id,
        "from": sender,
        "chat_instance": f"ci{chat['id']}",
        "data": data,
        "message": origin,
    }
    return with_id({"callback_query": query}, update_id)


def _member(who: JSON, status: str) -> JSON:
    data: JSON = {"user": who, "status": status}
    if status == "administrator":
        data.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update(
            is_member=True,
            can_send_messages=True,
            can_send_audios=True,
            can_send_documents=True,
            can_send_photos=True,
            can_send_videos=True,
            can_send_video_notes=True,
            can_send_voice_notes=True,
            can_send_polls=True,
            can_send_other_messages=True,
            can_add_web_page_previews=True,
            can_change_info=False,
            can_invite_users=True,
            can_pin_messages=False,
            can_manage_topics=False,
            until_date=0,
        )
    return data


def chat_member(who: JSON, status: str) -> JSON:
    """A ChatMember object (``creator``, ``administrator``, ``member``, ``left``, ``kicked`` …)."""
    if status == "creator":
        return {"user": who, "status": "creator", "is_anonymous": False}
    return _member(who, status)


def my_chat_member_update(
    chat: JSON,
    by: JSON,
    bot: JSON,
    old: str,
    new: str,
    *,
    date: int = 1_767_225_600,
    update_id: int | None = None,
) -> JSON:
    change = {
        "chat": chat,
        "from": by,
        "date": date,
        "old_chat_member": chat_member(bot, old),
        "new_chat_member": chat_member(bot, new),
    }
    return with_id({"my_chat_member": change}, update_id)


def new_members_update(
    chat: JSON,
    members: list[JSON],
    *,
    by: JSON | None = None,
    message_id: int = 1,
    date: int = 1_767_225_600,
    update_id: int | None = None,
) -> JSON:
    msg = message(chat, by or members[0], message_id=message_id, date=date, new_chat_members=members)
    if len(members) == 1:
        msg["new_chat_participant"] = members[0]
    return with_id({"message": msg}, update_id)


def migrate_update(
    old_chat_id: int,
    new_chat_id: int,
    sender: JSON,
    *,
    message_id: int = 1,
    date: int = 1_767_225_600,
    update_id: int | None = None,
) -> JSON:
    msg = message(
        group_chat(old_chat_id), sender, message_id=message_id, date=date, migrate_to_chat_id=new_chat_id
    )
    return with_id({"message": msg}, update_id)
