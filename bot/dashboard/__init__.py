"""The web dashboard (issue 15): server-rendered pages on the bot's own aiohttp app.

Data comes from storage/ and handlers/ functions; this package only checks sessions and renders.
"""
