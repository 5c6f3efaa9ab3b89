"""WhatsApp Cloud API adapter: webhook intake, rendering, sending (a thin aiohttp client, not pywa).

Modules: ``parse`` (webhook JSON → Incoming / DeliveryStatus), ``words`` (plain words as commands),
``webhook`` (GET handshake, POST with HMAC check; routes for the shared aiohttp app), ``intake``
(dedupe on wamid, 24 h window, routing), ``render`` (Reply → Cloud API bodies), ``client`` (HTTP),
``transport`` (the outbox's WhatsApp transport: window, template, limits), ``setup`` (wiring).

Wiring in a bot process (``bot/web.py`` is the one aiohttp server)::

    whatsapp = build_whatsapp(app, settings, http_session)     # if settings.whatsapp_enabled
    web_app = build_web_app(services, route_adders=[..., whatsapp.add_routes])
    transports = {Platform.TELEGRAM: ..., Platform.WHATSAPP: whatsapp.transport}  # outbox sender
"""
