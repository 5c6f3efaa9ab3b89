"""Signal through signal-cli's JSON-RPC HTTP daemon: groups and 1:1, like Telegram.

The bot's number is an ordinary member of each group. Modules: ``rpc`` (the HTTP client), ``events``
(the server-sent event stream, reconnecting), ``parse`` (envelopes → events), ``groups``
(``listGroups``: names, admins, members), ``intake`` (inbox → ``Incoming``), ``menus`` (numbered
replies), ``render`` (Reply → text), ``outcome`` (signal-cli's answers → delivered / retry after /
gone / failed), ``transport`` (holds per recipient, first contacts), ``challenge`` (captchas → the
beheerders), ``adapter`` (the one object registered in ``bot/adapters``).

Why a thin aiohttp client and no library: the maintained Python wrappers do not fit. ``signalbot``
(2.2.1, 2026-10) is a framework that owns the event loop and command dispatch and talks to
bbernhard's signal-cli-rest-api, not to the native daemon; ``pysignalclijsonrpc`` (25.9, 2025-09)
is synchronous (requests) and reads no event stream; ``signal-cli-jsonrpc`` is a dev pre-release.
What we need is four JSON-RPC methods and one SSE stream over the aiohttp session the bot
already has — about 150 lines we can read, type and test against a fake.
"""
