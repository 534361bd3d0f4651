"""Annual report reminders sent when KS förvaltning asks for them ("Påminn alla som inte har skickat in").

Pure: the organisations still to report and their contact persons in, `ReminderSpec`s out, due at the moment
of the request; the caller schedules them (`storage.reminders.schedule_many`) and the scheduler delivers them
like any other annual report reminder. `details` have the planner's keys for kind annual_report
(`reminders.planner`), so the existing reminder card renders them, plus who asked and for which report year.

The idempotency key names the year, the organisation, the recipient and the day of the request in Malmö:

    annual_report_on_request:{report year}:{organisation_id}:{user_id}:{YYYY-MM-DD, Europe/Stockholm}

so one round a day at most: a double press (10:42:59 and 10:43:01), two coordinators pressing at once, or a
second press in the afternoon plans nothing twice, while a press tomorrow reminds again. A day rather than a
shorter window, because a contact person reminded twice in one day of the same report is nagged, not helped.
The cycle is the deadline, as the planner's: "Klart" on one of them ends the round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from reminders.calendar import local_date
from reminders.planner import annual_report_deadline, annual_report_spec
from reminders.rules import get_rule
from storage.models import ReminderKind
from storage.reminders import ReminderSpec

__all__ = ["RemindAllPlan", "plan_reminders_on_request", "request_day"]

KEY_PREFIX = "annual_report_on_request"


@dataclass(frozen=True)
class RemindAllPlan:
    """What a request plans: the reminders, the organisations they reach, and those nobody can be reminded in."""

    specs: list[ReminderSpec]
    reminded: list[tuple[int, str]]  # (organisation id, name) with at least one contact person
    without_contact: list[tuple[int, str]]  # (organisation id, name) with none: KS must act another way

    @property
    def people(self) -> int:
        return len({spec.recipient_user_id for spec in self.specs})


def request_day(requested_at: datetime) -> str:
    """The day of the request in Malmö ("2026-02-03"): the part of the key that allows one round a day."""
    if requested_at.tzinfo is None or requested_at.utcoffset() is None:
        raise ValueError(f"requested_at must be a timezone-aware datetime, not {requested_at!r}")
    return local_date(requested_at).isoformat()


def plan_reminders_on_request(
    organisations: Iterable[tuple[int, str]],
    contact_users: dict[int, list[int]],
    *,
    report_year: int,
    deadline_mmdd: str,
    requested_at: datetime,
    requested_by_user_id: int | None,
    voluntary: Mapping[int, str] | None = None,
) -> RemindAllPlan:
    """One reminder, due at `requested_at`, to each contact person of each of `organisations` (those still to be
    reminded of the report for `report_year`, which is due on the deadline of the following year:
    `storage.annual_reports.needs_report_reminder`). `voluntary` maps those reminded of a voluntary report (a
    bolag's, 3.4) to the section their cards cite, as the planner's."""
    day = request_day(requested_at)
    rule = get_rule(ReminderKind.ANNUAL_REPORT)
    deadline = annual_report_deadline(report_year + 1, deadline_mmdd)
    days_left = (deadline - local_date(requested_at)).days
    specs: list[ReminderSpec] = []
    reminded: list[tuple[int, str]] = []
    without_contact: list[tuple[int, str]] = []
    for organisation_id, name in organisations:
        recipients = sorted(set(contact_users.get(organisation_id, [])))
        if not recipients:
            without_contact.append((organisation_id, name))
            continue
        reminded.append((organisation_id, name))
        for user_id in recipients:
            specs.append(
                annual_report_spec(
                    rule, organisation_id, name, user_id, deadline, days_left, due_at=requested_at,
                    idempotency_key=f"{KEY_PREFIX}:{report_year}:{organisation_id}:{user_id}:{day}",
                    voluntary_section=(voluntary or {}).get(organisation_id),
                    # The planner's "year" is the deadline's; the report's own year is kept beside it.
                    extra_details={"report_year": report_year, "on_request": True,
                                   "requested_by_user_id": requested_by_user_id},
                )
            )
    return RemindAllPlan(specs, reminded, without_contact)
