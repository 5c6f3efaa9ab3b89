"""An in-process cache of the rows nearly every update needs: chat id, person id, "no dialog here".

Without it every update costs several selects before any handler runs (the chat, the person, the
pseudonym key, the dialog), which made the database the bottleneck of a busy bot. The cache holds
only what the dispatcher and the outbox need to skip those selects; handlers that need roles, areas
or settings still read them from the database in their own session.

Correctness rests on two rules:

* **Invalidate on every write, wherever it comes from.** A session event sees every flushed change
  to a chat, a person or a dialog and every bulk UPDATE/DELETE on their tables, so no call site has to
  remember the cache. The same invalidation runs again after the commit: a reader that looked before
  the writer committed cannot leave the old state behind.
* **Only fill from a read that no write overlapped.** :meth:`RowCache.generation` is taken before the
  read; any invalidation in between bumps it and the result is not stored.

Only *absence* of a dialog is cached (a present dialog is always read fresh), so a missed
invalidation of a deleted dialog cannot hide one. The cache is per session factory, i.e. per
database of one process; other processes (the console, CLI commands) only ever delete dialogs or work
on their own chats, which the cache tolerates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from storage.models import Area, Chat, DialogState, Person

INFO_KEY = "row_cache"
_PENDING_KEY = "row_cache_pending"
MAX_ENTRIES = 50_000  # beyond this the cache starts afresh; it refills on demand

ChatKey = tuple[str, str]  # (platform, external_id)


@dataclass(frozen=True)
class CachedChat:
    id: int
    title: str | None
    area_id: int | None
    locale: str | None


@dataclass(frozen=True)
class CachedPerson:
    id: int
    display_name: str
    username: str | None
    locale: str | None


class RowCache:
    def __init__(self) -> None:
        self.generation = 0
        self._chats: dict[ChatKey, CachedChat] = {}
        self._people: dict[ChatKey, CachedPerson] = {}
        # person id → the chats where that person has a dialog row (maybe expired); a chat not in
        # the set certainly has none. Per person, so a resident talking in a new group needs no read.
        self._dialog_chats: dict[int, frozenset[int]] = {}
        # (chat id, person id) pairs whose chat_members row is known to exist.
        self._members: set[tuple[int, int]] = set()

    # --- reads ------------------------------------------------------------------------------------
    def chat(self, platform: str, external_id: str) -> CachedChat | None:
        return self._chats.get((platform, external_id))

    def person(self, platform: str, external_id: str) -> CachedPerson | None:
        return self._people.get((platform, external_id))

    def has_no_dialog(self, chat_id: int, person_id: int) -> bool:
        chats = self._dialog_chats.get(person_id)
        return chats is not None and chat_id not in chats

    def is_member(self, chat_id: int, person_id: int) -> bool:
        return (chat_id, person_id) in self._members

    # --- fills (only when nothing was invalidated since ``generation``) -------------------------------
    def remember_chat(self, generation: int, chat: Chat) -> None:
        if self._fresh(generation):
            self._chats[(chat.platform, chat.external_id)] = CachedChat(
                chat.id, chat.title, chat.area_id, chat.locale
            )

    def remember_person(self, generation: int, person: Person) -> None:
        if self._fresh(generation):
            key = (person.platform, person.external_id)
            self._people[key] = CachedPerson(person.id, person.display_name, person.username, person.locale)

    def remember_dialog_chats(self, generation: int, person_id: int, chat_ids: frozenset[int]) -> None:
        if self._fresh(generation):
            self._dialog_chats[person_id] = chat_ids

    def remember_member(self, generation: int, chat_id: int, person_id: int) -> None:
        if self._fresh(generation):
            self._members.add((chat_id, person_id))

    def _fresh(self, generation: int) -> bool:
        if generation != self.generation:
            return False
        if len(self._chats) + len(self._people) + len(self._dialog_chats) + len(self._members) >= MAX_ENTRIES:
            self.clear()  # bounded memory; it refills on demand
            return False
        return True

    # --- invalidation -----------------------------------------------------------------------------
    def forget_chat(self, chat_id: int) -> None:
        self.generation += 1
        for key in [k for k, v in self._chats.items() if v.id == chat_id]:
            del self._chats[key]
        # A chat row changing (e.g. a migration folding two rows) may move dialogs between ids.
        self._dialog_chats.clear()

    def forget_person(self, person_id: int) -> None:
        self.generation += 1
        for key in [k for k, v in self._people.items() if v.id == person_id]:
            del self._people[key]
        self._dialog_chats.pop(person_id, None)

    def forget_dialog(self, person_id: int) -> None:
        self.generation += 1
        self._dialog_chats.pop(person_id, None)

    def forget_table(self, table: str) -> None:
        """A bulk UPDATE/DELETE whose rows we cannot tell: drop everything that table feeds."""
        self.generation += 1
        if table in (Chat.__tablename__, Area.__tablename__):  # deleting an area unlinks chats
            self._chats.clear()
            self._dialog_chats.clear()
        elif table == Person.__tablename__:
            self._people.clear()
            self._dialog_chats.clear()
        elif table == DialogState.__tablename__:
            self._dialog_chats.clear()

    def clear(self) -> None:
        self.generation += 1
        self._members.clear()
        self._chats.clear()
        self._people.clear()
        self._dialog_chats.clear()


class CachedSession(Session):
    """The sync session behind our AsyncSession; its events keep the session factory's cache true."""


Invalidation = tuple[str, Any]


def _cache_of(session: Session) -> RowCache | None:
    cache = session.info.get(INFO_KEY)
    return cache if isinstance(cache, RowCache) else None


def _apply(cache: RowCache, what: Invalidation) -> None:
    kind, value = what
    if kind == "chat":
        cache.forget_chat(value)
    elif kind == "person":
        cache.forget_person(value)
    elif kind == "dialog":
        cache.forget_dialog(value)
    else:
        cache.forget_table(value)


def _record(session: Session, cache: RowCache, what: Invalidation) -> None:
    _apply(cache, what)
    session.info.setdefault(_PENDING_KEY, []).append(what)  # again after commit (see module doc)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    cache = _cache_of(session)
    if cache is None:
        return
    # In after_flush the new/dirty/deleted collections still describe what was just flushed.
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Chat) and obj.id is not None:
            _record(session, cache, ("chat", obj.id))
        elif isinstance(obj, Person) and obj.id is not None:
            _record(session, cache, ("person", obj.id))
        elif isinstance(obj, Area) and obj in session.deleted:
            _record(session, cache, ("table", Area.__tablename__))
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, DialogState):
            _record(session, cache, ("dialog", obj.person_id))


_WATCHED = {Chat.__tablename__, Person.__tablename__, DialogState.__tablename__, Area.__tablename__}


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    cache = _cache_of(state.session)
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if cache is None or table not in _WATCHED:
        return
    if state.is_delete and table == DialogState.__tablename__:
        return  # deleting dialogs only makes "no dialog" truer
    _record(state.session, cache, ("table", table))


def _after_commit(session: Session) -> None:
    cache = _cache_of(session)
    for what in session.info.pop(_PENDING_KEY, []):
        if cache is not None:
            _apply(cache, what)


def install() -> None:
    """Attach the invalidation events to :class:`CachedSession` (once per process)."""
    if event.contains(CachedSession, "after_flush", _after_flush):
        return
    event.listen(CachedSession, "after_flush", _after_flush)
    event.listen(CachedSession, "do_orm_execute", _on_execute)
    event.listen(CachedSession, "after_commit", _after_commit)


def row_cache(sessions: async_sessionmaker[AsyncSession]) -> RowCache | None:
    """The cache of this session factory, or None when it was built without one."""
    info = sessions.kw.get("info") or {}
    cache = info.get(INFO_KEY)
    return cache if isinstance(cache, RowCache) else None
