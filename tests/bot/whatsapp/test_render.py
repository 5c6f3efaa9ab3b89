"""Neutral replies → Cloud API bodies."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import example, given
from hypothesis import strategies as st

from bot.adapters.whatsapp.render import render_reply, split_text, template_body
from handlers.types import Button, Location, Msg, Reply
from messages.catalog import Catalog
from messages.markup import whatsapp_escape, whatsapp_tags

TEXTS = {
    "t.alert": "<b>Let op</b> in {area}: <i>{text}</i>",
    "t.plain": "Hallo {name}",
    "t.label": "{label}",
    "whatsapp.choose": "Kies hieronder.",
    "whatsapp.list_button": "Kies",
    "whatsapp.numbered_hint": "Stuur het nummer van uw keuze.",
}
CATALOG = Catalog(MappingProxyType({"nl": TEXTS, "en": TEXTS}))


def _buttons(count: int, label: str = "Keuze") -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(Msg.of("t.label", label=f"{label} {n}"), f"cb:{n}"),) for n in range(1, count + 1))


def test_tags_become_whatsapp_markup_and_user_text_is_neutralised() -> None:
    reply = Reply.say("t.alert", area="Krispijn", text="*NU* <script> _x_ & ~y~")
    [body] = render_reply(reply, CATALOG, "316").bodies
    assert body["type"] == "text" and body["to"] == "316"
    assert body["text"]["body"] == "*Let op* in Krispijn: _∗NU∗ <script> ˍxˍ & ∼y∼_"


def test_user_text_cannot_fake_catalog_tags() -> None:
    [body] = render_reply(Reply.say("t.plain", name="<b>baas</b>"), CATALOG, "316").bodies
    assert body["text"]["body"] == "Hallo <b>baas</b>"


def test_up_to_three_buttons_are_reply_buttons_with_short_titles() -> None:
    reply = Reply((Msg.of("t.plain", name="Ans"),), buttons=_buttons(3, "Een heel erg lange knoptekst"))
    [body] = render_reply(reply, CATALOG, "316").bodies
    interactive = body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Hallo Ans"
    titles = [b["reply"]["title"] for b in interactive["action"]["buttons"]]
    ids = [b["reply"]["id"] for b in interactive["action"]["buttons"]]
    assert ids == ["cb:1", "cb:2", "cb:3"]
    assert all(len(t) <= 20 for t in titles) and titles[0].endswith("…")


def test_four_to_ten_buttons_are_a_list() -> None:
    reply = Reply((Msg.of("t.plain", name="Ans"),), buttons=_buttons(10, "Optie met een lange naam erbij"))
    [body] = render_reply(reply, CATALOG, "316").bodies
    interactive = body["interactive"]
    assert interactive["type"] == "list"
    assert interactive["action"]["button"] == "Kies"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"cb:{n}" for n in range(1, 11)]
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[9]["description"] == "Optie met een lange naam erbij 10"


def test_more_than_ten_buttons_are_numbered_text() -> None:
    reply = Reply((Msg.of("t.plain", name="Ans"),), buttons=_buttons(12))
    rendered = render_reply(reply, CATALOG, "316")
    [body] = rendered.bodies
    assert body["type"] == "text"
    assert "1. Keuze 1\n" in body["text"]["body"] and "12. Keuze 12" in body["text"]["body"]
    assert rendered.numbered == tuple(f"cb:{n}" for n in range(1, 13))


def test_long_text_with_buttons_goes_first_as_text() -> None:
    reply = Reply((Msg.of("t.plain", name="x" * 2000),), buttons=_buttons(2))
    first, second = render_reply(reply, CATALOG, "316").bodies
    assert first["type"] == "text" and first["text"]["body"].startswith("Hallo xxx")
    assert second["interactive"]["body"]["text"] == "Kies hieronder."


def test_location_reply_adds_a_location_message() -> None:
    reply = Reply((Msg.of("t.plain", name="Ans"),), location=Location(51.81, 4.66))
    text, location = render_reply(reply, CATALOG, "316").bodies
    assert text["text"]["body"] == "Hallo Ans"
    assert location["type"] == "location"
    assert location["location"] == {"latitude": 51.81, "longitude": 4.66}


def test_template_body_flattens_params() -> None:
    body = template_body("316", "buurt_alert", "nl", ["Krispijn", "regel 1\nregel 2     en    meer"])
    template = body["template"]
    assert template["name"] == "buurt_alert" and template["language"] == {"code": "nl"}
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert params == ["Krispijn", "regel 1 · regel 2 en meer"]


@given(st.text(max_size=9000))
def test_split_text_keeps_every_character_within_limits(text: str) -> None:
    chunks = split_text(text)
    assert all(0 < len(chunk) <= 4096 for chunk in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.strip().replace("\n", "").replace(
        " ", ""
    )


@given(st.text())
@example("<b>")
@example("</i>x<i>")
def test_neutralised_user_text_never_carries_markup(text: str) -> None:
    shown = whatsapp_tags(whatsapp_escape(text))
    assert not set("*_~`") & set(shown)


@given(st.text(min_size=1).filter(lambda t: t.strip() and len(t) < 1000))
@example("<b>baas</b>")
@example("\ue000b>")
def test_rendered_user_text_never_restyles_a_message(text: str) -> None:
    # Nested in a catalog message with its own tags: only the template's <b>/<i> become markup.
    reply = Reply.say("t.alert", area="Krispijn", text=Msg.of("t.plain", name=text))
    [body] = render_reply(reply, CATALOG, "316").bodies
    shown = body["text"]["body"]
    assert shown.startswith("*Let op* in Krispijn: _Hallo ") and shown.endswith("_")
    assert not set("*_~`") & set(shown.removeprefix("*Let op* in Krispijn: _").removesuffix("_"))
    assert "\ue000" not in shown
