"""Which reminders the rules (reminders/data/rules.yaml) ask for, as `ReminderSpec`s the caller schedules.

The `plan_*` functions are pure: facts in, reminders out, with `now` given (a controllable clock) and only
reminders due after `now`. Each reminder's day is moved to the working day on or before it
(`reminders.calendar`) and it goes out at `hour` Malmö time. `ensure_recurring_reminders` reads the database,
in the caller's transaction; `plan_recurring_reminders` does the same in short transactions of its own, for the
scheduler, which plans once an hour (and at start-up) what time has brought into reach. Both look only from
today on, at the applications that may still be reminded of, a chunk at a time.

Idempotency keys name the occurrence, so planning again (any number of times, from any instance) adds
nothing that exists — and never brings back a reminder that was sent, done or cancelled:

    application_deadline:{application_id}:{call deadline}:{days_before}
    information_item:{information_item_id}:{occurrence date}
    annual_report:{organisation_id}:{deadline}:{days_before}:{user_id}
    missing_contact_person:{organisation_id}:{occurrence date}:{user_id}

The deadline is part of an application's keys: when the call deadline changes, cancel the old reminders
(`storage.reminders.cancel_for_subject`) and plan again; the new deadline has new keys.

`details` of every reminder: "source" (the policy section a message cites) and "sources" (all of them),
"organisation" (its name); per kind also —
    application_deadline   application_id, reference, project_name, deadline, days_before
    information_item       application_id, reference, project_name, planned_submission_date, occurrence
    annual_report          organisation_id, deadline, days_before, year; and "voluntary": true for a bolag's
                           voluntary report (3.4: no duty, reminded only while a report it started is open),
                           whose "source" is then the section that gives it no duty
    missing_contact_person organisation_id, occurrence
Dates are ISO strings ("2027-03-15").
"""

from __future__ import annotations

import asyncio
import calendar as month_calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.calendar import local_date, parse_rrule, prepare_years, recent_start, send_time, workday_on_or_before
from reminders.rules import ReminderRule, get_rule
from storage.application_data import ApplicationData, ApplicationStatus, InformationItemStatus
from storage.annual_reports import organisations_reminded_of_report
from storage.applications import application_data, application_reference
from storage.contact_persons import organisations_without_contact_person
from storage.models import ReminderKind, ReminderSubjectType
from storage.organisations import duties_of
from storage.reminders import (
    ReminderSpec,
    application_ids_to_remind,
    applications_to_remind,
    cancel_resolved,
    contact_person_ids_by_organisation,
    done_cycles,
    ks_coordinator_ids,
    schedule_many,
    scheduled_keys,
    user_ids_by_teams_id,
)

__all__ = [
    "annual_report_deadline",
    "annual_report_details",
    "annual_report_spec",
    "annual_report_year",
    "ensure_recurring_reminders",
    "plan_annual_report",
    "plan_for_application",
    "plan_missing_contact_person",
    "plan_recurring_reminders",
]

_MMDD = re.compile(r"(?P<month>\d{2})-(?P<day>\d{2})")
# A recurrence that yields nothing due within this many occurrences is broken data, not a long wait.
_MAX_OCCURRENCES_SCANNED = 1000


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, not {now!r}")


def _common_details(rule: ReminderRule, organisation_name: str) -> dict[str, Any]:
    sections = rule.policy_sections
    return {"source": sections[0], "sources": list(rule.source), "organisation": organisation_name}


def _before_deadline(
    rule: ReminderRule, deadline: date, *, now: datetime, hour: int, horizon: datetime | None = None
) -> Iterator[tuple[int, datetime]]:
    """(days_before, send time) for each of the rule's reminders before `deadline` still ahead of `now`.

    Two reminders moved onto the same working day (a long holiday) go out once, as the earlier one.
    """
    assert rule.days_before is not None  # the rules loader guarantees it for deadline rules
    days_seen: set[date] = set()
    for days_before in rule.days_before:
        day = workday_on_or_before(deadline - timedelta(days=days_before))
        due = send_time(day, hour)
        if due <= now or day in days_seen or (horizon is not None and due > horizon):
            continue
        days_seen.add(day)
        yield days_before, due


def _recurring(rule: ReminderRule, start: date, *, now: datetime, hour: int) -> Iterator[tuple[date, datetime]]:
    """(occurrence, send time) of the rule's recurrence from `start`, for occurrences whose send time is after
    `now`, in order and without end (the caller stops)."""
    assert rule.rrule is not None  # the rules loader guarantees it for recurring rules
    today = local_date(now)
    # An occurrence before today is sent before today (a move only goes earlier): start looking at today, from
    # a start near it with the same occurrences (not week by week from a start decades ago).
    recurrence = parse_rrule(rule.rrule, recent_start(rule.rrule, start, today))
    moment = datetime.combine(max(start, today), datetime.min.time())
    # One pass over the occurrences (each `after` call would walk them again from the start).
    for following in islice(recurrence.xafter(moment, inc=True), _MAX_OCCURRENCES_SCANNED):
        occurrence = following.date()
        due = send_time(workday_on_or_before(occurrence), hour)
        if due > now:
            yield occurrence, due


def plan_for_application(
    application_id: int,
    data: ApplicationData,
    *,
    registered_by_user_id: int | None,
    contact_user_id: int | None,
    reference: str,
    organisation_name: str,
    information_item_required: bool,
    information_item_id: int | None,
    now: datetime,
    hour: int,
) -> list[ReminderSpec]:
    """An application's reminders (4.1): before its call deadline, and for its informationsärende.

    Deadline reminders go to the contact person when they are a Lotsen user, else to whoever registered the
    application. Informationsärende reminders go to whoever registered it (to the contact person when that is
    not known); they start on the planned submission date (else the call deadline, else today) and repeat
    weekly; those within the rule's plan_ahead_days are planned, and always at least the next one, so that
    there is one to come whatever the date. Pass `call_deadline=None` in `data` for an application that is
    no longer a draft.
    """
    _require_aware(now)
    specs: list[ReminderSpec] = []

    def about_application(rule: ReminderRule) -> dict[str, Any]:
        """What both kinds of card show of the application."""
        return {**_common_details(rule, organisation_name), "application_id": application_id,
                "reference": reference, "project_name": data.project_name}

    deadline_rule = get_rule(ReminderKind.APPLICATION_DEADLINE)
    deadline_recipient = contact_user_id if contact_user_id is not None else registered_by_user_id
    deadline = data.call_deadline
    if deadline is not None and deadline_recipient is not None:
        for days_before, due in _before_deadline(deadline_rule, deadline, now=now, hour=hour):
            specs.append(
                ReminderSpec(
                    kind=ReminderKind.APPLICATION_DEADLINE.value,
                    subject_type=ReminderSubjectType.APPLICATION.value,
                    subject_id=application_id,
                    due_at=due,
                    idempotency_key=f"application_deadline:{application_id}:{deadline.isoformat()}:{days_before}",
                    details={
                        **about_application(deadline_rule),
                        "deadline": deadline.isoformat(),
                        "days_before": days_before,
                    },
                    recipient_user_id=deadline_recipient,
                    cycle=deadline.isoformat(),
                )
            )

    item_rule = get_rule(ReminderKind.INFORMATION_ITEM)
    item_recipient = registered_by_user_id if registered_by_user_id is not None else contact_user_id
    if information_item_required and information_item_id is not None and item_recipient is not None:
        start = data.planned_submission_date or data.call_deadline or local_date(now)
        assert item_rule.plan_ahead_days is not None
        horizon = now + timedelta(days=item_rule.plan_ahead_days)
        for occurrence, due in _recurring(item_rule, start, now=now, hour=hour):
            if due > horizon and any(spec.kind == ReminderKind.INFORMATION_ITEM for spec in specs):
                break
            specs.append(
                ReminderSpec(
                    kind=ReminderKind.INFORMATION_ITEM.value,
                    subject_type=ReminderSubjectType.INFORMATION_ITEM.value,
                    subject_id=information_item_id,
                    due_at=due,
                    idempotency_key=f"information_item:{information_item_id}:{occurrence.isoformat()}",
                    details={
                        **about_application(item_rule),
                        "planned_submission_date": (
                            data.planned_submission_date.isoformat() if data.planned_submission_date else None
                        ),
                        "occurrence": occurrence.isoformat(),
                    },
                    recipient_user_id=item_recipient,
                )
            )
    return specs


def annual_report_deadline(year: int, deadline_mmdd: str) -> date:
    """The annual report's deadline in `year` from "MM-DD"; a day the month lacks (02-29 in most years, 04-31)
    becomes the month's last day."""
    match = _MMDD.fullmatch(deadline_mmdd)
    if match is None:
        raise ValueError(f"The annual report deadline must be MM-DD, not {deadline_mmdd!r}")
    month, day = int(match["month"]), int(match["day"])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise ValueError(f"The annual report deadline must be MM-DD, not {deadline_mmdd!r}")
    return date(year, month, min(day, month_calendar.monthrange(year, month)[1]))


def annual_report_year(today: date, deadline_mmdd: str) -> int:
    """The year of the next annual report deadline on or after `today`."""
    return today.year if annual_report_deadline(today.year, deadline_mmdd) >= today else today.year + 1


def annual_report_details(
    rule: ReminderRule, organisation_id: int, organisation_name: str, deadline: date, days_before: int,
    *, voluntary_section: str | None = None,
) -> dict[str, Any]:
    """What an annual report reminder's card shows, planned or asked for by KS ("year" is the deadline's).

    `voluntary_section`: the reminder is about a voluntary report (a bolag's), and the card cites that section
    (3.4) instead of the duty's; the details then say "voluntary": True."""
    details: dict[str, Any] = {
        **_common_details(rule, organisation_name),
        "organisation_id": organisation_id,
        "deadline": deadline.isoformat(),
        "days_before": days_before,
        "year": deadline.year,
    }
    if voluntary_section is not None:
        details.update(source=voluntary_section, voluntary=True)
    return details


def annual_report_spec(
    rule: ReminderRule, organisation_id: int, organisation_name: str, user_id: int, deadline: date,
    days_before: int, *, due_at: datetime, idempotency_key: str, voluntary_section: str | None = None,
    extra_details: Mapping[str, Any] | None = None,
) -> ReminderSpec:
    """One annual report reminder to `user_id` about the organisation's report due on `deadline`, planned or
    asked for by KS (`reminders.on_request`): its round (cycle) is the deadline, so "Klart" on one ends them all.
    `details` are `annual_report_details`, with `extra_details` added."""
    return ReminderSpec(
        kind=ReminderKind.ANNUAL_REPORT.value,
        subject_type=ReminderSubjectType.ORGANISATION.value,
        subject_id=organisation_id,
        due_at=due_at,
        idempotency_key=idempotency_key,
        details={
            **annual_report_details(rule, organisation_id, organisation_name, deadline, days_before,
                                    voluntary_section=voluntary_section),
            **(extra_details or {}),
        },
        recipient_user_id=user_id,
        cycle=deadline.isoformat(),
    )


def plan_annual_report(
    organisations: list[tuple[int, str]],
    contact_users: dict[int, list[int]],
    *,
    year: int,
    deadline_mmdd: str,
    now: datetime,
    hour: int,
    voluntary: Mapping[int, str] | None = None,
) -> list[ReminderSpec]:
    """The annual report reminders (3.3, 4) for `year`'s deadline, to each contact person of each organisation.

    Only those due within the rule's plan_ahead_days of `now` (contact persons change; the hourly planning
    reaches the later ones in time). `voluntary` maps the organisations reminded of a voluntary report (a
    bolag's open one, 3.4) to the section their cards cite; see `annual_report_details`.
    """
    _require_aware(now)
    rule = get_rule(ReminderKind.ANNUAL_REPORT)
    deadline = annual_report_deadline(year, deadline_mmdd)
    assert rule.plan_ahead_days is not None
    horizon = now + timedelta(days=rule.plan_ahead_days)
    due_times = list(_before_deadline(rule, deadline, now=now, hour=hour, horizon=horizon))
    specs: list[ReminderSpec] = []
    for organisation_id, organisation_name in organisations:
        for user_id in contact_users.get(organisation_id, []):
            for days_before, due in due_times:
                specs.append(
                    annual_report_spec(
                        rule, organisation_id, organisation_name, user_id, deadline, days_before, due_at=due,
                        idempotency_key=(
                            f"annual_report:{organisation_id}:{deadline.isoformat()}:{days_before}:{user_id}"
                        ),
                        voluntary_section=(voluntary or {}).get(organisation_id),
                    )
                )
    return specs


def plan_missing_contact_person(
    organisations_without_contact: list[tuple[int, str]],
    coordinator_user_ids: list[int],
    *,
    now: datetime,
    hour: int,
) -> list[ReminderSpec]:
    """To each KS coordinator, one reminder per organisation without a contact person (3.3), for the rule's
    next occurrence only (whether the organisation still lacks one is asked again before each). The caller
    passes only organisations that must appoint one (`storage.contact_persons.organisations_without_contact_person`):
    a bolag may appoint a representative (3.4), and is not reminded about."""
    _require_aware(now)
    if not organisations_without_contact or not coordinator_user_ids:
        return []
    rule = get_rule(ReminderKind.MISSING_CONTACT_PERSON)
    assert rule.anchor is not None  # the rules loader guarantees a start for recurring rules
    upcoming = next(_recurring(rule, rule.anchor, now=now, hour=hour), None)
    if upcoming is None:
        return []
    occurrence, due = upcoming
    return [
        ReminderSpec(
            kind=ReminderKind.MISSING_CONTACT_PERSON.value,
            subject_type=ReminderSubjectType.ORGANISATION.value,
            subject_id=organisation_id,
            due_at=due,
            idempotency_key=f"missing_contact_person:{organisation_id}:{occurrence.isoformat()}:{user_id}",
            details={
                **_common_details(rule, organisation_name),
                "organisation_id": organisation_id,
                "occurrence": occurrence.isoformat(),
            },
            recipient_user_id=user_id,
            cycle=occurrence.isoformat(),
        )
        for organisation_id, organisation_name in organisations_without_contact
        for user_id in coordinator_user_ids
    ]


# Applications planned at a time: each chunk is read in a short session of its own (or, in the caller's session,
# with other tasks let in between), so that a planner run never holds the event loop or a write lock for long.
CHUNK = 25


async def _organisation_specs(session: AsyncSession, *, now: datetime, deadline_mmdd: str, hour: int
                              ) -> list[ReminderSpec]:
    """The reminders about organisations: annual reports to their contact persons, missing contact persons to
    the KS coordinators."""
    deadline_year = annual_report_year(local_date(now), deadline_mmdd)
    reminded = await organisations_reminded_of_report(session, deadline_year - 1)
    contacts = await contact_person_ids_by_organisation(session)
    specs = plan_annual_report(
        [(organisation.id, organisation.name) for organisation, _ in reminded],
        contacts,
        year=deadline_year,
        deadline_mmdd=deadline_mmdd,
        now=now,
        hour=hour,
        voluntary={organisation.id: duties_of(organisation.kind).annual_report.section
                   for organisation, voluntary in reminded if voluntary},
    )
    # "Missing" follows the registry (a named contact who does not use Lotsen is still a contact), not who
    # can be reached: an organisation with a name but nobody reachable gets no missing-contact reminder.
    specs += plan_missing_contact_person(
        [(organisation.id, organisation.name) for organisation in await organisations_without_contact_person(session)],
        await ks_coordinator_ids(session),
        now=now,
        hour=hour,
    )
    return specs


async def _application_specs(session: AsyncSession, ids: Sequence[int], *, now: datetime, hour: int
                             ) -> list[ReminderSpec]:
    """The reminders of the applications `ids` (of `application_ids_to_remind`) from `now` on."""
    applications = await applications_to_remind(session, today=local_date(now), ids=ids)
    users_by_teams_id = await user_ids_by_teams_id(
        session, [application.contact_teams_user_id or "" for application in applications]
    )
    specs: list[ReminderSpec] = []
    for application in applications:
        data = application_data(application)
        if application.status != ApplicationStatus.DRAFT:
            data = data.model_copy(update={"call_deadline": None})
        item = application.information_item
        specs += plan_for_application(
            application.id,
            data,
            registered_by_user_id=application.created_by_user_id,
            contact_user_id=users_by_teams_id.get(application.contact_teams_user_id or ""),
            reference=application_reference(application),
            organisation_name=application.organisation.name,
            information_item_required=item is not None and item.status == InformationItemStatus.TO_SEND,
            information_item_id=item.id if item is not None else None,
            now=now,
            hour=hour,
        )
    return specs


async def _still_to_schedule(session: AsyncSession, specs: list[ReminderSpec]) -> list[ReminderSpec]:
    """The specs not stored yet and of no round somebody marked done; read for these subjects and keys only."""
    if not specs:
        return []
    finished = await done_cycles(session, {spec.kind for spec in specs},
                                 {(spec.subject_type, spec.subject_id) for spec in specs})
    specs = [spec for spec in specs if (spec.subject_type, spec.subject_id, spec.kind, spec.cycle) not in finished]
    stored = await scheduled_keys(session, [spec.idempotency_key for spec in specs])
    return [spec for spec in specs if spec.idempotency_key not in stored]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


async def ensure_recurring_reminders(session: AsyncSession, *, now: datetime, deadline_mmdd: str, hour: int) -> int:
    """Plans what the rules ask for as of `now` and schedules it idempotently, in the caller's transaction;
    returns how many are new.

    - annual report reminders for the next deadline, to the contact persons of each active organisation that
      must report (a nämnd), and of each that need not (a bolag, 3.4) only while its voluntary report of that
      year is open (`storage.annual_reports.organisations_reminded_of_report`);
    - missing-contact-person reminders for the next occurrence, to the KS coordinators, about the
      organisations that must appoint a contact person and have none (nämnder, 3.3);
    - application reminders: deadlines of drafts, and the next weeks of each informationsärende still to do
      (so the weekly reminders go on for as long as it is not sent, and applications registered before
      reminders existed are covered too).
    It cancels reminders whose duty the data shows fulfilled (`storage.reminders.cancel_resolved`), and it
    never plans again a round somebody marked done. Safe to run from several instances at once.

    Only what can be due from `now` on is computed, for the applications that may still be reminded of, a
    chunk at a time with other tasks let in between; the writes come last, together, so that on SQLite the
    write lock is held only for them. For the hourly scheduler, `plan_recurring_reminders` (given the session
    factory) also ends the transaction between chunks, and writes nothing when nothing is new.
    """
    _require_aware(now)
    today = local_date(now)
    await asyncio.to_thread(prepare_years, today.year, today.year + 1)  # see plan_recurring_reminders
    new = await _still_to_schedule(session, await _organisation_specs(session, now=now, deadline_mmdd=deadline_mmdd,
                                                                       hour=hour))
    for ids in _chunks(await application_ids_to_remind(session, today=today), CHUNK):
        await asyncio.sleep(0)  # let turns run between chunks
        new += await _still_to_schedule(session, await _application_specs(session, ids, now=now, hour=hour))
    await cancel_resolved(session)
    return await schedule_many(session, new)


async def plan_recurring_reminders(
    session_factory: async_sessionmaker[AsyncSession], *, now: datetime, deadline_mmdd: str, hour: int,
    chunk: int = CHUNK,
) -> int:
    """`ensure_recurring_reminders` in short transactions of its own: what is resolved is cancelled first; then
    each chunk of `chunk` applications is read in a session that is closed before the next, and only what is
    new is written, in a transaction of its own (none when nothing is). Between chunks other tasks run, so a
    planner run over decades of applications costs turns little, and no transaction waits behind it for long.
    Returns how many reminders are new."""
    _require_aware(now)
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk!r}")
    # The working calendar of the years planned into, computed off the loop (the first costs a quarter second).
    today = local_date(now)
    await asyncio.to_thread(prepare_years, today.year, today.year + 1)
    async with session_factory.begin() as session:
        await cancel_resolved(session)
    async with session_factory() as session:
        new = await _still_to_schedule(session, await _organisation_specs(
            session, now=now, deadline_mmdd=deadline_mmdd, hour=hour))
        ids = await application_ids_to_remind(session, today=today)
    planned = await _schedule(session_factory, new)
    for chunk_ids in _chunks(ids, chunk):
        await asyncio.sleep(0)  # let turns run between chunks
        async with session_factory() as session:
            new = await _still_to_schedule(session, await _application_specs(session, chunk_ids, now=now, hour=hour))
        planned += await _schedule(session_factory, new)
    return planned


async def _schedule(session_factory: async_sessionmaker[AsyncSession], specs: list[ReminderSpec]) -> int:
    if not specs:
        return 0
    async with session_factory.begin() as session:
        return await schedule_many(session, specs)
