"""Chat platforms, one folder each; ``ADAPTERS`` is the one list ``serve()`` starts them from.

Adding a platform is one folder (``bot/adapters/<platform>/`` with an object satisfying
``bot.adapters.base.Adapter``) plus one line here: its factory, ``Callable[[Settings], Adapter]``.
"""

from __future__ import annotations

from bot.adapters.base import AdapterFactory

ADAPTERS: tuple[AdapterFactory, ...] = ()
