"""A reply with a picture goes out as sendPhoto (multipart upload) through our aiohttp request."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.delivery import ChatAddress, Permanent, Sent
from handlers.statistics.chart import ChartData, render_chart
from handlers.types import Msg, Reply
from tests.bot.sender_support import telegram_transport
from tests.fakes.telegram_api import FakeTelegram


async def test_a_digest_chart_is_uploaded_with_send_photo(
    app: App, fake: FakeTelegram, tmp_path: Path
) -> None:
    chart = render_chart(
        ChartData(
            "Meldingen per week · Krispijn",
            ("01-11", "08-11"),
            (("Overlast", (1, 3)),),
            "meldingen",
            "Overig",
        ),
        tmp_path / "chart.png",
    )
    reply = Reply((Msg.of("digest.open", count=2),), photo=str(chart))
    async with telegram_transport(fake, app) as transport:
        outcome = await transport.deliver(ChatAddress("4242", "private", "nl"), reply, None)
        missing = await transport.deliver(
            ChatAddress("4242", "private", "nl"), Reply((), photo=str(tmp_path / "gone.png")), None
        )
    assert isinstance(outcome, Sent)
    assert [c.params["text"] for c in fake.calls_to("sendMessage", "4242")] == ["Nog open: 2."]
    photos = fake.calls_to("sendPhoto", "4242")
    assert len(photos) == 1
    upload = next(iter(photos[0].files.values()))
    assert upload.data == chart.read_bytes() and upload.data.startswith(b"\x89PNG")
    assert isinstance(missing, Permanent)
