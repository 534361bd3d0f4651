"""Malmö's working calendar: when a reminder may go out, and the dates a recurrence rule gives.

Non-working days are Saturdays, Sundays, Swedish public holidays (the `holidays` package's Sweden calendar,
public category only, without its optional "every Sunday") and three eves that are public holidays in
nothing but practice: midsommarafton, julafton and nyårsafton, when the city's offices are closed. Other
eves (trettondagsafton, skärtorsdag, valborgsmässoafton, …) are half days at most and stay working days;
påskafton and pingstafton fall on Saturdays anyway. A reminder due on a non-working day goes out on the
last working day before it, so that it arrives before the deadline rather than after.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays
from dateutil.rrule import rrule, rrulestr
from policy.dates import MALMO_TIME

__all__ = [
    "MALMO_TIME",
    "is_workday",
    "local_date",
    "non_working_reason",
    "occurrences",
    "parse_rrule",
    "prepare_years",
    "recent_start",
    "send_time",
    "workday_on_or_before",
]

_SATURDAY = 5
# A year has at most 16 consecutive non-working days nowhere near; this only guards against a broken calendar.
_MAX_DAYS_BACK = 31


def send_time(day: date, hour: int) -> datetime:
    """`hour`:00 on `day` in Malmö, as an aware UTC datetime (CET or CEST as that day has it).

    On the night the clocks go forward, 02:00 does not exist; it is read as 03:00 CEST (the same instant as
    02:00 CET). The reminder hour is a daytime setting, so this only matters for completeness.
    """
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0 to 23, not {hour!r}")
    return datetime.combine(day, time(hour), tzinfo=MALMO_TIME).astimezone(timezone.utc)


def local_date(moment: datetime) -> date:
    """The date in Malmö at `moment` (an aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError(f"Refusing naive datetime {moment!r}")
    return moment.astimezone(MALMO_TIME).date()


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    # include_sundays=False: the package can list every Sunday as a holiday ("söndag"); weekends are
    # handled as weekends here, so a Sunday never hides behind a holiday name.
    calendar = holidays.Sweden(years=year, include_sundays=False, categories=(holidays.PUBLIC,), language="sv")
    return {day: str(name) for day, name in calendar.items()}


def _midsummer_eve(year: int) -> date:
    """Midsommarafton: the Friday between 19 and 25 June."""
    june_19 = date(year, 6, 19)
    return june_19 + timedelta(days=(4 - june_19.weekday()) % 7)


def _de_facto_holidays(year: int) -> dict[date, str]:
    return {
        _midsummer_eve(year): "Midsommarafton",
        date(year, 12, 24): "Julafton",
        date(year, 12, 31): "Nyårsafton",
    }


def prepare_years(*years: int) -> None:
    """Computes the holidays of `years` now (the first year takes a quarter of a second: the package's set-up),
    so that a caller on the event loop can have it done in a worker thread rather than on the loop."""
    for year in years:
        _public_holidays(year)


def non_working_reason(day: date) -> str | None:
    """Why `day` is not a working day ("lördag", "Långfredagen", "Julafton", …), or None when it is one."""
    public = _public_holidays(day.year).get(day)
    if public is not None:
        return public
    eve = _de_facto_holidays(day.year).get(day)
    if eve is not None:
        return eve
    if day.weekday() >= _SATURDAY:
        return "lördag" if day.weekday() == _SATURDAY else "söndag"
    return None


def is_workday(day: date) -> bool:
    return non_working_reason(day) is None


def workday_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    candidate = day
    for _ in range(_MAX_DAYS_BACK):
        if is_workday(candidate):
            return candidate
        candidate -= timedelta(days=1)
    raise RuntimeError(f"No working day within {_MAX_DAYS_BACK} days before {day.isoformat()}")


@lru_cache(maxsize=256)
def parse_rrule(rrule_text: str, start: date) -> rrule:
    """An RFC 5545 RRULE ("FREQ=WEEKLY;INTERVAL=1") starting on `start`; ValueError when it is not one.

    Only the rule itself is accepted: the start comes from the data (a submission date, …), never from
    a DTSTART in the text, and a rule must be a single RRULE, not a set.
    """
    text = rrule_text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or any(marker in text.upper() for marker in ("DTSTART", "\n", "EXDATE", "RDATE")):
        raise ValueError(f"Not a single RRULE: {rrule_text!r}")
    try:
        parsed = rrulestr(text, dtstart=datetime.combine(start, time()))
    except TypeError as error:  # dateutil's way of saying FREQ is missing
        raise ValueError(f"Not a valid RRULE: {rrule_text!r} ({error})") from error
    if not isinstance(parsed, rrule):
        raise ValueError(f"Not a single RRULE: {rrule_text!r}")
    return parsed


# Days after which a rule's candidate days repeat, per FREQ: shifting the start by whole periods (times INTERVAL)
# keeps every occurrence from the new start on. Months and years differ in length, so they have none.
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def recent_start(rrule_text: str, start: date, on_or_before: date) -> date:
    """A start for the rule, no later than `on_or_before`, that gives the same occurrences from
    `on_or_before` on as `start` does — the latest one for a daily or weekly rule, so that finding the next
    occurrence does not step through every week since a start years ago; `start` itself for other rules and
    for a rule with COUNT (whose occurrences are counted from the start)."""
    parts = dict(part.split("=", 1) for part in rrule_text.strip().upper().removeprefix("RRULE:").split(";")
                 if "=" in part)
    period = _PERIOD_DAYS.get(parts.get("FREQ", ""))
    if period is None or "COUNT" in parts or start >= on_or_before:
        return start
    period *= int(parts.get("INTERVAL", "1"))
    return start + timedelta(days=(on_or_before - start).days // period * period)


def occurrences(rrule_text: str, start: date, after: date, count: int, *, inclusive: bool = False) -> list[date]:
    """The first `count` dates of the rule (started on `start`) after `after` (or on it, when `inclusive`)."""
    if count < 0:
        raise ValueError(f"count must not be negative, not {count!r}")
    rule = parse_rrule(rrule_text, start)
    found: list[date] = []
    moment = datetime.combine(after, time())
    for _ in range(count):
        following = rule.after(moment, inc=inclusive and not found)
        if following is None:
            break
        found.append(following.date())
        moment = following
    return found
