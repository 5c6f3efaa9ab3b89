"""Campaign files and schedule logic, with fixed datetimes (including both DST transitions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from handlers.campaigns.model import Campaign, CampaignError, Window, load_campaign, load_campaigns
from handlers.campaigns.schedule import due_run, in_quiet_hours, in_window, next_run, rotation_index

TZ = ZoneInfo("Europe/Amsterdam")  # the default TIMEZONE; the functions take the zone as an argument

SHIPPED = {
    "donkere-dagen",
    "zomer-inbraak",
    "babbeltrucs",
    "feestdagen-fraude",
    "whatsapp-tweestaps",
    "jaarwisseling",
    "groep-werkt-nog",
}


def make(schedule: str, **extra: Any) -> Campaign:
    data: dict[str, Any] = {
        "id": "test",
        "title": {"nl": "Test", "en": "Test"},
        "schedule": schedule,
        "messages": [{"nl": f"bericht {i}", "en": f"message {i}"} for i in range(3)],
        **extra,
    }
    return Campaign.model_validate(data)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def test_shipped_campaigns_are_valid_and_complete() -> None:
    campaigns = {c.id: c for c in load_campaigns()}
    assert set(campaigns) == SHIPPED
    assert campaigns["groep-werkt-nog"].enabled_by_default is False
    assert all(c.enabled_by_default for cid, c in campaigns.items() if cid != "groep-werkt-nog")
    for campaign in campaigns.values():
        assert next_run(campaign, utc(2026, 11, 22, 3), TZ) is not None
        for message in campaign.messages:
            assert message.nl.strip() and message.en.strip() and message.nl != message.en
    # Nep-agent first: the fastest-growing babbeltruc opens the rotation.
    assert "agent" in campaigns["babbeltrucs"].messages[0].nl.lower()


def test_next_runs_of_shipped_campaigns_follow_local_time() -> None:
    dark = {c.id: c for c in load_campaigns()}["donkere-dagen"]
    # 15 October (window opens) at 19:00 summer time = 17:00 UTC; after DST ends, 19:00 = 18:00 UTC.
    first = next_run(dark, utc(2026, 10, 1), TZ)
    assert first == utc(2026, 10, 15, 17)
    assert next_run(dark, first, TZ) == utc(2026, 11, 1, 18)  # clocks went back on 25 October
    # In March the window still holds; on 1 April it is over until next October.
    assert next_run(dark, utc(2027, 3, 10), TZ) == utc(2027, 3, 15, 18)
    assert next_run(dark, utc(2027, 3, 16), TZ) == utc(2027, 10, 15, 17)


def test_weekday_names_are_read_as_names() -> None:
    fraud = {c.id: c for c in load_campaigns()}["feestdagen-fraude"]
    run = next_run(fraud, utc(2026, 11, 22, 3), TZ)
    assert run is not None and run.astimezone(TZ).strftime("%a %H:%M") == "Thu 19:00"


def test_a_weekday_number_is_refused() -> None:
    with pytest.raises(ValueError, match="day of the week as a name"):
        make("0 19 * * 4")


def test_spring_forward_fires_once_an_hour_later() -> None:
    campaign = make("30 2 * * *", quiet_hours={"start": "00:00", "end": "00:00"})
    # 29 March 2026: 02:30 does not exist in Amsterdam; the run happens once, at 03:30 CEST.
    run = next_run(campaign, utc(2026, 3, 28, 12), TZ)
    assert run == utc(2026, 3, 29, 1, 30)
    assert next_run(campaign, run, TZ) == utc(2026, 3, 30, 0, 30)


def test_fall_back_does_not_fire_twice() -> None:
    campaign = make("30 2 * * *", quiet_hours={"start": "00:00", "end": "00:00"})
    # 25 October 2026: 02:30 happens twice (CEST, then CET). Only the first counts.
    run = next_run(campaign, utc(2026, 10, 24, 12), TZ)
    assert run == utc(2026, 10, 25, 0, 30)
    assert next_run(campaign, run, TZ) == utc(2026, 10, 26, 1, 30)


def test_quiet_hours_skip_a_run_and_default_is_21_to_8() -> None:
    campaign = make("0 7,19,22 * * *")
    assert campaign.quiet_hours.start == time(21) and campaign.quiet_hours.end == time(8)
    assert in_quiet_hours(campaign, local(2026, 12, 1, 22), TZ)
    assert in_quiet_hours(campaign, local(2026, 12, 1, 7, 59), TZ)
    assert not in_quiet_hours(campaign, local(2026, 12, 1, 8), TZ)
    assert not in_quiet_hours(campaign, local(2026, 12, 1, 20, 59), TZ)
    # The 22:00 and 07:00 fires are skipped (not moved to 08:00): next after 19:00 is 19:00 next day.
    assert next_run(campaign, local(2026, 12, 1, 19), TZ) == local(2026, 12, 2, 19)
    assert next_run(campaign, local(2026, 12, 1, 18), TZ) == local(2026, 12, 1, 19)


def test_a_schedule_only_in_quiet_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="never fires"):
        make("0 23 * * *")


def test_window_wraps_the_year_end() -> None:
    window = Window(start="10-15", end="03-31")
    assert window.contains(date(2026, 10, 15)) and window.contains(date(2026, 12, 31))
    assert window.contains(date(2027, 1, 1)) and window.contains(date(2027, 3, 31))
    assert not window.contains(date(2027, 4, 1)) and not window.contains(date(2026, 10, 14))
    summer = Window(start="06-01", end="08-31")
    assert summer.contains(date(2026, 7, 1)) and not summer.contains(date(2026, 12, 1))
    campaign = make("0 19 * * *", window={"start": "12-30", "end": "01-02"})
    assert in_window(campaign, local(2026, 12, 31, 19), TZ) and not in_window(
        campaign, local(2027, 1, 3, 19), TZ
    )
    assert next_run(campaign, local(2027, 1, 2, 19), TZ) == local(2027, 12, 30, 19)


def test_due_run_within_grace_only() -> None:
    campaign = make("0 19 * * *")
    grace = timedelta(minutes=15)
    assert due_run(campaign, local(2026, 12, 1, 19, 0), grace, TZ) == local(2026, 12, 1, 19)
    assert due_run(campaign, local(2026, 12, 1, 19, 0, 30), grace, TZ) == local(2026, 12, 1, 19)
    assert due_run(campaign, local(2026, 12, 1, 19, 15), grace, TZ) == local(2026, 12, 1, 19)
    assert due_run(campaign, local(2026, 12, 1, 19, 16), grace, TZ) is None
    assert due_run(campaign, local(2026, 12, 1, 18, 59, 59), grace, TZ) is None


def test_due_run_returns_only_the_latest_missed_run() -> None:
    campaign = make("*/5 * * * *")
    assert due_run(campaign, local(2026, 12, 1, 12, 12), timedelta(minutes=15), TZ) == local(
        2026, 12, 1, 12, 10
    )


def test_rotation_starts_each_season_with_the_first_message_and_is_deterministic() -> None:
    campaign = make("0 19 1,15 * *", window={"start": "10-15", "end": "03-31"})
    runs = []
    moment = utc(2026, 10, 1)
    for _ in range(5):
        run = next_run(campaign, moment, TZ)
        assert run is not None
        runs.append(run)
        moment = run
    assert [rotation_index(campaign, r, TZ) for r in runs] == [0, 1, 2, 0, 1]
    assert rotation_index(campaign, runs[3], TZ) == rotation_index(campaign, runs[3], TZ)
    next_season = next_run(campaign, utc(2027, 10, 1), TZ)
    assert next_season is not None and rotation_index(campaign, next_season, TZ) == 0
    assert campaign.text(rotation_index(campaign, runs[1], TZ), "en") == "message 1"
    assert campaign.text(rotation_index(campaign, runs[1], TZ), "nl") == "bericht 1"


def _file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """
id = "{id}"
title.nl = "T"
title.en = "T"
schedule = "{schedule}"
[[messages]]
nl = "a"
en = "b"
"""


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("xx", GOOD.format(id="xx", schedule="61 19 * * *"), r"schedule: not a cron expression"),
        ("xx", GOOD.format(id="yy", schedule="0 19 * * *"), r"id: 'yy' must match the file name 'xx'"),
        (
            "xx",
            GOOD.format(id="xx", schedule="0 19 * * *") + '[window]\nstart = "02-30"\nend = "03-01"\n',
            r"window\.start: '02-30' is not a day of the year",
        ),
        (
            "xx",
            'id = "xx"\ntitle.nl = "T"\ntitle.en = "T"\nschedule = "0 19 * * *"\n',
            r"messages: Field required",
        ),
        ("xx", GOOD.format(id="xx", schedule="0 19 * * *") + "colour = 1\n", r"colour: Extra inputs"),
        ("xx", "id = \n", r"not valid TOML"),
    ],
)
def test_broken_campaign_files_name_file_and_field(
    tmp_path: Path, name: str, body: str, expected: str
) -> None:
    path = _file(tmp_path, name, body)
    with pytest.raises(CampaignError, match=expected) as caught:
        load_campaign(path)
    assert str(path) in str(caught.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="not found"):
        load_campaigns(tmp_path / "nope")


CRON_PARTS = st.sampled_from(
    ["*", "0", "19", "*/5", "1,15", "mon", "thu-fri", "12", "31", "61", "-1", "a", "2-1", ""]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CRON_PARTS, min_size=0, max_size=7).map(" ".join) | st.text(max_size=40))
def test_any_schedule_text_is_either_a_campaign_or_a_clear_error(schedule: str) -> None:
    try:
        campaign = make(schedule)
    except ValidationError as exc:
        assert all(err["loc"] in {("schedule",), ()} for err in exc.errors())
        return
    run = next_run(campaign, utc(2026, 11, 22), TZ)
    assert run is not None and not in_quiet_hours(campaign, run, TZ)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.dates(), st.dates())
def test_window_contains_agrees_with_day_ranges(day: date, first: date, last: date) -> None:
    if (first.month, first.day) == (2, 29) or (last.month, last.day) == (2, 29):
        return
    window = Window(start=f"{first.month:02}-{first.day:02}", end=f"{last.month:02}-{last.day:02}")
    md = (day.month, day.day)
    lo, hi = (first.month, first.day), (last.month, last.day)
    expected = lo <= md <= hi if lo <= hi else (md >= lo or md <= hi)
    assert window.contains(day) is expected
