"""reminders/on_request.py: the reminders KS förvaltning asks for ("Påminn alla"), their keys and details, and
that scheduling them twice on one day in Malmö adds nothing (both backends)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.card_text import render_attachment
from dialogs.reminders.reminder_cards import reminder_card, reminder_subject
from reminders.on_request import plan_reminders_on_request, request_day
from storage.models import Reminder, ReminderKind, ReminderState, Role
from storage.organisations import get_organisation
from storage.reminders import schedule_many
from tests.support.people import make_user

# 3 February 2026 at 09:15:40 in Malmö (08:15:40 UTC): the reports for 2025 are due on 31 March 2026.
REQUESTED_AT = datetime(2026, 2, 3, 8, 15, 40, tzinfo=timezone.utc)
ORGANISATIONS = [(1, "Fritidsnämnden"), (2, "Miljönämnden"), (3, "Kulturnämnden")]
CONTACTS = {1: [11, 12], 2: [21]}


def _plan(requested_at: datetime = REQUESTED_AT, organisations=ORGANISATIONS, contacts=CONTACTS, year: int = 2025):
    return plan_reminders_on_request(organisations, contacts, report_year=year, deadline_mmdd="03-31",
                                     requested_at=requested_at, requested_by_user_id=99)


def test_one_reminder_due_now_to_each_contact_person_and_the_organisations_without_one_named():
    plan = _plan()
    assert [(spec.subject_id, spec.recipient_user_id) for spec in plan.specs] == [(1, 11), (1, 12), (2, 21)]
    assert plan.reminded == [(1, "Fritidsnämnden"), (2, "Miljönämnden")]
    assert plan.without_contact == [(3, "Kulturnämnden")]
    assert plan.people == 3
    for spec in plan.specs:
        assert spec.kind == "annual_report"
        assert spec.subject_type == "organisation"
        assert spec.due_at == REQUESTED_AT
        assert spec.cycle == "2026-03-31"  # the planner's cycle: "Klart" ends the round, whoever planned it


def test_the_details_are_the_planners_so_the_reminder_card_renders_them():
    spec = _plan().specs[2]
    assert spec.details == {
        "source": "3.3",
        "sources": ["3.3", "4", "configuration"],
        "organisation": "Miljönämnden",
        "organisation_id": 2,
        "deadline": "2026-03-31",
        "days_before": 56,
        "year": 2026,
        "report_year": 2025,
        "on_request": True,
        "requested_by_user_id": 99,
    }
    reminder = Reminder(id=7, kind=spec.kind, subject_type=spec.subject_type, subject_id=spec.subject_id,
                        recipient_user_id=spec.recipient_user_id, due_at=spec.due_at, details=spec.details,
                        state=ReminderState.PENDING, idempotency_key=spec.idempotency_key, cycle=spec.cycle)
    rendered = render_attachment("application/vnd.microsoft.card.adaptive",
                                 reminder_card(reminder, "sv", date(2026, 2, 3)))
    shown = "\n".join(rendered.lines)
    assert "Årlig redovisning av det internationella arbetet: Miljönämnden" in shown
    assert "31\u00a0mars\u00a02026, om 56 dagar" in shown
    assert reminder_subject(reminder, "sv") == "årsredovisningen för Miljönämnden"


def test_a_bolags_voluntary_report_is_reminded_of_as_voluntary_citing_3_4():
    plan = plan_reminders_on_request([(2, "Miljönämnden"), (5, "MKB Fastighets AB")], {2: [21], 5: [51]},
                                     report_year=2025, deadline_mmdd="03-31", requested_at=REQUESTED_AT,
                                     requested_by_user_id=99, voluntary={5: "3.4"})
    namnd, bolag = plan.specs
    assert "voluntary" not in namnd.details and namnd.details["source"] == "3.3"
    assert (bolag.details["voluntary"], bolag.details["source"], bolag.details["report_year"]) == (True, "3.4", 2025)
    for lang, expected in (("sv", ("Frivillig redovisning av det internationella arbetet: MKB Fastighets AB",
                                   "Helägda bolag har ingen skyldighet att redovisa enligt policyn",
                                   "skicka in den senast 31\u00a0mars\u00a02026, om 56 dagar",
                                   "Källa: § 3.4 Helägda bolag")),
                           ("en", ("Voluntary report of the international work: MKB Fastighets AB",
                                   "wholly owned companies have no duty to report", "Source: § 3.4"))):
        reminder = Reminder(id=8, kind=bolag.kind, subject_type=bolag.subject_type, subject_id=bolag.subject_id,
                            recipient_user_id=bolag.recipient_user_id, due_at=bolag.due_at, details=bolag.details,
                            state=ReminderState.PENDING, idempotency_key=bolag.idempotency_key, cycle=bolag.cycle)
        shown = "\n".join(render_attachment("application/vnd.microsoft.card.adaptive",
                                            reminder_card(reminder, lang, date(2026, 2, 3))).lines)
        for words in expected:
            assert words in shown, (lang, words)
        assert "Nämnden ska varje år" not in shown and "committee reports" not in shown


def test_the_key_names_year_organisation_user_and_the_day_in_malmo():
    keys = [spec.idempotency_key for spec in _plan().specs]
    assert keys == [
        "annual_report_on_request:2025:1:11:2026-02-03",
        "annual_report_on_request:2025:1:12:2026-02-03",
        "annual_report_on_request:2025:2:21:2026-02-03",
    ]
    # All day long the keys are the same; the next day, or another year, they differ.
    assert [s.idempotency_key for s in _plan(REQUESTED_AT + timedelta(seconds=15)).specs] == keys
    assert [s.idempotency_key for s in _plan(REQUESTED_AT + timedelta(hours=8)).specs] == keys
    assert not set(keys) & {s.idempotency_key for s in _plan(REQUESTED_AT + timedelta(days=1)).specs}
    assert not set(keys) & {s.idempotency_key for s in _plan(year=2024).specs}


def test_a_double_press_across_a_minute_boundary_plans_the_same_keys():
    # 10:42:59 and 10:43:01 in Malmö (summer time): the reviewer's case, which a key to the minute let through.
    first = datetime(2026, 6, 3, 8, 42, 59, tzinfo=timezone.utc)
    second = first + timedelta(seconds=2)
    assert [s.idempotency_key for s in _plan(first).specs] == [s.idempotency_key for s in _plan(second).specs]


def test_the_day_is_malmos_not_utcs():
    # 23:59 and 00:01 in Malmö (22:59 and 23:01 UTC in winter): two days here, one in UTC.
    late = datetime(2026, 2, 3, 22, 59, tzinfo=timezone.utc)
    assert request_day(late) == "2026-02-03"
    assert request_day(late + timedelta(minutes=2)) == "2026-02-04"
    # 00:30 in Malmö in summer is 22:30 UTC the day before.
    assert request_day(datetime(2026, 6, 2, 22, 30, tzinfo=timezone.utc)) == "2026-06-03"


def test_a_contact_person_named_twice_gets_one_reminder_and_nobody_to_remind_is_an_empty_plan():
    plan = _plan(contacts={1: [11, 11]})
    assert [spec.recipient_user_id for spec in plan.specs] == [11]
    empty = _plan(organisations=[], contacts={})
    assert empty.specs == [] and empty.reminded == [] and empty.without_contact == [] and empty.people == 0


def test_the_request_time_must_say_its_time_zone():
    assert request_day(datetime(2026, 2, 3, 9, 15, tzinfo=timezone(timedelta(hours=1)))) == "2026-02-03"
    with pytest.raises(ValueError):
        request_day(datetime(2026, 2, 3, 8, 15))
    with pytest.raises(ValueError):
        _plan(requested_at=datetime(2026, 2, 3, 8, 15))


async def test_a_second_press_the_same_day_schedules_nothing_twice(session_factory):
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        anna = await make_user(session, "29:anna", "Anna Andersson", environment, Role.CONTACT_PERSON)
        organisations = [(environment.id, environment.name)]
        contacts = {environment.id: [anna.id]}
        first = plan_reminders_on_request(organisations, contacts, report_year=2025, deadline_mmdd="03-31",
                                          requested_at=REQUESTED_AT, requested_by_user_id=None)
        assert await schedule_many(session, first.specs) == 1
    async with session_factory.begin() as session:
        for later_that_day in (timedelta(seconds=19), timedelta(minutes=2), timedelta(hours=9)):
            again = plan_reminders_on_request(organisations, contacts, report_year=2025, deadline_mmdd="03-31",
                                              requested_at=REQUESTED_AT + later_that_day, requested_by_user_id=None)
            assert await schedule_many(session, again.specs) == 0
        tomorrow = plan_reminders_on_request(organisations, contacts, report_year=2025, deadline_mmdd="03-31",
                                             requested_at=REQUESTED_AT + timedelta(days=1), requested_by_user_id=None)
        assert await schedule_many(session, tomorrow.specs) == 1
    async with session_factory() as session:
        reminders = (await session.scalars(select(Reminder).order_by(Reminder.id))).all()
    assert [(r.kind, r.recipient_user_id, r.state) for r in reminders] == [
        (ReminderKind.ANNUAL_REPORT, anna.id, ReminderState.PENDING)] * 2
    assert reminders[0].due_at == REQUESTED_AT
