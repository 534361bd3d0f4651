"""reminders/planner.py: each rule's due times from a table of cases (tests/reminders/data/planner_cases.yaml),
who gets what, and the hourly planning against a database (both backends)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.planner import (
    annual_report_deadline,
    annual_report_year,
    ensure_recurring_reminders,
    plan_annual_report,
    plan_for_application,
    plan_missing_contact_person,
    plan_recurring_reminders,
)
from reminders.calendar import occurrences, send_time, workday_on_or_before
from reminders.rules import get_rule
from storage.annual_reports import get_or_create_draft, submit
from storage.application_data import ApplicationData, ApplicationStatus
from storage.applications import (
    Application,
    application_reference,
    create_application,
    get_application,
    mark_information_item_sent,
    set_status,
)
from storage.contact_persons import set_contact_person
from storage.models import Organisation, Reminder, ReminderKind, User
from storage.organisations import OrganisationKind, get_organisation, list_organisations
from storage.reminders import ReminderSpec, claim_due, list_reminders, mark_done, mark_sent
from storage.users import Role
from tests.support.people import make_user

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "planner_cases.yaml").read_text(encoding="utf-8")
)
Factory = async_sessionmaker[AsyncSession]


def _planned(specs: list[ReminderSpec]) -> list[tuple[str, datetime]]:
    return sorted((spec.idempotency_key, spec.due_at) for spec in specs)


def _expected(rows: list[list[str]]) -> list[tuple[str, datetime]]:
    return sorted((key, datetime.fromisoformat(due)) for key, due in rows)


@pytest.mark.parametrize("case", CASES["applications"], ids=lambda case: case["name"])
def test_application_reminders_fall_when_the_rules_say(case: dict[str, Any]) -> None:
    specs = plan_for_application(
        7,
        ApplicationData(
            project_name="Gröna tak",
            call_deadline=case.get("call_deadline"),
            planned_submission_date=case.get("planned_submission_date"),
        ),
        registered_by_user_id=1,
        contact_user_id=None,
        reference="EU-2027-0007",
        organisation_name="Miljönämnden",
        information_item_required=case.get("information_item", False),
        information_item_id=3 if case.get("information_item") else None,
        now=datetime.fromisoformat(case["now"]),
        hour=case.get("hour", 9),
    )
    assert _planned(specs) == _expected(case["expected"])
    for spec in specs:
        assert spec.due_at.utcoffset() == timedelta(0)
        assert spec.recipient_user_id == 1


@pytest.mark.parametrize("case", CASES["annual_reports"], ids=lambda case: case["name"])
def test_annual_report_reminders_fall_when_the_rules_say(case: dict[str, Any]) -> None:
    specs = plan_annual_report(
        [(1, "Miljönämnden"), (2, "Fritidsnämnden")],
        {1: [5]},
        year=case["year"],
        deadline_mmdd=case["deadline"],
        now=datetime.fromisoformat(case["now"]),
        hour=case.get("hour", 9),
    )
    assert _planned(specs) == _expected(case["expected"])


@pytest.mark.parametrize("case", CASES["missing_contact_person"], ids=lambda case: case["name"])
def test_missing_contact_person_reminders_fall_when_the_rules_say(case: dict[str, Any]) -> None:
    specs = plan_missing_contact_person(
        [(1, "Miljönämnden"), (2, "Fritidsnämnden")], [8, 9], now=datetime.fromisoformat(case["now"]), hour=9
    )
    occurrence = case["occurrence"].isoformat()
    due = datetime.fromisoformat(case["due"])
    assert _planned(specs) == sorted(
        (f"missing_contact_person:{organisation}:{occurrence}:{user}", due)
        for organisation in (1, 2)
        for user in (8, 9)
    )


def test_application_reminders_carry_what_the_message_needs() -> None:
    now = datetime(2027, 1, 10, 12, tzinfo=timezone.utc)
    data = ApplicationData(project_name="Gröna tak", call_deadline=date(2027, 3, 15),
                           planned_submission_date=date(2027, 3, 1))
    specs = plan_for_application(7, data, registered_by_user_id=1, contact_user_id=2, reference="EU-2027-0007",
                                 organisation_name="Miljönämnden", information_item_required=True,
                                 information_item_id=3, now=now, hour=9)
    deadline_spec = next(spec for spec in specs if spec.kind == "application_deadline")
    assert deadline_spec.subject_type == "application" and deadline_spec.subject_id == 7
    assert deadline_spec.recipient_user_id == 2  # the contact person, a Lotsen user
    assert deadline_spec.recipient_conversation_id is None
    assert deadline_spec.cycle == "2027-03-15"
    assert deadline_spec.details == {
        "source": "4.1", "sources": ["4.1"], "organisation": "Miljönämnden", "application_id": 7,
        "reference": "EU-2027-0007", "project_name": "Gröna tak", "deadline": "2027-03-15", "days_before": 14,
    }
    item_spec = next(spec for spec in specs if spec.kind == "information_item")
    assert item_spec.subject_type == "information_item" and item_spec.subject_id == 3
    assert item_spec.recipient_user_id == 1  # who registered it
    assert item_spec.cycle == ""
    assert item_spec.details == {
        "source": "4.1", "sources": ["4.1"], "organisation": "Miljönämnden", "application_id": 7,
        "reference": "EU-2027-0007", "project_name": "Gröna tak", "planned_submission_date": "2027-03-01",
        "occurrence": "2027-03-01",
    }


def test_application_reminders_go_to_whoever_is_known() -> None:
    now = datetime(2027, 1, 10, 12, tzinfo=timezone.utc)
    data = ApplicationData(call_deadline=date(2027, 3, 15), planned_submission_date=date(2027, 3, 1))

    def recipients(registered_by: int | None, contact: int | None) -> set[tuple[str, int | None]]:
        specs = plan_for_application(7, data, registered_by_user_id=registered_by, contact_user_id=contact,
                                     reference="EU-2027-0007", organisation_name="Miljönämnden",
                                     information_item_required=True, information_item_id=3, now=now, hour=9)
        return {(spec.kind, spec.recipient_user_id) for spec in specs}

    assert recipients(1, None) == {("application_deadline", 1), ("information_item", 1)}
    assert recipients(None, 2) == {("application_deadline", 2), ("information_item", 2)}
    assert recipients(None, None) == set()
    # No informationsärende needed, or none created: only the deadline reminders.
    specs = plan_for_application(7, data, registered_by_user_id=1, contact_user_id=None, reference="EU-2027-0007",
                                 organisation_name="M", information_item_required=False, information_item_id=None,
                                 now=now, hour=9)
    assert {spec.kind for spec in specs} == {"application_deadline"}


def test_annual_reminders_go_to_every_contact_person_and_carry_the_deadline() -> None:
    specs = plan_annual_report([(1, "Miljönämnden"), (2, "Fritidsnämnden")], {1: [5, 6], 2: [7], 3: [9]},
                               year=2027, deadline_mmdd="03-31",
                               now=datetime(2027, 2, 20, 12, tzinfo=timezone.utc), hour=9)
    assert len(specs) == 9  # 3 contact persons of listed organisations × 3 reminders; organisation 3 is not listed
    assert {spec.recipient_user_id for spec in specs} == {5, 6, 7}
    first = next(spec for spec in specs if spec.recipient_user_id == 7 and spec.details["days_before"] == 30)
    assert first.subject_type == "organisation" and first.subject_id == 2 and first.cycle == "2027-03-31"
    assert first.details == {"source": "3.3", "sources": ["3.3", "4", "configuration"],
                             "organisation": "Fritidsnämnden", "organisation_id": 2, "deadline": "2027-03-31",
                             "days_before": 30, "year": 2027}


def test_reminders_of_a_bolags_voluntary_report_say_so_and_cite_3_4() -> None:
    # A helägt bolag has no duty to report (3.4): the caller passes the section its cards cite instead of 3.3.
    specs = plan_annual_report([(1, "Miljönämnden"), (2, "MKB Fastighets AB")], {1: [5], 2: [7]},
                               year=2027, deadline_mmdd="03-31",
                               now=datetime(2027, 2, 20, 12, tzinfo=timezone.utc), hour=9, voluntary={2: "3.4"})
    assert len(specs) == 6
    bolag = next(spec for spec in specs if spec.subject_id == 2 and spec.details["days_before"] == 30)
    assert bolag.details == {"source": "3.4", "sources": ["3.3", "4", "configuration"],
                             "organisation": "MKB Fastighets AB", "organisation_id": 2, "deadline": "2027-03-31",
                             "days_before": 30, "year": 2027, "voluntary": True}
    namnd = next(spec for spec in specs if spec.subject_id == 1 and spec.details["days_before"] == 30)
    assert namnd.details["source"] == "3.3" and "voluntary" not in namnd.details


def test_no_coordinators_or_no_organisations_means_no_missing_contact_reminders() -> None:
    now = datetime(2027, 4, 20, 12, tzinfo=timezone.utc)
    assert plan_missing_contact_person([(1, "Miljönämnden")], [], now=now, hour=9) == []
    assert plan_missing_contact_person([], [8], now=now, hour=9) == []
    (spec,) = plan_missing_contact_person([(1, "Miljönämnden")], [8], now=now, hour=9)
    assert spec.details == {"source": "3.3", "sources": ["3.3"], "organisation": "Miljönämnden",
                            "organisation_id": 1, "occurrence": "2027-05-01"}
    assert spec.cycle == "2027-05-01"


def test_the_annual_deadline_and_its_year() -> None:
    assert annual_report_deadline(2027, "03-31") == date(2027, 3, 31)
    assert annual_report_deadline(2027, "02-29") == date(2027, 2, 28)
    assert annual_report_deadline(2028, "02-30") == date(2028, 2, 29)
    assert annual_report_deadline(2027, "04-31") == date(2027, 4, 30)
    for bad in ("3-31", "13-01", "00-10", "03-00", "03-32", "march"):
        with pytest.raises(ValueError):
            annual_report_deadline(2027, bad)
    assert annual_report_year(date(2027, 3, 31), "03-31") == 2027
    assert annual_report_year(date(2027, 4, 1), "03-31") == 2028
    assert annual_report_year(date(2027, 12, 20), "01-15") == 2028


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError):
        plan_missing_contact_person([(1, "M")], [8], now=datetime(2027, 4, 20, 12), hour=9)


# --- ensure_recurring_reminders, on a database ----------------------------------------------------------

NOW = datetime.fromisoformat("2027-02-20T12:00:00+01:00")
ORGANISATIONS = 23  # seeded from storage/data/organisations.yaml
# Of them the nämnder: only they must appoint a contact person (3.3), so only they are reminded about as missing
# one; the seven helägda bolag may appoint a representative (3.4) and never are.
NAMNDER = 16


@dataclass
class World:
    own: Organisation
    asa: User  # official of own; registers the application
    bo: User  # official of own; its contact person
    contact: User  # contact_person of own
    coordinators: list[User]
    application: Application



async def _world(session_factory: Factory, contact_teams_user_id: str = "29:bo") -> World:
    async with session_factory.begin() as session:
        own = await get_organisation(session, "miljonamnden")
        assert own is not None
        asa = await make_user(session, "29:asa", "Åsa Öberg", own)
        bo = await make_user(session, "29:bo", "Bo Ek", own)
        contact = await make_user(session, "29:kp", "Kim Kontakt", own, Role.CONTACT_PERSON)
        coordinators = [await make_user(session, f"29:ks{n}", f"KS {n}", None, Role.KS_COORDINATOR) for n in (1, 2)]
        application, _ = await create_application(
            session,
            data=ApplicationData(project_name="Gröna tak", call_deadline=date(2027, 3, 15),
                                 planned_submission_date=date(2027, 3, 1), contact_name="Bo Ek",
                                 contact_teams_user_id=contact_teams_user_id),
            organisation=own, created_by=asa, submission_key="card-1", eur_sek_rate=None,
            information_item_required=True, information_item_draft=None,
        )
    return World(own, asa, bo, contact, coordinators, application)


Planner = Callable[[Factory, datetime], Awaitable[int]]


async def _in_the_callers_transaction(session_factory: Factory, now: datetime) -> int:
    async with session_factory.begin() as session:
        return await ensure_recurring_reminders(session, now=now, deadline_mmdd="03-31", hour=9)


async def _in_chunks_of_its_own(session_factory: Factory, now: datetime) -> int:
    # A chunk of one application: every application is read and written on its own.
    return await plan_recurring_reminders(session_factory, now=now, deadline_mmdd="03-31", hour=9, chunk=1)


@pytest.fixture(params=[_in_the_callers_transaction, _in_chunks_of_its_own], ids=["session", "chunked"])
def planner(request: pytest.FixtureRequest) -> Planner:
    """Both ways in plan the same reminders: every test on a database runs through each."""
    return request.param  # type: ignore[no-any-return]


async def _ensure(planner: Planner, session_factory: Factory, now: datetime = NOW) -> int:
    return await planner(session_factory, now)


async def _by_kind(session_factory: Factory, states: tuple[str, ...] = ("pending",)) -> dict[str, list[Reminder]]:
    async with session_factory() as session:
        reminders = await list_reminders(session, states=list(states), limit=10_000)
    grouped: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        grouped.setdefault(reminder.kind.value, []).append(reminder)
    return grouped


async def test_ensure_plans_every_rule_once(session_factory: Factory, planner: Planner) -> None:
    world = await _world(session_factory)
    assert await _ensure(planner, session_factory) == 3 + (NAMNDER - 1) * 2 + 3 + 7
    assert await _ensure(planner, session_factory) == 0  # the hourly run again: nothing new

    planned = await _by_kind(session_factory)
    assert {reminder.recipient_user_id for reminder in planned["annual_report"]} == {world.contact.id}
    assert sorted(reminder.details["days_before"] for reminder in planned["annual_report"]) == [3, 14, 30]
    missing = planned["missing_contact_person"]
    assert {reminder.recipient_user_id for reminder in missing} == {user.id for user in world.coordinators}
    assert world.own.id not in {reminder.subject_id for reminder in missing}  # it has a contact person
    assert {reminder.due_at for reminder in missing} == {datetime.fromisoformat("2027-03-01T09:00:00+01:00")}
    deadlines = planned["application_deadline"]
    assert {reminder.recipient_user_id for reminder in deadlines} == {world.bo.id}  # the contact person
    assert {reminder.details["reference"] for reminder in deadlines} == {application_reference(world.application)}
    items = planned["information_item"]
    assert {reminder.recipient_user_id for reminder in items} == {world.asa.id}  # who registered it
    assert [reminder.details["occurrence"] for reminder in items] == [
        "2027-03-01", "2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29", "2027-04-05", "2027-04-12"
    ]

    # Ten days on: next month's missing-contact reminders and two more weeks of the informationsärende.
    assert await _ensure(planner, session_factory, NOW + timedelta(days=10)) == (NAMNDER - 1) * 2 + 2


async def test_ensure_cancels_what_got_done_and_plans_no_more_of_it(session_factory: Factory, planner: Planner) -> None:
    world = await _world(session_factory)
    await _ensure(planner, session_factory)
    async with session_factory.begin() as session:
        application = await get_application(session, world.application.id, world.asa)
        await set_status(session, application, ApplicationStatus.SUBMITTED, world.asa)
        await mark_information_item_sent(session, application, world.asa, date(2027, 2, 21))
        other = await get_organisation(session, "fritidsnamnden")
        assert other is not None
        await make_user(session, "29:kp2", "Kia Kontakt", other, Role.CONTACT_PERSON)

    # The new contact person's annual reports.
    assert await _ensure(planner, session_factory, NOW + timedelta(days=1)) == 3
    pending = await _by_kind(session_factory)
    assert "application_deadline" not in pending
    assert "information_item" not in pending
    assert other.id not in {reminder.subject_id for reminder in pending["missing_contact_person"]}
    assert len(pending["missing_contact_person"]) == (NAMNDER - 2) * 2
    cancelled = await _by_kind(session_factory, ("cancelled",))
    assert len(cancelled["application_deadline"]) == 3
    assert len(cancelled["information_item"]) == 7
    assert len(cancelled["missing_contact_person"]) == 2


async def test_klart_on_a_weekly_reminder_ends_the_weekly_reminders(session_factory: Factory, planner: Planner) -> None:
    world = await _world(session_factory)
    await _ensure(planner, session_factory)
    first_item_day = datetime.fromisoformat("2027-03-01T09:00:00+01:00")
    async with session_factory.begin() as session:
        claimed = await claim_due(session, now=first_item_day, owner="a", lease=timedelta(minutes=5), limit=500)
    item_reminder = next(reminder for reminder in claimed if reminder.kind == ReminderKind.INFORMATION_ITEM)
    async with session_factory.begin() as session:
        for reminder in claimed:
            await mark_sent(session, reminder.id, owner="a", at=first_item_day)
        await mark_done(session, item_reminder.id, user_id=world.asa.id)

    # The informationsärende is still "to do" in the application, but its recipient said it is done.
    assert await _ensure(planner, session_factory, first_item_day + timedelta(weeks=4)) == (NAMNDER - 1) * 2
    assert "information_item" not in await _by_kind(session_factory)


async def test_deadline_reminders_go_to_the_registrant_when_the_contact_is_no_lotsen_user(
    session_factory: Factory, planner: Planner,
) -> None:
    world = await _world(session_factory, contact_teams_user_id="29:not-in-lotsen")
    await _ensure(planner, session_factory)
    deadlines = (await _by_kind(session_factory))["application_deadline"]
    assert {reminder.recipient_user_id for reminder in deadlines} == {world.asa.id}


async def test_an_inactive_organisation_gets_no_reminders(session_factory: Factory, planner: Planner) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        own = await session.get(Organisation, world.own.id)
        assert own is not None
        own.active = False
    assert await _ensure(planner, session_factory) == (NAMNDER - 1) * 2 + 3 + 7
    assert "annual_report" not in await _by_kind(session_factory)


async def test_several_instances_planning_at_once_plan_everything_once(
    session_factory: Factory, planner: Planner,
) -> None:
    await _world(session_factory)
    results = await asyncio.gather(*[_ensure(planner, session_factory) for _ in range(3)])
    assert sum(results) == 3 + (NAMNDER - 1) * 2 + 3 + 7
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == sum(results)


async def test_the_contact_person_registry_decides_who_is_reminded_and_who_is_missing(
    session_factory: Factory, planner: Planner,
) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        own = await session.get(Organisation, world.own.id)
        kultur = await get_organisation(session, "kulturnamnden")
        assert own is not None and kultur is not None
        await set_contact_person(session, own, "Bo Ek", world.asa)  # Bo, a Lotsen user of Miljönämnden
        await set_contact_person(session, kultur, "Extern Kontakt", None)  # named, but not in Lotsen
    await _ensure(planner, session_factory)
    await _ensure(planner, session_factory, NOW + timedelta(hours=1))  # the next hourly run tidies up

    planned = await _by_kind(session_factory)
    # Miljönämnden's annual reminders reach its registry contact and its contact_person, each once per round.
    annual = planned["annual_report"]
    assert sorted(reminder.recipient_user_id for reminder in annual) == sorted([world.bo.id, world.contact.id] * 3)
    # Kulturnämnden has a contact person: no missing-contact reminders are left, though nobody there can be reached.
    missing_subjects = {reminder.subject_id for reminder in planned["missing_contact_person"]}
    assert world.own.id not in missing_subjects and kultur.id not in missing_subjects
    assert len(planned["missing_contact_person"]) == (NAMNDER - 2) * 2


async def test_a_bolag_is_never_missing_a_contact_and_is_reminded_only_of_a_voluntary_report_it_started(
    session_factory: Factory, planner: Planner,
) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        bolag_ids = {organisation.id for organisation in await list_organisations(session, OrganisationKind.BOLAG)}
        mkb = await get_organisation(session, "mkb-fastighets-ab")
        assert mkb is not None
        mkb_official = await make_user(session, "29:mkb", "Maja Berg", mkb)
        mkb_contact = await make_user(session, "29:mkb-kp", "Mats Kontakt", mkb, Role.CONTACT_PERSON)
    # No bolag has to appoint anyone (3.4) or report (3.4, 4): none is reminded about, and MKB's contact gets
    # nothing, although the nämnder's contact persons get their annual report reminders.
    assert await _ensure(planner, session_factory) == 3 + (NAMNDER - 1) * 2 + 3 + 7
    planned = await _by_kind(session_factory)
    assert not {reminder.subject_id for reminder in planned["missing_contact_person"]} & bolag_ids
    assert {reminder.recipient_user_id for reminder in planned["annual_report"]} == {world.contact.id}

    # MKB starts a voluntary report of 2026 (due 31 March 2027): its contact person is reminded, citing 3.4.
    async with session_factory.begin() as session:
        report = await get_or_create_draft(session, mkb.id, 2026, mkb_official)
    assert await _ensure(planner, session_factory, NOW + timedelta(hours=1)) == 3
    voluntary = [reminder for reminder in (await _by_kind(session_factory))["annual_report"]
                 if reminder.subject_id == mkb.id]
    assert {reminder.recipient_user_id for reminder in voluntary} == {mkb_contact.id}
    assert sorted(reminder.details["days_before"] for reminder in voluntary) == [3, 14, 30]
    assert all(reminder.details["voluntary"] is True and reminder.details["source"] == "3.4"
               for reminder in voluntary)
    # A report of another year is no reason to remind of this deadline.
    async with session_factory.begin() as session:
        await get_or_create_draft(session, mkb.id, 2025, mkb_official)

    # Handed in: nothing is left to remind of, so the next run cancels them and plans no more.
    async with session_factory.begin() as session:
        report = await get_or_create_draft(session, mkb.id, 2026, mkb_official)
        await submit(session, report, mkb_official)
    assert await _ensure(planner, session_factory, NOW + timedelta(hours=2)) == 0
    assert {reminder.subject_id for reminder in (await _by_kind(session_factory))["annual_report"]} == {world.own.id}
    cancelled = (await _by_kind(session_factory, ("cancelled",)))["annual_report"]
    assert sorted(reminder.subject_id for reminder in cancelled) == [mkb.id] * 3


async def test_an_informationsarende_planned_decades_ago_is_reminded_of_from_today_on_its_weekday(
    session_factory: Factory, planner: Planner,
) -> None:
    """The weekly occurrences from today are those of the rule from the original start (a Tuesday), found
    without stepping through the weeks since; and only the planned window of them."""
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        old, _ = await create_application(
            session,
            data=ApplicationData(project_name="Gammalt", planned_submission_date=date(1999, 6, 1)),
            organisation=world.own, created_by=world.asa, submission_key="card-old", eur_sek_rate=None,
            information_item_required=True, information_item_draft=None,
        )
        loaded = await get_application(session, old.id, world.asa)
        await set_status(session, loaded, ApplicationStatus.SUBMITTED, world.asa)
    await _ensure(planner, session_factory)
    rule = get_rule(ReminderKind.INFORMATION_ITEM)
    assert rule.rrule is not None and rule.plan_ahead_days is not None
    horizon = NOW + timedelta(days=rule.plan_ahead_days)
    stepped = [day for day in occurrences(rule.rrule, date(1999, 6, 1), date(2027, 2, 20), 20, inclusive=True)
               if send_time(workday_on_or_before(day), 9) <= horizon]
    planned = [reminder for reminder in (await _by_kind(session_factory))["information_item"]
               if reminder.details["application_id"] == old.id]
    assert [reminder.details["occurrence"] for reminder in planned] == [day.isoformat() for day in stepped]
    assert stepped[0] == date(2027, 2, 23) and all(day.weekday() == 1 for day in stepped)  # Tuesdays from today
