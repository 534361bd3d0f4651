"""What the scheduler no longer sends, on both databases, through the real Teams path with a clock moved by hand:
a reminder whose deadline has passed, and all but the latest of a pile that fell due while Lotsen was down.
Both are cancelled with the reason, so that no list shows them as still to come or as sent. And what it
still sends: reminders meant for after a deadline, and a card twice when an instance died after posting it
(the guarantee is at least once)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.reminder_delivery import TeamsReminderDeliverer
from reminders.on_request import plan_reminders_on_request
from reminders.relevance import deadline_of, pile_of
from settings import Settings
from storage.models import Reminder, ReminderState, Role
from storage.organisations import get_organisation
from storage.reminders import (
    SkipReason,
    claim_due,
    get_reminder,
    list_upcoming_for_user,
    mark_sent,
    schedule,
    skip_of,
    snooze,
)
from tests.support.reminder_setup import (
    Clock,
    add_user,
    deadline_spec,
    information_item_spec,
    malmo,
    organisation_spec,
    reminder_ids_received,
    teams_scheduler,
)


async def _schedule(session_factory, *specs) -> list[int]:
    async with session_factory.begin() as session:
        for spec in specs:
            assert await schedule(session, spec)
    async with session_factory() as session:
        keys = [spec.idempotency_key for spec in specs]
        ids = dict((await session.execute(
            select(Reminder.idempotency_key, Reminder.id).where(Reminder.idempotency_key.in_(keys)))).all())
    return [ids[key] for key in keys]


async def _outcome(session_factory, reminder_id: int) -> tuple[ReminderState, tuple | None, int]:
    """State, why it was skipped (reason, sent instead), and attempts."""
    async with session_factory() as session:
        reminder = await get_reminder(session, reminder_id)
    assert reminder is not None
    return reminder.state, skip_of(reminder), reminder.attempts


def _bodies(standin) -> list[str]:
    return [card["body"][1]["text"] for card in standin.cards()]


# --- A deadline that has passed --------------------------------------------------------------------------------


async def test_a_deadline_reminder_picked_up_after_its_deadline_is_cancelled_not_sent(session_factory, connector):
    """Down from 28 February to the morning after the call deadline (15 March): the 14-, 7- and 2-day reminders
    would each say "the deadline is 15 March, it has already passed … before the application is submitted".
    None goes; each says why. Another application's deadline is that very day: its reminder still goes."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    passed = await _schedule(session_factory, *[
        deadline_spec(user_id=anna.id, due_at=malmo(due), days_before=days)
        for due, days in (("2027-03-01 09:00", 14), ("2027-03-08 09:00", 7), ("2027-03-12 09:00", 2))
    ])
    [today] = await _schedule(session_factory, deadline_spec(
        user_id=anna.id, application_id=8, due_at=malmo("2027-03-15 09:00"), deadline="2027-03-16",
        project="Blå gårdar", reference="EU-2027-0008", days_before=1))

    clock = Clock(malmo("2027-03-16 10:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.deadline_passed, stats.superseded) == (1, 3, 0)
        assert (await scheduler.run_due()).anything is False  # cancelled for good: not tried again

    assert reminder_ids_received(standin.cards()) == {today: 1}
    assert "Sista ansökningsdag för Blå gårdar (EU-2027-0008) är 16\u00a0mars\u00a02027, i dag." in _bodies(standin)[0]
    for reminder_id in passed:
        assert await _outcome(session_factory, reminder_id) == (
            ReminderState.CANCELLED, (SkipReason.DEADLINE_PASSED, None), 0)
    async with session_factory() as session:  # and "mina påminnelser" no longer lists them
        assert await list_upcoming_for_user(session, anna.id, now=clock.now) == []


async def test_a_reminder_snoozed_or_retried_past_its_deadline_is_cancelled_when_it_comes_due(
    session_factory, connector
):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-12 09:00"))  # the Friday before the call deadline, Monday 15 March
    snoozed, retried = await _schedule(
        session_factory,
        deadline_spec(user_id=anna.id, due_at=malmo("2027-03-08 09:00"), days_before=7),
        deadline_spec(user_id=anna.id, application_id=8, due_at=clock.now, days_before=2, deadline="2027-03-15"),
    )
    async with session_factory.begin() as session:  # "Påminn mig om en vecka" on the 7-day card
        await snooze(session, snoozed, user_id=anna.id, until=malmo("2027-03-19 09:00"))
    standin.fail_with = [503]
    async with teams_scheduler(session_factory, clock, backoff_base=timedelta(days=4)) as scheduler:
        assert (await scheduler.run_due()).retried == 1  # Teams answers 503: tried again in four days
        clock.set(malmo("2027-03-19 09:00"))
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.deadline_passed) == (0, 2)
    assert standin.received == []
    assert await _outcome(session_factory, snoozed) == (
        ReminderState.CANCELLED, (SkipReason.DEADLINE_PASSED, None), 0)
    assert await _outcome(session_factory, retried) == (
        ReminderState.CANCELLED, (SkipReason.DEADLINE_PASSED, None), 1)  # the failed attempt stays counted


async def test_the_annual_report_reminder_is_cancelled_after_its_deadline_but_one_ks_asked_for_goes(
    session_factory, connector
):
    """The planned reminders lead up to the deadline; "Påminn alla som inte har skickat in", pressed after it,
    is meant for after it (the report is still missing), as is the weekly informationsärende reminder."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        john = await add_user(session, "29:john", "John Smith", service_url=service_url, role=Role.CONTACT_PERSON,
                              organisation_slug="miljonamnden")
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        organisation = await get_organisation(session, "miljonamnden")
    clock = Clock(malmo("2027-04-06 09:00"))  # a week after the deadline of 31 March
    requested = plan_reminders_on_request([(organisation.id, organisation.name)], {organisation.id: [john.id]},
                                          report_year=2026, deadline_mmdd="03-31", requested_at=clock.now,
                                          requested_by_user_id=None).specs
    planned, asked, item = await _schedule(
        session_factory,
        organisation_spec("annual_report", user_id=john.id, organisation_id=organisation.id,
                          due_at=malmo("2027-03-26 09:00")),
        *requested,
        information_item_spec(user_id=anna.id, due_at=malmo("2027-04-05 09:00"), occurrence="2027-04-05"),
    )
    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
    assert (stats.delivered, stats.deadline_passed, stats.superseded) == (2, 1, 0)
    assert reminder_ids_received(standin.cards()) == {asked: 1, item: 1}
    assert await _outcome(session_factory, planned) == (
        ReminderState.CANCELLED, (SkipReason.DEADLINE_PASSED, None), 0)
    async with session_factory() as session:
        kept = [await get_reminder(session, reminder_id) for reminder_id in (asked, item)]
    assert [deadline_of(reminder) for reminder in kept] == [None, None]  # nothing to pass


# --- A pile after downtime -------------------------------------------------------------------------------------


async def test_after_downtime_only_the_latest_of_each_pile_is_sent_and_the_others_say_so(session_factory, connector):
    """Down for three weeks: three weekly "the informationsärende is still missing" for one application, two
    monthly "no contact person" for one nämnd. One card each; the older ones are cancelled as superseded,
    naming the one sent. Another application's reminder, and the same one to someone else, are other piles."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        karin = await add_user(session, "29:karin", "Karin Karlsson", service_url=service_url,
                               role=Role.KS_COORDINATOR, organisation_slug="kommunstyrelsen")
        organisation_id = (await get_organisation(session, "miljonamnden")).id
    weekly = await _schedule(session_factory, *[
        information_item_spec(user_id=anna.id, due_at=malmo(f"{day} 09:00"), occurrence=day)
        for day in ("2027-03-01", "2027-03-08", "2027-03-15")
    ])
    [other_item] = await _schedule(session_factory, information_item_spec(
        user_id=anna.id, item_id=4, application_id=8, due_at=malmo("2027-03-01 09:00")))
    monthly = await _schedule(session_factory, *[
        organisation_spec("missing_contact_person", user_id=karin.id, organisation_id=organisation_id,
                          due_at=malmo(f"{day} 09:00"), deadline=day)
        for day in ("2027-02-01", "2027-03-01")
    ])

    clock = Clock(malmo("2027-03-17 10:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.superseded, stats.deadline_passed) == (3, 3, 0)
        assert (await scheduler.run_due()).anything is False

    assert reminder_ids_received(standin.cards()) == {weekly[-1]: 1, other_item: 1, monthly[-1]: 1}
    for older in weekly[:-1]:
        assert await _outcome(session_factory, older) == (
            ReminderState.CANCELLED, (SkipReason.SUPERSEDED, weekly[-1]), 0)
    assert await _outcome(session_factory, monthly[0]) == (
        ReminderState.CANCELLED, (SkipReason.SUPERSEDED, monthly[-1]), 0)


async def test_a_pile_split_over_batches_and_instances_still_sends_only_its_latest(session_factory, connector):
    """The latest of the pile is held by another instance (it claimed it and is sending it): this instance's
    older ones, one a batch, are superseded by it, not sent beside it."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-17 10:00"))
    [latest] = await _schedule(session_factory, information_item_spec(
        user_id=anna.id, due_at=malmo("2027-03-15 09:00"), occurrence="2027-03-15"))
    async with session_factory.begin() as session:
        [held] = await claim_due(session, now=clock.now, owner="other-instance", lease=timedelta(minutes=2), limit=5)
    assert held.id == latest
    older = await _schedule(session_factory, *[
        information_item_spec(user_id=anna.id, due_at=malmo(f"{day} 09:00"), occurrence=day)
        for day in ("2027-03-01", "2027-03-08")
    ])
    async with teams_scheduler(session_factory, clock, owner="this-instance", batch=1) as scheduler:
        stats = await scheduler.run_due()
    assert (stats.delivered, stats.superseded) == (0, 2)
    assert standin.received == []
    for reminder_id in older:
        assert (await _outcome(session_factory, reminder_id))[:2] == (
            ReminderState.CANCELLED, (SkipReason.SUPERSEDED, latest))

    async with session_factory.begin() as session:  # the other instance records its send
        assert await mark_sent(session, latest, owner="other-instance", at=clock.now)


def test_two_annual_reports_are_two_piles_and_weekly_reminders_are_one() -> None:
    def reminder(kind: str, cycle: str, **details) -> Reminder:
        return Reminder(id=1, kind=kind, subject_type="organisation", subject_id=5, recipient_user_id=2,
                        recipient_conversation_id=None, cycle=cycle, details=details)

    assert pile_of(reminder("annual_report", "2027-03-31")) != pile_of(reminder("annual_report", "2026-03-31"))
    assert pile_of(reminder("missing_contact_person", "2027-03-01")) == pile_of(
        reminder("missing_contact_person", "2027-04-01"))
    assert deadline_of(reminder("annual_report", "2027-03-31", deadline="2027-03-31")) == date(2027, 3, 31)
    assert deadline_of(reminder("annual_report", "", deadline="2027-03-31", on_request=True)) is None
    assert deadline_of(reminder("missing_contact_person", "2027-03-01")) is None


# --- The guarantee: at least once -----------------------------------------------------------------------------


async def test_an_instance_that_dies_after_posting_but_before_recording_sent_means_a_second_card(
    session_factory, connector
):
    """What the README promises, no more: Teams took the card, the instance died before "sent" was committed;
    once the lease has run out another instance sends it again. Both cards act on the one reminder."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    [reminder_id] = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
    async with session_factory.begin() as session:
        [held] = await claim_due(session, now=clock.now, owner="dies", lease=timedelta(minutes=2), limit=1)
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        deliverer = TeamsReminderDeliverer(LotsenAdapter(authentication), session_factory, "", clock=clock)
        assert (await deliverer.deliver(held)).status == "delivered"  # …and the process is killed here
    finally:
        await authentication.close()

    async with teams_scheduler(session_factory, clock, owner="survivor") as scheduler:
        assert (await scheduler.run_due()).delivered == 0  # not while the lease may still be the other's
        clock.advance(minutes=2)
        assert (await scheduler.run_due()).delivered == 1
    assert reminder_ids_received(standin.cards()) == {reminder_id: 2}
    assert (await _outcome(session_factory, reminder_id))[0] == ReminderState.SENT
