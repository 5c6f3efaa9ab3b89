"""AiohttpRequest through a real PTB Bot against the fake Bot API over real HTTP."""

from __future__ import annotations

import io

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.request import AiohttpRequest
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake):
    request, updates_request = AiohttpRequest.pair(read_timeout=2.0)
    async with Bot(
        fake.token, base_url=fake.base_url, request=request, get_updates_request=updates_request
    ) as b:
        yield b


async def test_get_me_and_send_message_with_keyboard(bot, fake):
    assert bot.username == "buurtbot_test_bot"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="ok:1")]])
    msg = await bot.send_message(-42, "<b>Hoi</b> & welkom", parse_mode="HTML", reply_markup=markup)
    assert msg.message_id == 1 and msg.chat.id == -42
    call = fake.calls_to("sendMessage")[0]
    assert call.params["text"] == "<b>Hoi</b> & welkom"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"


async def test_send_photo_is_multipart_upload(bot, fake):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 5000
    msg = await bot.send_photo(7, io.BytesIO(png), caption="grafiek", filename="chart.png")
    assert msg.photo and msg.caption == "grafiek"
    call = fake.calls_to("sendPhoto")[0]
    assert call.files["photo"].data == png and call.files["photo"].filename == "chart.png"
    assert call.params["chat_id"] == "7"


async def test_get_updates_shares_the_session_and_long_polls(bot, fake):
    from tests.fakes import telegram_updates as tu

    fake.queue_update(tu.text_update(tu.private_chat(7), tu.user(7), "/start"))
    updates = await bot.get_updates(timeout=5)
    assert [u.message.text for u in updates] == ["/start"]
    requests = bot._request
    assert requests[0].shared is requests[1].shared


async def test_hanging_response_times_out(bot, fake):
    fake.fail("hang", method="sendMessage")
    with pytest.raises(TimedOut):
        await bot.send_message(7, "hallo", read_timeout=0.2)


@pytest.mark.parametrize(
    ("fault", "kwargs", "error"),
    [
        ("429", {"retry_after": 7}, RetryAfter),
        ("migrate", {"migrate_to_chat_id": -1001234}, ChatMigrated),
        ("blocked", {}, Forbidden),
        ("400", {}, BadRequest),
        ("500", {}, NetworkError),
    ],
)
async def test_error_answers_become_ptb_errors(bot, fake, fault, kwargs, error):
    fake.fail(fault, method="sendMessage", **kwargs)
    with pytest.raises(error) as info:
        await bot.send_message(-5, "hallo")
    if fault == "429":
        assert info.value._retry_after.total_seconds() == 7  # stored as timedelta in PTB 22
    if fault == "migrate":
        assert info.value.new_chat_id == -1001234
    # the next call goes through: a fault is used once
    assert (await bot.send_message(-5, "hallo")).message_id == 1


async def test_shutdown_closes_the_shared_session_once_both_are_down(fake):
    request, updates_request = AiohttpRequest.pair()
    bot = Bot(fake.token, base_url=fake.base_url, request=request, get_updates_request=updates_request)
    await bot.initialize()
    session = request.shared.session
    await bot.shutdown()
    assert session.closed
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:1/x", "POST")


async def test_connection_refused_is_network_error(fake):
    port = fake.port
    await fake.stop()
    request, updates_request = AiohttpRequest.pair()
    bot = Bot(
        fake.token,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=request,
        get_updates_request=updates_request,
    )
    with pytest.raises(NetworkError):
        await bot.initialize()
    await bot.shutdown()
