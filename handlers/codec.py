"""Replies as JSON, so they can wait in the outbox table and be rendered later by any adapter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.types import Button, Location, Msg, Platform, Reply, Target

JsonDict = dict[str, Any]


def _param_to_json(value: object) -> object:
    if isinstance(value, Msg):
        return {"msg": msg_to_json(value)}
    if isinstance(value, list | tuple):
        return {"list": [_param_to_json(item) for item in value]}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _param_from_json(value: object) -> object:
    if isinstance(value, Mapping) and "msg" in value:
        return msg_from_json(value["msg"])
    if isinstance(value, Mapping) and "list" in value:
        return tuple(_param_from_json(item) for item in value["list"])
    return value


def msg_to_json(msg: Msg) -> JsonDict:
    return {"key": msg.key, "params": {k: _param_to_json(v) for k, v in msg.params.items()}}


def msg_from_json(data: Mapping[str, Any]) -> Msg:
    params = {k: _param_from_json(v) for k, v in dict(data.get("params") or {}).items()}
    return Msg.of(str(data["key"]), **params)


def reply_to_json(reply: Reply) -> JsonDict:
    data: JsonDict = {"parts": [msg_to_json(p) for p in reply.parts]}
    if reply.buttons:
        data["buttons"] = [
            [{"label": msg_to_json(b.label), "data": b.data} for b in row] for row in reply.buttons
        ]
    if reply.target:
        data["target"] = {"platform": reply.target.platform.value, "chat_id": reply.target.chat_id}
    if reply.track:
        data["track"] = reply.track
    if reply.edit:
        data["edit"] = reply.edit
    if reply.location:
        data["location"] = [reply.location.latitude, reply.location.longitude]
    if reply.photo:
        data["photo"] = reply.photo
    return data


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    buttons = tuple(
        tuple(Button(msg_from_json(b["label"]), str(b["data"])) for b in row)
        for row in data.get("buttons", ())
    )
    target = data.get("target")
    location = data.get("location")
    return Reply(
        parts=tuple(msg_from_json(p) for p in data["parts"]),
        buttons=buttons,
        target=Target(Platform(target["platform"]), str(target["chat_id"])) if target else None,
        track=data.get("track"),
        edit=data.get("edit"),
        location=Location(float(location[0]), float(location[1])) if location else None,
        photo=str(data["photo"]) if data.get("photo") else None,
    )
