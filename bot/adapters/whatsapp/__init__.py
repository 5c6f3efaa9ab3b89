"""WhatsApp Cloud API adapter: webhook intake, rendering, sending (a thin aiohttp client, not pywa).

Modules: ``parse`` (webhook JSON → Incoming / DeliveryStatus), ``words`` (plain words as commands),
``webhook`` (GET handshake, POST with HMAC check; routes for the shared aiohttp app), ``intake``
(dedupe on wamid, 24 h window, routing), ``render`` (Reply → Cloud API bodies), ``client`` (HTTP),
``transport`` (the outbox's WhatsApp transport: window, template, limits), ``setup`` (wiring).

``platform`` (the :class:`~bot.adapters.base.Adapter` that ``bot.serve`` starts: transport, webhook
routes, budgets with Meta's limits for the one paced sender).
"""
