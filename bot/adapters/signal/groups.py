"""What the bot knows about its Signal groups, from ``listGroups`` (names, members, admins).

A group message carries only the group's id and name; who is an admin (for ``/wijk`` and the other
group-admin commands) and what a group change changed are in ``listGroups``. Its JSON per group
(``commands/ListGroupsCommand.java``): ``id``, ``name``, ``isMember``, ``members`` (each
``{"number", "uuid", "isAdmin"}``), ``pendingMembers``, ``admins`` (deprecated, same addresses).
The answers are kept in memory: refreshed at start, on every group change and after ``max_age``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.signal.rpc import SignalRpc
from handlers.clock import Clock

MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class GroupInfo:
    group_id: str
    name: str
    is_member: bool
    members: frozenset[str]  # uuids and numbers
    admins: frozenset[str]
    pending: frozenset[str]
    size: int = 0  # people in the group (one member may be known by both uuid and number)


def group_from_json(data: dict[str, Any]) -> GroupInfo | None:
    group_id = data.get("id")
    if not isinstance(group_id, str) or not group_id:
        return None
    members: set[str] = set()
    admins: set[str] = set()
    count = 0
    for member in _dicts(data.get("members")):
        ids = _ids(member)
        if ids:
            count += 1
            members |= ids
            if member.get("isAdmin") is True:
                admins |= ids
    for admin in _dicts(data.get("admins")):
        admins |= _ids(admin)
    pending: set[str] = set()
    for member in _dicts(data.get("pendingMembers")):
        pending |= _ids(member)
    return GroupInfo(
        group_id,
        str(data.get("name") or ""),
        data.get("isMember") is not False,
        frozenset(members),
        frozenset(admins),
        frozenset(pending),
        count,
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ids(member: dict[str, Any]) -> set[str]:
    return {v for k in ("uuid", "number") if isinstance(v := member.get(k), str) and v}


class GroupDirectory:
    def __init__(self, rpc: SignalRpc, clock: Clock, max_age: timedelta = MAX_AGE) -> None:
        self._rpc = rpc
        self._clock = clock
        self._max_age = max_age
        self._groups: dict[str, tuple[GroupInfo, datetime]] = {}

    def known(self, group_id: str) -> GroupInfo | None:
        cached = self._groups.get(group_id)
        return cached[0] if cached else None

    async def refresh_all(self) -> int:
        """Every group of the account (start-up); returns how many were listed."""
        answer = await self._rpc.list_groups()
        listed = [g for g in map(group_from_json, _dicts(answer.result)) if g] if answer.ok else []
        now = self._clock.now()
        for group in listed:
            self._groups[group.group_id] = (group, now)
        return len(listed)

    async def get(self, group_id: str, *, fresh: bool = False) -> GroupInfo | None:
        """The group, from memory unless ``fresh`` or older than ``max_age``; None when not listed."""
        cached = self._groups.get(group_id)
        now = self._clock.now()
        if cached and not fresh and now - cached[1] < self._max_age:
            return cached[0]
        answer = await self._rpc.list_groups(group_id)
        found = [g for g in map(group_from_json, _dicts(answer.result)) if g] if answer.ok else []
        group = next((g for g in found if g.group_id == group_id), None)
        if group is None:
            return cached[0] if cached and not answer.ok else None
        self._groups[group_id] = (group, now)
        return group
