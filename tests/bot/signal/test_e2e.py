"""Signal end to end over real HTTP: fake daemon → events → inbox → router → outbox → transport → fake."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storage.alerts import Broadcast
from storage.chats import get_chat
from storage.inbox import InboxMessage, InboxState
from storage.models import OutboxStatus
from storage.reports import Report
from tests.bot.signal.conftest import ANS, BEHEERDER, BOB, GROUP, OTHER_GROUP, PIET, Bot
from tests.fakes.signal_cli import Sent


def _number_of(sent: Sent | str, label: str) -> str:
    """The number in front of ``label`` in a numbered menu ("3. Versturen" → "3")."""
    text = sent if isinstance(sent, str) else sent.message
    found = re.search(rf"^(\d+)\. {re.escape(label)}", text, re.MULTILINE)
    assert found, f"{label!r} not in {text!r}"
    return found.group(1)


async def _join(bot: Bot, group: str = GROUP) -> list[Sent]:
    return await bot.push(bot.daemon.group_update(ANS, group))


async def _link(bot: Bot, group: str) -> None:
    """The area-link flow: a group admin asks with /wijk, a beheerder approves privately by number."""
    asked = await bot.say(ANS, "/wijk Krispijn", group)
    [request] = [s for s in asked if s.recipient == BEHEERDER.uuid]
    [done] = [s for s in await bot.say(BEHEERDER, _number_of(request, "Goedkeuren")) if s.group_id == group]
    assert "Krispijn" in done.message


async def _linked_group(bot: Bot, group: str = GROUP) -> int:
    area_id = await bot.area()
    await _join(bot, group)
    await _link(bot, group)
    return area_id


async def test_bot_added_to_a_group_posts_the_intro_and_the_house_rules(bot: Bot) -> None:
    [welcome] = await _join(bot)
    assert welcome.group_id == GROUP and welcome.recipient is None
    assert welcome.message.startswith("Hallo allemaal! Ik ben Buurtbot.")
    assert "Afspraken in deze groep (SAAR)" in welcome.message and "<b>" not in welcome.message
    assert "/wijk NAAM" in welcome.message
    assert await _join(bot) == []  # a later group change (name, picture) says nothing


async def test_an_invitation_is_accepted_then_welcomed(bot: Bot) -> None:
    bot.daemon.add_group(OTHER_GROUP, "Buurt Zuid", [ANS, BOB], admins=[ANS], pending=True)
    [welcome] = await _join(bot, OTHER_GROUP)
    assert ("updateGroup", {"groupId": OTHER_GROUP}) in bot.daemon.calls
    assert welcome.group_id == OTHER_GROUP and "SAAR" in welcome.message


async def test_new_members_get_the_rules_and_removal_deactivates(bot: Bot) -> None:
    await _join(bot)
    bot.daemon.groups[GROUP].members.append(BEHEERDER)
    [welcome] = await bot.push(bot.daemon.group_update(ANS, GROUP))
    assert welcome.message.startswith("Welkom in de buurtgroep!")
    bot.daemon.groups[GROUP].is_member = False
    assert await bot.push(bot.daemon.group_update(ANS, GROUP)) == []
    async with bot.app.services.db() as session:
        chat = await get_chat(session, "signal", GROUP)
    assert chat is not None and chat.active is False


async def test_group_admin_links_the_group_and_a_resident_message_becomes_a_card(bot: Bot) -> None:
    await _linked_group(bot)
    async with bot.app.services.db() as session:
        chat = await get_chat(session, "signal", GROUP)
    assert chat is not None and chat.area_id is not None and chat.title == "Buurt Krispijn Noord"
    sent = await bot.say(BOB, "Verdachte man met een koevoet bij de deuren van de Reeweg 20, nu", GROUP)
    assert sent[0].message.startswith("⚠️ Bel eerst 112")  # danger now: 112 before the card
    [card] = [s for s in sent if "Melding M-0001" in s.message]
    assert card.group_id == GROUP and "Plek: Reeweg 20" in card.message
    called = await bot.say(ANS, _number_of(card, "☎️ Ik heb 112 gebeld"), GROUP)
    edits = [s for s in called if s.edit_timestamp == card.timestamp]
    assert edits and "112 is gebeld" in edits[0].message  # the card itself is edited, not posted anew
    async with bot.app.services.db() as session:
        reports = list(await session.scalars(select(Report)))
    assert len(reports) == 1 and reports[0].area_id == chat.area_id


async def test_a_resident_cannot_link_the_group(bot: Bot) -> None:
    await bot.area()
    await _join(bot)
    [refused] = await bot.say(BOB, "/wijk Krispijn", GROUP)
    async with bot.app.services.db() as session:
        chat = await get_chat(session, "signal", GROUP)
    assert chat is not None and chat.area_id is None
    assert refused.recipient == BOB.uuid or refused.group_id == GROUP


async def _alert(bot: Bot) -> list[Sent]:
    """Piet sends the hoi-mam alert to Krispijn: preview privately, then the numbered "Versturen"."""
    [preview] = await bot.say(PIET, "/alert online-hoi-mam Krispijn")
    assert preview.recipient == PIET.uuid and "Voorbeeld" in preview.message
    return await bot.say(PIET, _number_of(preview, "Versturen"))


async def test_a_coordinators_alert_reaches_the_group_once(bot: Bot) -> None:
    area_id = await _linked_group(bot)
    await bot.coordinator(PIET, area_id)
    sent = await _alert(bot)
    alerts = [s for s in sent if s.group_id == GROUP]
    assert len(alerts) == 1 and "Hoi mam" in alerts[0].message
    await bot.drain.drain()
    assert len([s for s in bot.daemon.sent if s.group_id == GROUP and "Hoi mam" in s.message]) == 1
    async with bot.app.services.db() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast is not None and (broadcast.delivered, broadcast.failed) == (1, 0)


async def test_a_rate_limit_on_one_group_holds_back_only_that_group(bot: Bot) -> None:
    bot.daemon.add_group(OTHER_GROUP, "Buurt Krispijn Zuid", [ANS, BOB], admins=[ANS])
    area_id = await _linked_group(bot)
    await _join(bot, OTHER_GROUP)
    await _link(bot, OTHER_GROUP)
    await bot.coordinator(PIET, area_id)
    bot.daemon.rate_limit(GROUP, retry_after=30)
    sent = await _alert(bot)
    alerts = [(s.group_id, s.error) for s in sent if s.group_id and "Hoi mam" in s.message]
    assert alerts == [(GROUP, -5), (OTHER_GROUP, None)]  # one refusal: the other group still got it
    await bot.drain.drain()  # not due yet: the held group is not tried again
    assert [(s.group_id, s.error) for s in bot.daemon.sent if s.group_id and "Hoi mam" in s.message] == alerts
    bot.clock.advance(seconds=31)
    mark = len(bot.daemon.sent)
    await bot.drain.drain()
    later = [s for s in bot.daemon.sent[mark:] if s.group_id and "Hoi mam" in s.message]
    assert [(s.group_id, s.error) for s in later] == [(GROUP, None)]
    [row] = [r for r in await bot.outbox(GROUP) if r.broadcast_id is not None]
    assert row.status == OutboxStatus.SENT and row.attempts == 1  # a throttle is not an attempt


async def test_a_captcha_challenge_holds_the_chat_and_tells_the_beheerders(bot: Bot) -> None:
    await _join(bot)
    bot.daemon.challenge(GROUP, token="tok-123", retry_after=None)
    sent = await bot.say(ANS, "/regels", GROUP)
    assert [s.error for s in sent if s.group_id == GROUP] == [-5]
    notices = [s for s in sent if s.recipient == BEHEERDER.uuid]
    assert len(notices) == 1
    assert "captcha" in notices[0].message and "--challenge tok-123" in notices[0].message
    assert "Buurt Krispijn Noord" in notices[0].message
    async with bot.app.services.db() as session:
        telegram = await get_chat(session, "telegram", "4242")
    assert telegram is not None  # the Telegram beheerder's notice waits in the outbox for Telegram
    bot.daemon.challenge(GROUP, token="tok-123", retry_after=None)
    bot.clock.advance(minutes=61)
    await bot.drain.drain()
    assert len([s for s in bot.daemon.sent if s.recipient == BEHEERDER.uuid]) == 1  # told once
    bot.clock.advance(minutes=121)
    await bot.drain.drain()
    rules = [s for s in bot.daemon.sent if s.group_id == GROUP and s.error is None and "SAAR" in s.message]
    assert len(rules) == 2  # the welcome and, once solved, the rules


async def test_private_hulp_offers_numbered_situations_and_answers_with_the_service(bot: Bot) -> None:
    [menu] = await bot.say(BOB, "/hulp")
    assert menu.recipient == BOB.uuid and "Bel altijd 112" in menu.message
    answer = await bot.text(BOB, _number_of(menu, "Ik word gediscrimineerd of zag het"))
    assert "Discriminatie.nl / RADAR" in answer and "https://www.discriminatie.nl" in answer


async def test_private_melding_dialog_with_numbered_answers(bot: Bot) -> None:
    await bot.area()
    [start] = await bot.say(BOB, "/melding")
    assert start.recipient == BOB.uuid and "Nieuwe melding" in start.message
    assert "Stuur het nummer van je keuze" in start.message
    where = await bot.text(BOB, _number_of(start, "Verdachte situatie"))
    assert "Waar is het?" in where
    await bot.say(BOB, "Dubbeldamseweg 120")
    await bot.say(BOB, "om 12.45")
    await bot.say(BOB, "Kijkt bij auto's naar binnen, grijze hoodie")
    await bot.say(BOB, "overslaan")
    await bot.say(BOB, "overslaan")
    card = await bot.text(BOB, "nee")
    assert "Je melding M-0001" in card  # no group linked to a wijk yet: stored, 112 first
    async with bot.app.services.db() as session:
        count = await session.scalar(select(func.count()).select_from(Report))
    assert count == 1


async def test_a_keycap_reaction_presses_the_numbered_button_of_that_message(bot: Bot) -> None:
    [menu] = await bot.say(BOB, "/hulp")
    number = _number_of(menu, "Ik word gediscrimineerd of zag het")
    await bot.say(BOB, "/regels")  # a later message without a menu: the reaction still names the menu
    [answer] = await bot.push(bot.daemon.reaction(BOB, f"{number}\ufe0f\u20e3", menu.timestamp))
    assert answer.recipient == BOB.uuid and "Discriminatie.nl / RADAR" in answer.message
    assert await bot.push(bot.daemon.reaction(BOB, "👍", menu.timestamp)) == []  # other emoji: silence


async def test_a_quoted_number_answers_the_quoted_menu(bot: Bot) -> None:
    [first] = await bot.say(BOB, "/hulp")
    await bot.say(BOB, "/hulp")  # a newer menu; the quote points at the first
    quote = {"quote": {"id": first.timestamp, "author": "+31850000000", "text": "Waar kan ik"}}
    number = _number_of(first, "Er is iets kapot op straat")
    [answer] = await bot.push(bot.daemon.private_message(BOB, number, **quote))
    assert "Fixi" in answer.message


async def test_the_same_event_twice_is_handled_once(bot: Bot) -> None:
    envelope = bot.daemon.private_message(BOB, "/hulp")
    assert len(await bot.push(envelope)) == 1
    assert await bot.push(envelope) == []
    async with bot.app.services.db() as session:
        rows = list(await session.scalars(select(InboxMessage)))
    assert [(r.platform, r.state) for r in rows] == [("signal", InboxState.DONE)]


async def test_melding_in_the_group_continues_privately_for_someone_who_wrote_to_the_bot(bot: Bot) -> None:
    await _linked_group(bot)
    await bot.say(BOB, "/regels")  # Bob has a private chat with the bot
    [start] = await bot.say(BOB, "/melding", GROUP)
    assert start.recipient == BOB.uuid and "Nieuwe melding" in start.message  # not in the group
    where = await bot.text(BOB, _number_of(start, "Verdachte situatie"))
    assert "Waar is het?" in where


async def test_melding_in_the_group_continues_privately_even_for_a_first_contact(bot: Bot) -> None:
    await _linked_group(bot)
    [start] = await bot.say(BOB, "/melding", GROUP)  # Bob never wrote to the bot privately
    assert start.recipient == BOB.uuid and "Nieuwe melding" in start.message


async def test_a_display_name_never_appoints_a_coordinator_on_signal(bot: Bot) -> None:
    await _linked_group(bot)
    await bot.say(BOB, "/regels")  # Bob is known to the bot
    [refused] = await bot.say(BEHEERDER, "/coordinator Bob Krispijn")
    assert "Signal-id" in refused.message
    [done] = [
        s
        for s in await bot.say(BEHEERDER, f"/coordinator {BOB.uuid} Krispijn")
        if s.recipient == BEHEERDER.uuid
    ]
    assert "Bob" in done.message and "Krispijn" in done.message


async def test_a_coordinator_on_signal_sees_the_alert_progress_in_one_edited_message(bot: Bot) -> None:
    area_id = await _linked_group(bot)
    await bot.coordinator(PIET, area_id)
    await _alert(bot)
    await bot.drain.drain()
    to_piet = [s for s in bot.daemon.sent if s.recipient == PIET.uuid]
    assert any(s.edit_timestamp is not None for s in to_piet), "progress is edited in place on Signal"
