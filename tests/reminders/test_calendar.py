"""reminders/calendar.py: working days in Malmö, send times across summer time, and recurrences."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from reminders.calendar import (
    is_workday,
    local_date,
    non_working_reason,
    occurrences,
    parse_rrule,
    recent_start,
    send_time,
    workday_on_or_before,
)

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "calendar_cases.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES["workdays"], ids=lambda case: str(case["day"]))
def test_a_non_working_day_moves_to_the_working_day_before(case: dict[str, Any]) -> None:
    assert workday_on_or_before(case["day"]) == case["workday"]
    assert non_working_reason(case["day"]) == case["why"]
    assert is_workday(case["day"]) is (case["why"] is None)
    assert is_workday(case["workday"])


@pytest.mark.parametrize("case", CASES["send_times"], ids=lambda case: f"{case['day']}-{case['hour']}")
def test_send_time_is_the_hour_in_malmo_whatever_the_season(case: dict[str, Any]) -> None:
    sent = send_time(case["day"], case["hour"])
    assert sent == datetime.fromisoformat(case["at"])
    assert sent.utcoffset() == timedelta(0)


def test_sundays_are_sundays_not_holidays_and_a_whole_year_has_the_expected_working_days() -> None:
    # 2027 (it starts and ends on a Friday): 104 weekend days; 5 public holidays on weekdays (nyårsdagen,
    # trettondedag jul, långfredagen, annandag påsk, kristi himmelsfärdsdag — the other 8 fall on weekends);
    # 3 eves closed in practice, all Fridays (midsommarafton, julafton, nyårsafton).
    days = [date(2027, 1, 1) + timedelta(days=offset) for offset in range(365)]
    assert sum(1 for day in days if is_workday(day)) == 365 - 104 - 5 - 3
    assert non_working_reason(date(2027, 3, 7)) == "söndag"


def test_workday_on_or_before_keeps_a_working_day() -> None:
    assert workday_on_or_before(date(2027, 3, 17)) == date(2027, 3, 17)


def test_send_time_refuses_an_hour_out_of_range() -> None:
    with pytest.raises(ValueError):
        send_time(date(2027, 3, 1), 24)


def test_local_date_is_the_date_in_malmo() -> None:
    assert local_date(datetime(2027, 3, 1, 23, 30, tzinfo=timezone.utc)) == date(2027, 3, 2)
    assert local_date(datetime(2027, 7, 1, 21, 59, tzinfo=timezone.utc)) == date(2027, 7, 1)
    assert local_date(datetime(2027, 7, 1, 22, 0, tzinfo=timezone.utc)) == date(2027, 7, 2)
    with pytest.raises(ValueError):
        local_date(datetime(2027, 3, 1, 9))


def test_occurrences_of_a_weekly_rule() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=1"
    start = date(2027, 3, 1)
    assert occurrences(rule, start, date(2027, 1, 1), 3) == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 15)]
    assert occurrences(rule, start, date(2027, 3, 8), 2) == [date(2027, 3, 15), date(2027, 3, 22)]
    assert occurrences(rule, start, date(2027, 3, 8), 2, inclusive=True) == [date(2027, 3, 8), date(2027, 3, 15)]
    assert occurrences(rule, start, date(2027, 3, 9), 0) == []


def test_occurrences_of_a_monthly_rule_and_one_that_ends() -> None:
    assert occurrences("FREQ=MONTHLY;BYMONTHDAY=1", date(2016, 11, 1), date(2027, 12, 15), 3) == [
        date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1)
    ]
    assert occurrences("RRULE:FREQ=WEEKLY;COUNT=2", date(2027, 3, 1), date(2027, 1, 1), 5) == [
        date(2027, 3, 1), date(2027, 3, 8)
    ]
    # Every 29 February: four years apart.
    assert occurrences("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2024, 1, 1), date(2025, 1, 1), 2) == [
        date(2028, 2, 29), date(2032, 2, 29)
    ]


@pytest.mark.parametrize(
    "text", ["", "FREQ=SOMETIMES", "DTSTART:20270101T000000\nRRULE:FREQ=WEEKLY", "INTERVAL=2", "FREQ=WEEKLY;BYDAY=XX"]
)
def test_a_bad_rule_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rrule(text, date(2027, 1, 1))


def test_occurrences_refuse_a_negative_count() -> None:
    with pytest.raises(ValueError):
        occurrences("FREQ=WEEKLY", date(2027, 1, 1), date(2027, 1, 1), -1)


@pytest.mark.parametrize("rule", [
    "FREQ=WEEKLY;INTERVAL=1", "RRULE:FREQ=WEEKLY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "FREQ=DAILY;INTERVAL=5", "FREQ=DAILY;BYMONTH=3,9",
    "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
])
@pytest.mark.parametrize("start", [date(1996, 2, 29), date(2001, 7, 4), date(2027, 3, 1), date(2027, 6, 1)])
def test_a_recent_start_gives_the_occurrences_of_the_original_start(rule: str, start: date) -> None:
    """The planner looks for the next occurrences from a start near today rather than from one decades ago."""
    today = date(2027, 3, 10)
    recent = recent_start(rule, start, today)
    assert recent <= max(start, today)
    assert occurrences(rule, recent, today, 12, inclusive=True) == occurrences(rule, start, today, 12, inclusive=True)


def test_a_recent_start_is_near_today_for_daily_and_weekly_rules_only() -> None:
    today = date(2027, 3, 10)  # a Wednesday
    assert recent_start("FREQ=WEEKLY", date(1999, 6, 1), today) == date(2027, 3, 9)  # the Tuesday before
    assert recent_start("FREQ=WEEKLY;INTERVAL=2", date(2027, 2, 1), today) == date(2027, 3, 1)
    assert recent_start("FREQ=DAILY", date(1999, 6, 1), today) == today
    assert recent_start("FREQ=MONTHLY;BYMONTHDAY=1", date(2016, 11, 1), today) == date(2016, 11, 1)
    assert recent_start("FREQ=WEEKLY;COUNT=5", date(2001, 1, 1), today) == date(2001, 1, 1)  # counted from the start
    assert recent_start("FREQ=WEEKLY", date(2027, 4, 1), today) == date(2027, 4, 1)  # not begun yet
