"""Plain words as commands: on WhatsApp people type "melding" or "STOP", not "/melding".

The adapter turns a message that is a known word (any case, trailing punctuation ignored), or starts
with one of the few words that take arguments, into ``command`` + ``args``, so handlers see the same
thing as a Telegram ``/melding``.
The word list is data: deployments may add words (``WHATSAPP_COMMAND_WORDS``), never lose STOP.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# word typed by a resident → command name in handlers/routes.py
DEFAULT_COMMAND_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "melding": "melding",
        "melden": "melding",
        "hulp": "hulp",
        "help": "help",
        "regels": "regels",
        "stop": "stop",
        "afmelden": "stop",
        "aanmelden": "aanmelden",
        "mijngegevens": "mijngegevens",
        "vergeetmij": "vergeetmij",
        "start": "start",
        "annuleer": "annuleer",
    }
)

# STOP must always work, whatever a deployment configures (opt-out is a legal duty).
_ALWAYS: Mapping[str, str] = MappingProxyType({"stop": "stop"})

_TRAILING = ".,!?:;"

# Only these commands take words after them ("melding fiets weg", "aanmelden krispijn"). Other words
# count only as the whole message, so an answer like "help, er loopt iemand…" in a dialog stays text.
# STOP is generous on purpose: "stop met berichten" must unsubscribe too.
ARG_COMMANDS: frozenset[str] = frozenset({"melding", "aanmelden", "stop"})


def command_words(extra: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """The default words plus a deployment's own, keys lower-cased; STOP cannot be overridden."""
    words = dict(DEFAULT_COMMAND_WORDS)
    for word, command in (extra or {}).items():
        words[word.strip().lower()] = command.strip().lower().lstrip("/")
    words.update(_ALWAYS)
    return MappingProxyType(words)


def parse_command(text: str, words: Mapping[str, str]) -> tuple[str | None, str]:
    """``"/melding x"`` or ``"Melding x"`` → ``("melding", "x")``; anything else → ``(None, "")``."""
    stripped = text.strip()
    if not stripped:
        return None, ""
    head, _, rest = stripped.partition(" ")
    if "\n" in head:  # "stop\nmeer tekst": the first line's first word counts
        head, _, more = head.partition("\n")
        rest = f"{more} {rest}".strip()
    args = rest.strip()
    if head.startswith("/") and len(head) > 1:
        return head[1:].lower(), args
    word = head.lower().rstrip(_TRAILING)
    command = words.get(word)
    if command is None or (args and command not in ARG_COMMANDS):
        return None, ""
    return command, args
