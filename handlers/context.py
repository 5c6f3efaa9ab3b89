"""What one update's handlers share: the services, the update's one transaction, who is speaking.

The dispatcher builds one per update: it finds or creates the chat and the person, reads their roles
and the open dialog in the transaction that handles the update, and hands the result to the handler
here. Handlers read ``ctx.actor`` and write through ``ctx.session``; they never commit (the caller
commits the handler's rows together with its outbox rows and the inbox "done" mark, so a crash keeps
all of them or none) and never open a second session (on SQLite that would wait for the first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from handlers.access import Actor
from handlers.services import Services
from handlers.understanding.understand import Understanding
from storage.models import DialogState

_SERVICE_FIELDS = tuple(f.name for f in fields(Services))


@dataclass(frozen=True, kw_only=True)
class Context(Services):
    """The services plus this update's session and actor (a :class:`Services` wherever one is asked)."""

    session: AsyncSession
    actor: Actor
    dialog: DialogState | None = None
    # The model's reading of a free-text message, made once, before the transaction begins.
    understood: Understanding | None = None

    @classmethod
    def of(
        cls,
        services: Services,
        session: AsyncSession,
        actor: Actor,
        dialog: DialogState | None = None,
        understood: Understanding | None = None,
    ) -> Context:
        base: dict[str, Any] = {name: getattr(services, name) for name in _SERVICE_FIELDS}
        return cls(**base, session=session, actor=actor, dialog=dialog, understood=understood)


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run ``action`` once this update's transaction has committed (e.g. forget a cache it changed):
    before that, another worker would read and keep the old rows."""

    done = False

    def run(committed: Session) -> None:
        nonlocal done
        if done or committed.in_nested_transaction():
            return  # already run, or a savepoint released (the dispatcher's): still uncommitted
        done = True
        action()

    # Not removed in the callback (SQLAlchemy forbids it mid-dispatch); the session is short-lived.
    event.listen(session.sync_session, "after_commit", run)
