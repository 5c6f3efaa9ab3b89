"""A ``/bericht`` is a *mededeling* (notice) or a *waarschuwing* (warning): the coordinator chooses.

Framing every free-text message as "⚠️ Waarschuwing … Is er nu gevaar? Bel 112" turned a notice
about the wijkoverleg into an alarm, and alarms that are not alarms teach people to ignore them.
``/bericht waarschuwing WIJK tekst`` or ``/bericht mededeling WIJK tekst`` choose up front; without
a word it is a notice, and the preview has a button to switch.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.types import Button, Msg
from storage.alerts import Broadcast, BroadcastKind, switch_kind

TONE_WORDS = {
    "mededeling": BroadcastKind.NOTICE,
    "notice": BroadcastKind.NOTICE,
    "info": BroadcastKind.NOTICE,
    "waarschuwing": BroadcastKind.WARNING,
    "warning": BroadcastKind.WARNING,
}


def tone_of(args: str) -> tuple[str, str]:
    """``"waarschuwing Krispijn tekst"`` → (warning, ``"Krispijn tekst"``); no word: a notice."""
    first, _, rest = args.strip().partition(" ")
    kind = TONE_WORDS.get(first.lower())
    return (kind, rest) if kind is not None else (BroadcastKind.NOTICE, args)


def preview_track(broadcast_id: int) -> str:
    return f"bc:{broadcast_id}:preview"


def tone_buttons(broadcast: Broadcast) -> tuple[tuple[Button, ...], ...]:
    """The switch under a free-text preview (templates are always warnings)."""
    if broadcast.kind == BroadcastKind.NOTICE:
        return ((Button(Msg.of("tone.make_warning"), f"bc:tone:{broadcast.id}"),),)
    if broadcast.kind == BroadcastKind.WARNING:
        return ((Button(Msg.of("tone.make_notice"), f"bc:tone:{broadcast.id}"),),)
    return ()


async def switch_tone(session: AsyncSession, broadcast: Broadcast) -> bool:
    """Flip notice ↔ warning while it is still a draft."""
    if broadcast.kind == BroadcastKind.ALERT:
        return False
    other = BroadcastKind.WARNING if broadcast.kind == BroadcastKind.NOTICE else BroadcastKind.NOTICE
    return await switch_kind(session, broadcast, other)


def is_notice(broadcast: Broadcast) -> bool:
    return broadcast.kind == BroadcastKind.NOTICE
