"""storage/reminders.py: scheduling once, claiming with leases (also concurrently), states, pauses, access.

The clock is whatever `now` each call is given; nothing here waits for real time to pass.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.access import AccessDenied, NotFound
from storage.annual_reports import get_or_create_draft, submit
from storage.application_data import ApplicationData, ApplicationStatus
from storage.applications import create_application, get_application, mark_information_item_sent, set_status
from storage.db import create_engine, create_session_factory
from storage.models import Organisation, Reminder, ReminderKind, ReminderState, User
from storage.organisations import get_organisation
from storage.reminders import (
    ReminderSpec,
    application_ids_to_remind,
    applications_to_remind,
    cancel_for_subject,
    cancel_resolved,
    cancel_superseded,
    claim_due,
    contact_person_ids_by_organisation,
    done_cycles,
    get_reminder,
    ks_coordinator_ids,
    list_reminders,
    list_upcoming_for_user,
    mark_done,
    mark_failed,
    mark_retry,
    mark_sent,
    pause_kind,
    paused_kinds,
    resume_kind,
    schedule,
    schedule_many,
    scheduled_keys,
    snooze,
    user_ids_by_teams_id,
)
from storage.contact_persons import remove_contact_person, set_contact_person
from storage.users import Role, set_user_organisation
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=5)
KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"


@dataclass
class People:
    own: Organisation
    other: Organisation
    asa: User  # official of own
    bo: User  # official of own
    coordinator: User  # KS coordinator



async def _people(session_factory: Factory) -> People:
    async with session_factory.begin() as session:
        own = await get_organisation(session, "miljonamnden")
        other = await get_organisation(session, "fritidsnamnden")
        assert own is not None and other is not None
        return People(
            own=own,
            other=other,
            asa=await make_user(session, "29:asa", "Åsa Öberg", own),
            bo=await make_user(session, "29:bo", "Bo Ek", own),
            coordinator=await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR),
        )


def _spec(
    key: str,
    *,
    user: User | None = None,
    conversation: str | None = None,
    due: datetime = NOW,
    kind: str = "application_deadline",
    subject_type: str = "application",
    subject_id: int = 1,
    cycle: str = "",
) -> ReminderSpec:
    return ReminderSpec(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        due_at=due,
        idempotency_key=key,
        details={"deadline": "2027-03-15", "days_before": 14, "project_name": "Gröna tak", "source": "4.1"},
        recipient_user_id=user.id if user is not None else None,
        recipient_conversation_id=conversation,
        cycle=cycle,
    )


async def _schedule(session_factory: Factory, *specs: ReminderSpec) -> list[int]:
    """Schedules each (each must be new) and returns their ids, in the order given."""
    async with session_factory.begin() as session:
        for spec in specs:
            assert await schedule(session, spec)
        rows = await session.execute(select(Reminder.idempotency_key, Reminder.id))
        by_key = dict(rows.all())
    return [by_key[spec.idempotency_key] for spec in specs]


async def _claim(session_factory: Factory, now: datetime, owner: str = "instance-a", limit: int = 50) -> list[Reminder]:
    async with session_factory.begin() as session:
        return await claim_due(session, now=now, owner=owner, lease=LEASE, limit=limit)


async def _get(session_factory: Factory, reminder_id: int) -> Reminder:
    async with session_factory() as session:
        reminder = await get_reminder(session, reminder_id)
    assert reminder is not None
    return reminder


# --- scheduling -----------------------------------------------------------------------------------------


async def test_schedule_stores_a_reminder_once_per_idempotency_key(session_factory: Factory) -> None:
    people = await _people(session_factory)
    spec = _spec("application_deadline:1:2027-03-15:14", user=people.asa)
    async with session_factory.begin() as session:
        assert await schedule(session, spec) is True
        assert await schedule(session, spec) is False
    async with session_factory.begin() as session:
        # A second planner, later, with other details: still the first row, unchanged.
        assert await schedule(session, _spec("application_deadline:1:2027-03-15:14", user=people.bo)) is False

    async with session_factory() as session:
        (stored,) = await list_reminders(session)
    assert stored.kind is ReminderKind.APPLICATION_DEADLINE
    assert stored.kind == "application_deadline"
    assert stored.state is ReminderState.PENDING
    assert (stored.subject_type, stored.subject_id) == ("application", 1)
    assert stored.recipient_user_id == people.asa.id
    assert stored.recipient_user is not None and stored.recipient_user.name == "Åsa Öberg"
    assert stored.due_at == NOW and stored.due_at.utcoffset() == timedelta(0)
    assert stored.attempts == 0 and stored.last_error is None
    assert stored.lease_owner is None and stored.lease_expires_at is None
    assert stored.sent_at is None and stored.done_at is None
    assert stored.details == {"deadline": "2027-03-15", "days_before": 14, "project_name": "Gröna tak", "source": "4.1"}
    assert stored.created_at.tzinfo is not None


async def test_a_key_once_sent_is_never_scheduled_again(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k-1", user=people.asa))
    (claimed,) = await _claim(session_factory, NOW)
    async with session_factory.begin() as session:
        assert await mark_sent(session, claimed.id, owner="instance-a", at=NOW)
    async with session_factory.begin() as session:
        assert await schedule(session, _spec("k-1", user=people.asa, due=NOW + timedelta(days=1))) is False
    assert await _claim(session_factory, NOW + timedelta(days=2)) == []
    assert (await _get(session_factory, reminder_id)).state is ReminderState.SENT


async def test_schedule_many_counts_only_new_reminders(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _schedule(session_factory, _spec("k-0", user=people.asa))
    specs = [_spec(f"k-{number}", user=people.asa) for number in range(450)]
    async with session_factory.begin() as session:
        assert await schedule_many(session, specs + specs[:10]) == 449  # k-0 existed; duplicates count once
    async with session_factory.begin() as session:
        assert await schedule_many(session, specs) == 0
        assert await schedule_many(session, []) == 0
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == 450


def test_a_spec_needs_one_recipient_an_aware_time_and_a_known_kind() -> None:
    with pytest.raises(ValueError, match="exactly one recipient"):
        ReminderSpec("annual_report", "organisation", 1, NOW, "k", {})
    with pytest.raises(ValueError, match="exactly one recipient"):
        ReminderSpec("annual_report", "organisation", 1, NOW, "k", {}, recipient_user_id=1,
                     recipient_conversation_id=KS_CHANNEL)
    with pytest.raises(ValueError, match="timezone-aware"):
        ReminderSpec("annual_report", "organisation", 1, datetime(2027, 3, 1, 9), "k", {}, recipient_user_id=1)
    with pytest.raises(ValueError):
        ReminderSpec("birthday", "organisation", 1, NOW, "k", {}, recipient_user_id=1)
    with pytest.raises(ValueError):
        ReminderSpec("annual_report", "person", 1, NOW, "k", {}, recipient_user_id=1)
    with pytest.raises(ValueError, match="idempotency_key"):
        ReminderSpec("annual_report", "organisation", 1, NOW, "", {}, recipient_user_id=1)


async def test_the_database_itself_refuses_a_reminder_with_two_recipients_or_an_unknown_state(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    columns = "kind, subject_type, subject_id, due_at, idempotency_key, details, recipient_user_id, " \
              "recipient_conversation_id, state"
    for recipient_user_id, conversation, state in (
        (people.asa.id, KS_CHANNEL, "pending"),
        (None, None, "pending"),
        (people.asa.id, None, "forgotten"),
    ):
        with pytest.raises(IntegrityError):
            async with session_factory.begin() as session:
                await session.execute(
                    text(
                        f"INSERT INTO reminders ({columns}) VALUES ('annual_report', 'organisation', 1, "
                        ":due, :key, '{}', :user_id, :conversation, :state)"
                    ),
                    {"due": NOW, "key": f"raw-{state}-{conversation}", "user_id": recipient_user_id,
                     "conversation": conversation, "state": state},
                )


async def test_a_deleted_user_takes_their_reminders_and_pauses_along(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _schedule(session_factory, _spec("asa-1", user=people.asa), _spec("bo-1", user=people.bo))
    async with session_factory.begin() as session:
        await pause_kind(session, people.asa.id, "annual_report")
    async with session_factory.begin() as session:
        await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": people.asa.id})
    async with session_factory() as session:
        assert [reminder.idempotency_key for reminder in await list_reminders(session)] == ["bo-1"]
        assert await paused_kinds(session, people.asa.id) == set()


# --- claiming -------------------------------------------------------------------------------------------


async def test_only_due_reminders_are_claimed_soonest_first_with_their_recipient(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _schedule(
        session_factory,
        _spec("later", user=people.asa, due=NOW + timedelta(minutes=1)),
        _spec("due-second", user=people.bo, due=NOW),
        _spec("due-first", user=people.asa, due=NOW - timedelta(days=3)),
        _spec("channel", conversation=KS_CHANNEL, due=NOW - timedelta(hours=1)),
    )
    claimed = await _claim(session_factory, NOW)
    assert [reminder.idempotency_key for reminder in claimed] == ["due-first", "channel", "due-second"]
    assert [reminder.recipient_user.name if reminder.recipient_user else None for reminder in claimed] == [
        "Åsa Öberg", None, "Bo Ek"
    ]
    assert claimed[1].recipient_conversation_id == KS_CHANNEL
    for reminder in claimed:
        assert reminder.lease_owner == "instance-a"
        assert reminder.lease_expires_at == NOW + LEASE
        assert reminder.state is ReminderState.PENDING  # claimed is not sent

    assert [reminder.idempotency_key for reminder in await _claim(session_factory, NOW + timedelta(minutes=1))] == [
        "later"
    ]


async def test_the_limit_is_respected_and_the_rest_stays_for_the_next_claim(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _schedule(
        session_factory, *[_spec(f"k-{number:02d}", user=people.asa, due=NOW - timedelta(minutes=number))
                           for number in range(7)]
    )
    first = await _claim(session_factory, NOW, limit=3)
    assert [reminder.idempotency_key for reminder in first] == ["k-06", "k-05", "k-04"]
    second = await _claim(session_factory, NOW, owner="instance-b", limit=10)
    assert [reminder.idempotency_key for reminder in second] == ["k-03", "k-02", "k-01", "k-00"]
    assert await _claim(session_factory, NOW, limit=0) == []


async def test_a_leased_reminder_is_not_claimed_until_its_lease_runs_out(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    assert [reminder.id for reminder in await _claim(session_factory, NOW, owner="dies-mid-send")] == [reminder_id]

    assert await _claim(session_factory, NOW + LEASE - timedelta(seconds=1), owner="instance-b") == []
    # The first instance died mid-send: once its lease has run out, another takes the reminder over.
    (again,) = await _claim(session_factory, NOW + LEASE, owner="instance-b")
    assert again.id == reminder_id
    assert again.lease_owner == "instance-b"
    assert again.lease_expires_at == NOW + LEASE + LEASE

    async with session_factory.begin() as session:
        assert await mark_sent(session, reminder_id, owner="dies-mid-send", at=NOW) is False  # not its lease now
        assert await mark_sent(session, reminder_id, owner="instance-b", at=NOW + LEASE) is True
    stored = await _get(session_factory, reminder_id)
    assert (stored.state, stored.attempts, stored.sent_at) == (ReminderState.SENT, 1, NOW + LEASE)


async def test_paused_kinds_are_skipped_until_resumed(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _schedule(
        session_factory,
        _spec("asa-annual", user=people.asa, kind="annual_report", subject_type="organisation"),
        _spec("asa-deadline", user=people.asa),
        _spec("bo-annual", user=people.bo, kind="annual_report", subject_type="organisation"),
        _spec("channel-annual", conversation=KS_CHANNEL, kind="annual_report", subject_type="organisation"),
    )
    async with session_factory.begin() as session:
        assert await pause_kind(session, people.asa.id, "annual_report") is True
        assert await pause_kind(session, people.asa.id, ReminderKind.ANNUAL_REPORT) is False  # already paused
        assert await paused_kinds(session, people.asa.id) == {"annual_report"}
        assert await paused_kinds(session, people.bo.id) == set()
        with pytest.raises(ValueError):
            await pause_kind(session, people.asa.id, "everything")

    claimed = await _claim(session_factory, NOW)
    assert sorted(reminder.idempotency_key for reminder in claimed) == ["asa-deadline", "bo-annual", "channel-annual"]
    async with session_factory.begin() as session:
        for reminder in claimed:
            assert await mark_sent(session, reminder.id, owner="instance-a", at=NOW)
    assert await _claim(session_factory, NOW + timedelta(days=30), owner="instance-b") == []  # still paused

    async with session_factory.begin() as session:
        assert await resume_kind(session, people.asa.id, "annual_report", now=NOW) is True
        assert await resume_kind(session, people.asa.id, "annual_report", now=NOW) is False
        assert await paused_kinds(session, people.asa.id) == set()
    assert [reminder.idempotency_key for reminder in await _claim(session_factory, NOW, owner="instance-b")] == [
        "asa-annual"
    ]


async def test_resuming_sends_only_the_latest_of_what_fell_due_during_the_pause(session_factory: Factory) -> None:
    people = await _people(session_factory)
    weekly = [
        _spec(f"information_item:3:{week}", user=people.asa, due=NOW - timedelta(weeks=week),
              kind="information_item", subject_type="information_item", subject_id=3)
        for week in (3, 2, 1)
    ]
    other_item = _spec("information_item:4:1", user=people.asa, due=NOW - timedelta(weeks=2),
                       kind="information_item", subject_type="information_item", subject_id=4)
    future = _spec("information_item:3:next", user=people.asa, due=NOW + timedelta(weeks=1),
                   kind="information_item", subject_type="information_item", subject_id=3)
    bos = _spec("information_item:3:bo", user=people.bo, due=NOW - timedelta(weeks=2),
                kind="information_item", subject_type="information_item", subject_id=3)
    await _schedule(session_factory, *weekly, other_item, future, bos)
    async with session_factory.begin() as session:
        await pause_kind(session, people.asa.id, "information_item")
    async with session_factory.begin() as session:
        await resume_kind(session, people.asa.id, "information_item", now=NOW)
    claimed = await _claim(session_factory, NOW)
    assert sorted(reminder.idempotency_key for reminder in claimed) == [
        "information_item:3:1", "information_item:3:bo", "information_item:4:1"
    ]
    async with session_factory() as session:
        states = {reminder.idempotency_key: reminder.state for reminder in await list_reminders(session)}
    assert states["information_item:3:3"] is states["information_item:3:2"] is ReminderState.CANCELLED
    assert states["information_item:3:next"] is ReminderState.PENDING


async def test_cancel_superseded_leaves_claimed_reminders_alone(session_factory: Factory) -> None:
    people = await _people(session_factory)
    older, newer = await _schedule(
        session_factory,
        _spec("older", user=people.asa, due=NOW - timedelta(days=7)),
        _spec("newer", user=people.asa, due=NOW - timedelta(days=2)),
    )
    (claimed,) = await _claim(session_factory, NOW, limit=1)  # "older" is being sent right now
    assert claimed.id == older
    async with session_factory.begin() as session:
        assert await cancel_superseded(session, now=NOW) == 0
    assert (await _get(session_factory, older)).state is ReminderState.PENDING
    # Its sender died: once the lease has run out, the older one is superseded by the newer one.
    async with session_factory.begin() as session:
        assert await cancel_superseded(session, now=NOW + LEASE) == 1
    assert (await _get(session_factory, older)).state is ReminderState.CANCELLED
    assert (await _get(session_factory, newer)).state is ReminderState.PENDING


async def _claim_everything(factory: Factory, owner: str, now: datetime, batch: int) -> list[int]:
    """A scheduler's loop: claim a batch, commit, record it sent, until nothing is left to claim."""
    claimed_ids: list[int] = []
    while True:
        async with factory.begin() as session:
            claimed = await claim_due(session, now=now, owner=owner, lease=LEASE, limit=batch)
        if not claimed:
            return claimed_ids
        claimed_ids.extend(reminder.id for reminder in claimed)
        async with factory.begin() as session:
            for reminder in claimed:
                assert await mark_sent(session, reminder.id, owner=owner, at=now)


@pytest.mark.parametrize("claimers", [2, 4])
async def test_concurrent_claimers_on_separate_engines_take_every_reminder_exactly_once(
    session_factory: Factory, database_url: str, database_backend: str, claimers: int
) -> None:
    people = await _people(session_factory)
    total = 1000 if database_backend == "postgresql" else 300
    users = [people.asa, people.bo, people.coordinator]
    async with session_factory.begin() as session:
        assert await schedule_many(
            session,
            [
                _spec(f"k-{number}", user=users[number % 3], due=NOW - timedelta(seconds=number % 97),
                      subject_id=number)
                for number in range(total)
            ],
        ) == total

    engines: list[AsyncEngine] = [create_engine(database_url) for _ in range(claimers)]
    try:
        results = await asyncio.gather(
            *[
                _claim_everything(create_session_factory(engine), f"instance-{index}", NOW, batch=25)
                for index, engine in enumerate(engines)
            ]
        )
    finally:
        for engine in engines:
            await engine.dispose()

    every_claim = [reminder_id for result in results for reminder_id in result]
    assert len(every_claim) == total
    assert len(set(every_claim)) == total  # nobody got a reminder another claimer had
    async with session_factory() as session:
        rows = (await session.execute(select(Reminder.state, Reminder.attempts, func.count()).group_by(
            Reminder.state, Reminder.attempts))).all()
    assert [(state, attempts, count) for state, attempts, count in rows] == [(ReminderState.SENT, 1, total)]


# --- outcomes of delivery -------------------------------------------------------------------------------


async def test_mark_sent_needs_the_lease_and_happens_once(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    async with session_factory.begin() as session:
        assert await mark_sent(session, reminder_id, owner="instance-a", at=NOW) is False  # never claimed
    await _claim(session_factory, NOW)
    async with session_factory.begin() as session:
        assert await mark_sent(session, reminder_id, owner="instance-b", at=NOW) is False
        assert await mark_sent(session, 999_999, owner="instance-a", at=NOW) is False
        assert await mark_sent(session, reminder_id, owner="instance-a", at=NOW + timedelta(seconds=2)) is True
        assert await mark_sent(session, reminder_id, owner="instance-a", at=NOW + timedelta(seconds=3)) is False
    stored = await _get(session_factory, reminder_id)
    assert stored.state is ReminderState.SENT
    assert stored.sent_at == NOW + timedelta(seconds=2)
    assert stored.attempts == 1
    assert (stored.lease_owner, stored.lease_expires_at) == (None, None)
    assert await _claim(session_factory, NOW + timedelta(days=1)) == []


async def test_mark_retry_puts_it_back_for_later_and_counts_the_attempt(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    await _claim(session_factory, NOW)
    retry_at = NOW + timedelta(seconds=30)
    async with session_factory.begin() as session:
        assert await mark_retry(session, reminder_id, owner="instance-b", error="503", retry_at=retry_at) is False
        assert await mark_retry(session, reminder_id, owner="instance-a", error="503 Service Unavailable",
                                retry_at=retry_at) is True
    stored = await _get(session_factory, reminder_id)
    assert (stored.state, stored.attempts, stored.due_at) == (ReminderState.PENDING, 1, retry_at)
    assert stored.last_error == "503 Service Unavailable"
    assert (stored.lease_owner, stored.lease_expires_at) == (None, None)

    assert await _claim(session_factory, NOW + timedelta(seconds=29)) == []
    (again,) = await _claim(session_factory, retry_at, owner="instance-b")
    async with session_factory.begin() as session:
        assert await mark_retry(session, again.id, owner="instance-b", error="x" * 5000,
                                retry_at=retry_at + timedelta(minutes=1))
    stored = await _get(session_factory, reminder_id)
    assert stored.attempts == 2
    assert stored.last_error is not None and len(stored.last_error) == 2000 and stored.last_error.endswith("…")


async def test_mark_failed_stops_delivery_for_good(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    await _claim(session_factory, NOW)
    async with session_factory.begin() as session:
        assert await mark_failed(session, reminder_id, owner="instance-b", error="404") is False
        assert await mark_failed(session, reminder_id, owner="instance-a", error="404 ConversationNotFound") is True
    stored = await _get(session_factory, reminder_id)
    assert (stored.state, stored.attempts, stored.last_error) == (ReminderState.FAILED, 1, "404 ConversationNotFound")
    assert await _claim(session_factory, NOW + timedelta(days=365)) == []


async def test_naive_times_are_refused(session_factory: Factory) -> None:
    naive = datetime(2027, 3, 1, 9, 0)
    async with session_factory.begin() as session:
        with pytest.raises(ValueError):
            await claim_due(session, now=naive, owner="a", lease=LEASE, limit=1)
        with pytest.raises(ValueError):
            await mark_sent(session, 1, owner="a", at=naive)
        with pytest.raises(ValueError):
            await mark_retry(session, 1, owner="a", error="e", retry_at=naive)
        with pytest.raises(ValueError):
            await claim_due(session, now=NOW, owner="", lease=LEASE, limit=1)


# --- what recipients do -----------------------------------------------------------------------------------


async def test_done_cancels_the_rest_of_that_round_and_nothing_else(session_factory: Factory) -> None:
    people = await _people(session_factory)
    cycle = "2027-03-15"
    ids = await _schedule(
        session_factory,
        _spec("app1:14", user=people.asa, due=NOW - timedelta(days=7), subject_id=1, cycle=cycle),
        _spec("app1:7", user=people.asa, due=NOW, subject_id=1, cycle=cycle),
        _spec("app1:2", user=people.asa, due=NOW + timedelta(days=5), subject_id=1, cycle=cycle),
        _spec("app1:2:bo", user=people.bo, due=NOW + timedelta(days=5), subject_id=1, cycle=cycle),
        _spec("app1:old-deadline", user=people.asa, due=NOW + timedelta(days=5), subject_id=1, cycle="2027-02-01"),
        _spec("app2:2", user=people.asa, due=NOW + timedelta(days=5), subject_id=2, cycle=cycle),
        _spec("app1:item", user=people.asa, due=NOW + timedelta(days=5), subject_id=1, cycle=cycle,
              kind="annual_report"),
    )
    first, sent, rest, bos, other_cycle, other_subject, other_kind = ids
    (claimed,) = await _claim(session_factory, NOW - timedelta(days=7))
    async with session_factory.begin() as session:
        await mark_sent(session, claimed.id, owner="instance-a", at=NOW - timedelta(days=7))
    async with session_factory.begin() as session:
        await snooze(session, rest, user_id=people.asa.id, until=NOW + timedelta(days=6))

    async with session_factory.begin() as session:
        done = await mark_done(session, sent, user_id=people.asa.id, at=NOW + timedelta(hours=1))
        assert done.state is ReminderState.DONE and done.done_at == NOW + timedelta(hours=1)
        assert done.recipient_user is not None
    states = {reminder_id: (await _get(session_factory, reminder_id)).state for reminder_id in ids}
    assert states == {
        first: ReminderState.SENT,  # already delivered: its history stays
        sent: ReminderState.DONE,
        rest: ReminderState.CANCELLED,  # snoozed, so still to come: cancelled
        bos: ReminderState.CANCELLED,  # same round, another recipient: the thing is done
        other_cycle: ReminderState.PENDING,
        other_subject: ReminderState.PENDING,
        other_kind: ReminderState.PENDING,
    }

    async with session_factory.begin() as session:  # pressing "Klart" again changes nothing
        again = await mark_done(session, sent, user_id=people.asa.id, at=NOW + timedelta(days=1))
        assert again.done_at == NOW + timedelta(hours=1)
    async with session_factory() as session:
        assert await done_cycles(session, ["application_deadline"]) == {
            ("application", 1, "application_deadline", cycle)
        }
        assert await done_cycles(session, ["annual_report"]) == set()
        # Read for the subjects being planned only: another subject's rounds are not read.
        assert await done_cycles(session, ["application_deadline"], [("application", 1), ("application", 2)]) == {
            ("application", 1, "application_deadline", cycle)
        }
        assert await done_cycles(session, ["application_deadline"], [("application", 2)]) == set()
        assert await done_cycles(session, ["application_deadline"], [("information_item", 1)]) == set()


async def test_only_the_recipient_may_mark_done_or_snooze(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    for user in (people.bo, people.coordinator):
        async with session_factory.begin() as session:
            with pytest.raises(AccessDenied):
                await mark_done(session, reminder_id, user_id=user.id)
            with pytest.raises(AccessDenied):
                await snooze(session, reminder_id, user_id=user.id, until=NOW + timedelta(weeks=1))
    async with session_factory.begin() as session:
        with pytest.raises(NotFound):
            await mark_done(session, 999_999, user_id=people.asa.id)
        with pytest.raises(NotFound):
            await snooze(session, 999_999, user_id=people.asa.id, until=NOW)
    assert (await _get(session_factory, reminder_id)).state is ReminderState.PENDING


async def test_a_channel_reminder_is_handled_by_a_ks_coordinator_not_by_an_official(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", conversation=KS_CHANNEL))
    async with session_factory.begin() as session:
        with pytest.raises(AccessDenied):
            await mark_done(session, reminder_id, user_id=people.asa.id)
        with pytest.raises(AccessDenied):
            await mark_done(session, reminder_id, user_id=999_999)
    async with session_factory.begin() as session:
        done = await mark_done(session, reminder_id, user_id=people.coordinator.id)
        assert done.state is ReminderState.DONE


async def test_snooze_sends_it_again_at_the_new_time(session_factory: Factory) -> None:
    people = await _people(session_factory)
    (reminder_id,) = await _schedule(session_factory, _spec("k", user=people.asa))
    await _claim(session_factory, NOW)
    async with session_factory.begin() as session:
        assert await mark_sent(session, reminder_id, owner="instance-a", at=NOW)
    week_later = NOW + timedelta(weeks=1)
    async with session_factory.begin() as session:
        snoozed = await snooze(session, reminder_id, user_id=people.asa.id, until=week_later)
        assert (snoozed.state, snoozed.due_at) == (ReminderState.SNOOZED, week_later)

    assert await _claim(session_factory, week_later - timedelta(seconds=1)) == []
    (again,) = await _claim(session_factory, week_later)
    assert again.id == reminder_id and again.state is ReminderState.SNOOZED
    async with session_factory.begin() as session:
        assert await mark_sent(session, reminder_id, owner="instance-a", at=week_later)
    stored = await _get(session_factory, reminder_id)
    assert (stored.state, stored.attempts, stored.sent_at) == (ReminderState.SENT, 2, week_later)

    async with session_factory.begin() as session:
        await mark_done(session, reminder_id, user_id=people.asa.id)
    async with session_factory.begin() as session:  # done stays done
        unchanged = await snooze(session, reminder_id, user_id=people.asa.id, until=week_later + timedelta(weeks=1))
        assert unchanged.state is ReminderState.DONE
    assert await _claim(session_factory, week_later + timedelta(weeks=2)) == []


async def test_cancel_for_subject_cancels_what_is_still_to_come(session_factory: Factory) -> None:
    people = await _people(session_factory)
    sent, pending, other_kind, other_subject = await _schedule(
        session_factory,
        _spec("sent", user=people.asa, due=NOW - timedelta(days=1), subject_id=7),
        _spec("pending", user=people.asa, due=NOW + timedelta(days=1), subject_id=7),
        _spec("other-kind", user=people.asa, due=NOW + timedelta(days=1), subject_id=7, kind="annual_report"),
        _spec("other-subject", user=people.asa, due=NOW + timedelta(days=1), subject_id=8),
    )
    await _claim(session_factory, NOW)
    async with session_factory.begin() as session:
        await mark_sent(session, sent, owner="instance-a", at=NOW)
    async with session_factory.begin() as session:
        assert await cancel_for_subject(session, "application", 7, ["application_deadline"]) == 1
        assert await cancel_for_subject(session, "application", 7, ["application_deadline"]) == 0
    assert (await _get(session_factory, pending)).state is ReminderState.CANCELLED
    assert (await _get(session_factory, other_kind)).state is ReminderState.PENDING
    async with session_factory.begin() as session:
        assert await cancel_for_subject(session, "application", 7) == 1
    assert (await _get(session_factory, other_kind)).state is ReminderState.CANCELLED
    assert (await _get(session_factory, sent)).state is ReminderState.SENT
    assert (await _get(session_factory, other_subject)).state is ReminderState.PENDING


async def test_upcoming_lists_a_users_own_reminders_still_to_come(session_factory: Factory) -> None:
    people = await _people(session_factory)
    ids = await _schedule(
        session_factory,
        _spec("overdue", user=people.asa, due=NOW - timedelta(days=1)),
        _spec("in-a-week", user=people.asa, due=NOW + timedelta(weeks=1)),
        _spec("tomorrow", user=people.asa, due=NOW + timedelta(days=1), kind="annual_report",
              subject_type="organisation"),
        _spec("bos", user=people.bo, due=NOW + timedelta(days=1)),
        _spec("done", user=people.asa, due=NOW + timedelta(days=2), subject_id=2),
    )
    async with session_factory.begin() as session:
        await mark_done(session, ids[4], user_id=people.asa.id)
        await pause_kind(session, people.asa.id, "annual_report")
    async with session_factory() as session:
        upcoming = await list_upcoming_for_user(session, people.asa.id, now=NOW)
    assert [reminder.idempotency_key for reminder in upcoming] == ["overdue", "tomorrow", "in-a-week"]

    await _claim(session_factory, NOW)  # "overdue" is being delivered now
    async with session_factory() as session:
        upcoming = await list_upcoming_for_user(session, people.asa.id, now=NOW)
        assert [reminder.idempotency_key for reminder in upcoming] == ["tomorrow", "in-a-week"]
        assert await list_upcoming_for_user(session, people.coordinator.id, now=NOW) == []


async def test_list_reminders_filters_by_state_and_limits(session_factory: Factory) -> None:
    people = await _people(session_factory)
    ids = await _schedule(
        session_factory, *[_spec(f"k-{number}", user=people.asa, due=NOW + timedelta(hours=number), subject_id=number)
                           for number in range(5)]
    )
    async with session_factory.begin() as session:
        await mark_done(session, ids[1], user_id=people.asa.id)
    async with session_factory() as session:
        assert [r.idempotency_key for r in await list_reminders(session)] == [f"k-{n}" for n in range(5)]
        assert [r.idempotency_key for r in await list_reminders(session, states=["done"])] == ["k-1"]
        assert [r.idempotency_key for r in await list_reminders(session, states=["pending", "sent"], limit=2)] == [
            "k-0", "k-2"
        ]
        with pytest.raises(ValueError):
            await list_reminders(session, states=["lost"])


# --- what the planner reads and tidies ------------------------------------------------------------------


async def test_the_planners_reads(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        contact = await make_user(session, "29:kp", "Kim Kontakt", people.own, Role.CONTACT_PERSON)
        inactive = Organisation(slug="nedlagd-namnd", name="Nedlagda nämnden", kind="namnd", active=False)
        session.add(inactive)
        await session.flush()
        await make_user(session, "29:old", "Olle Förr", inactive, Role.CONTACT_PERSON)
        second_coordinator = await make_user(session, "29:ks2", "Kerstin KS", people.other, Role.KS_COORDINATOR)
    async with session_factory() as session:
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [contact.id]}
        assert await ks_coordinator_ids(session) == sorted([people.coordinator.id, second_coordinator.id])
        assert await user_ids_by_teams_id(session, ["29:asa", "29:nobody", "", "29:asa"]) == {"29:asa": people.asa.id}
        assert await user_ids_by_teams_id(session, []) == {}


async def test_contact_persons_come_from_the_registry_and_the_role(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        role_contact = await make_user(session, "29:kp", "Kim Kontakt", people.own, Role.CONTACT_PERSON)
        inactive = Organisation(slug="nedlagd-namnd", name="Nedlagda nämnden", kind="namnd", active=False)
        session.add(inactive)
        await session.flush()
        await make_user(session, "29:old", "Olle Förr", inactive)
        await set_contact_person(session, inactive, "Olle Förr", None)  # linked, but the nämnd is gone
        # Own: Åsa in the registry and Kim by role; both are reminded, each once, in id order.
        await set_contact_person(session, people.own, "Åsa Öberg", people.asa)
        # Other: a name with no Lotsen user reaches nobody, but counts as a contact (see cancel_resolved).
        await set_contact_person(session, people.other, "Extern Person", people.coordinator)
    async with session_factory() as session:
        assert await contact_person_ids_by_organisation(session) == {
            people.own.id: sorted([people.asa.id, role_contact.id])
        }

    async with session_factory.begin() as session:
        # Kim linked in the registry too: still once. Åsa no longer named, but Kim still is.
        await set_contact_person(session, people.own, "Kim Kontakt", None)
    async with session_factory() as session:
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [role_contact.id]}

    async with session_factory.begin() as session:
        await set_contact_person(session, people.own, "Bo Ek", None)
        bo = await session.get(User, people.bo.id)
        assert bo is not None
        await set_user_organisation(session, bo, people.other)  # moved: no longer reminded for Miljönämnden
    async with session_factory() as session:
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [role_contact.id]}


async def test_cancel_resolved_cancels_only_what_the_data_shows_done(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        submitted, _ = await create_application(
            session, data=ApplicationData(project_name="Inskickad", call_deadline=date(2027, 3, 15)),
            organisation=people.own, created_by=people.asa, submission_key="s-1", eur_sek_rate=None,
            information_item_required=True, information_item_draft=None,
        )
        draft, _ = await create_application(
            session, data=ApplicationData(project_name="Utkast", call_deadline=date(2027, 3, 15)),
            organisation=people.own, created_by=people.asa, submission_key="s-2", eur_sek_rate=None,
            information_item_required=True, information_item_draft=None,
        )
        assert submitted.information_item is not None and draft.information_item is not None
        submitted_item, draft_item = submitted.information_item.id, draft.information_item.id
    ids = await _schedule(
        session_factory,
        _spec("submitted", user=people.asa, subject_id=submitted.id),
        _spec("draft", user=people.asa, subject_id=draft.id),
        _spec("no-such-application", user=people.asa, subject_id=999_999),
        _spec("item-sent", user=people.asa, kind="information_item", subject_type="information_item",
              subject_id=submitted_item),
        _spec("item-todo", user=people.asa, kind="information_item", subject_type="information_item",
              subject_id=draft_item),
        _spec("own-now-has-contact", user=people.coordinator, kind="missing_contact_person",
              subject_type="organisation", subject_id=people.own.id),
        _spec("other-still-without", user=people.coordinator, kind="missing_contact_person",
              subject_type="organisation", subject_id=people.other.id),
        _spec("annual-other-inactive", user=people.asa, kind="annual_report", subject_type="organisation",
              subject_id=people.other.id),
    )
    async with session_factory.begin() as session:
        assert await cancel_resolved(session) == 0  # nothing is done yet
    async with session_factory.begin() as session:
        application = await get_application(session, submitted.id, people.asa)
        await set_status(session, application, ApplicationStatus.SUBMITTED, people.asa)
        await mark_information_item_sent(session, application, people.asa, date(2027, 3, 2))
        await make_user(session, "29:kp", "Kim Kontakt", application.organisation, Role.CONTACT_PERSON)
        other = await session.get(Organisation, people.other.id)
        assert other is not None
        other.active = False
    async with session_factory.begin() as session:
        # set_status and mark_information_item_sent cancel their own subjects' reminders ("submitted",
        # "item-sent") as they happen; the hourly cleanup catches the rest.
        assert await cancel_resolved(session) == 3
    states = [(await _get(session_factory, reminder_id)).state for reminder_id in ids]
    assert states == [
        ReminderState.CANCELLED, ReminderState.PENDING, ReminderState.PENDING,
        ReminderState.CANCELLED, ReminderState.PENDING,
        ReminderState.CANCELLED, ReminderState.CANCELLED, ReminderState.CANCELLED,
    ]


async def test_a_name_in_the_registry_resolves_the_missing_contact_person_reminders(session_factory: Factory) -> None:
    people = await _people(session_factory)
    culture_id = await _organisation_id(session_factory, "kulturnamnden")
    ids = await _schedule(
        session_factory,
        _spec("own", user=people.coordinator, kind="missing_contact_person", subject_type="organisation",
              subject_id=people.own.id),
        _spec("culture", user=people.coordinator, kind="missing_contact_person", subject_type="organisation",
              subject_id=culture_id),
        _spec("other", user=people.coordinator, kind="missing_contact_person", subject_type="organisation",
              subject_id=people.other.id),
    )
    async with session_factory.begin() as session:
        # Set and removed again: no contact after all.
        await set_contact_person(session, people.own, "Åsa Öberg", None)
        await remove_contact_person(session, people.own, None)
        # A contact person of Kulturnämnden who does not use Lotsen is still its contact person (3.3).
        culture = await session.get(Organisation, culture_id)
        assert culture is not None
        await set_contact_person(session, culture, "Extern Kontakt", None)
    async with session_factory.begin() as session:
        assert await cancel_resolved(session) == 1
    states = [(await _get(session_factory, reminder_id)).state for reminder_id in ids]
    assert states == [ReminderState.PENDING, ReminderState.CANCELLED, ReminderState.PENDING]


async def test_reminders_a_bolag_was_never_due_are_cancelled(session_factory: Factory) -> None:
    """Planned before the duties were the policy's (or by anyone): a helägt bolag is never missing a contact person
    (3.4 only gives it the opportunity) and is reminded of the annual report only while its voluntary report of
    the reminder's year is open (its cycle is the deadline, in the year after the report's)."""
    people = await _people(session_factory)
    mkb_id = await _organisation_id(session_factory, "mkb-fastighets-ab")
    teater_id = await _organisation_id(session_factory, "malmo-stadsteater-ab")
    live_id = await _organisation_id(session_factory, "malmo-live-konserthus-ab")
    async with session_factory.begin() as session:
        mkb = await session.get(Organisation, mkb_id)
        teater = await session.get(Organisation, teater_id)
        live = await session.get(Organisation, live_id)
        mats = await make_user(session, "29:mats", "Mats Berg", mkb)
        tea = await make_user(session, "29:tea", "Tea Teater", teater)
        lo = await make_user(session, "29:lo", "Lo Live", live)
        await get_or_create_draft(session, mkb_id, 2026, mats)  # open: reminded of the 2027-03-31 deadline
        await get_or_create_draft(session, teater_id, 2025, tea)  # open, but of another year
        await submit(session, await get_or_create_draft(session, live_id, 2026, lo), lo)  # handed in
    annual = {"kind": "annual_report", "subject_type": "organisation", "cycle": "2027-03-31"}
    ids = await _schedule(
        session_factory,
        _spec("missing-mkb", user=people.coordinator, kind="missing_contact_person", subject_type="organisation",
              subject_id=mkb_id),
        _spec("missing-namnd", user=people.coordinator, kind="missing_contact_person", subject_type="organisation",
              subject_id=people.other.id),
        _spec("annual-mkb", user=mats, subject_id=mkb_id, **annual),
        _spec("annual-teater", user=tea, subject_id=teater_id, **annual),
        _spec("annual-live", user=lo, subject_id=live_id, **annual),
        _spec("annual-namnd", user=people.asa, subject_id=people.own.id, **annual),  # a nämnd's duty: kept
    )
    async with session_factory.begin() as session:
        assert await cancel_resolved(session) == 3
    states = [(await _get(session_factory, reminder_id)).state for reminder_id in ids]
    assert states == [ReminderState.CANCELLED, ReminderState.PENDING, ReminderState.PENDING,
                      ReminderState.CANCELLED, ReminderState.CANCELLED, ReminderState.PENDING]


async def _organisation_id(session_factory: Factory, slug: str) -> int:
    async with session_factory() as session:
        organisation = await get_organisation(session, slug)
    assert organisation is not None
    return organisation.id


async def test_scheduled_keys_are_those_stored_in_any_state(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        await schedule_many(session, [_spec(f"kept-{number}", user=people.asa) for number in range(250)])
        await cancel_for_subject(session, "application", 1)
    async with session_factory() as session:
        wanted = [f"kept-{number}" for number in range(0, 300, 7)]  # more keys than one IN list takes
        assert await scheduled_keys(session, [*wanted, "kept-3"]) == {key for key in [*wanted, "kept-3"]
                                                                      if int(key.split("-")[1]) < 250}
        assert await scheduled_keys(session, []) == set()


async def test_the_applications_to_remind_are_found_by_id_and_read_a_chunk_at_a_time(
    session_factory: Factory,
) -> None:
    """Drafts whose call deadline is not past, and any whose informationsärende is still to do; no others."""
    people = await _people(session_factory)
    today = date(2027, 3, 1)

    async def create(key: str, deadline: date | None, item: bool) -> int:
        async with session_factory.begin() as session:
            application, _ = await create_application(
                session, data=ApplicationData(project_name=key, call_deadline=deadline),
                organisation=people.own, created_by=people.asa, submission_key=key, eur_sek_rate=None,
                information_item_required=item, information_item_draft=None)
            return application.id

    coming = await create("coming", date(2027, 3, 1), item=False)
    past = await create("past", date(2027, 2, 28), item=False)
    open_item = await create("open item", date(2020, 1, 1), item=True)
    submitted = await create("submitted", date(2027, 4, 1), item=False)
    sent_item = await create("sent item", None, item=True)
    async with session_factory.begin() as session:
        await set_status(session, await get_application(session, submitted, people.asa), ApplicationStatus.SUBMITTED,
                         people.asa)
        await mark_information_item_sent(session, await get_application(session, sent_item, people.asa),
                                         people.asa, date(2027, 2, 1))
    async with session_factory() as session:
        ids = await application_ids_to_remind(session, today=today)
        assert ids == [coming, open_item]
        assert past not in ids and submitted not in ids and sent_item not in ids
        chunk = await applications_to_remind(session, today=today, ids=[open_item, past])
        assert [application.id for application in chunk] == [open_item]
        assert chunk[0].information_item is not None and chunk[0].organisation.id == people.own.id
        assert [application.id for application in await applications_to_remind(session, today=today)] == ids
