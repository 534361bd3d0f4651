"""The scheduler on both databases: restarts, instances that die mid-send, two instances at once, and the
polling task inside the app (start, stop, a failing round). Delivery is the real Teams path to the stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.reminder_delivery import build_reminder_scheduler
from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Reminder, ReminderState, Role
from storage.reminders import claim_due, pause_kind, resume_kind, schedule, schedule_many
from storage.users import get_user_by_teams_id
from tests.support.activities import message
from tests.support.reminder_setup import (
    Clock,
    add_user,
    deadline_spec,
    malmo,
    reminder_ids_received,
    teams_scheduler,
)


async def eventually(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Waits until `condition()` (sync or async) is true: for what the background task does in its own time."""
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)


async def _states(session_factory) -> dict[int, tuple[ReminderState, int]]:
    async with session_factory() as session:
        rows = await session.execute(select(Reminder.id, Reminder.state, Reminder.attempts))
        return {reminder_id: (state, attempts) for reminder_id, state, attempts in rows}


async def test_a_restart_sends_the_reminders_missed_while_down_once(session_factory, connector, database_url):
    """Each missed reminder about its own application: all go out, once. (Several about one application are a
    pile, of which only the latest goes: tests/reminders/test_relevance.py.)"""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        bo = await add_user(session, "29:bo", "Bo Berg", service_url=service_url)
        for user, due, key, application_id in ((anna, "2027-03-01 09:00", "a1", 7), (anna, "2027-03-02 09:00", "a2", 8),
                                               (bo, "2027-03-02 09:00", "b1", 7), (bo, "2027-03-20 09:00", "b2", 8)):
            await schedule(session, deadline_spec(user_id=user.id, due_at=malmo(due), key=key,
                                                  application_id=application_id, deadline="2027-03-31"))

    clock = Clock(malmo("2027-02-28 12:00"))
    async with teams_scheduler(session_factory, clock, owner="before-restart") as scheduler:
        assert (await scheduler.run_due()).delivered == 0  # nothing due yet; then the app goes down

    # Down over two reminder hours. The restarted app has a new engine, adapter and scheduler.
    clock.set(malmo("2027-03-03 10:30"))
    engine = create_engine(database_url)
    try:
        restarted_sessions = create_session_factory(engine)
        async with teams_scheduler(restarted_sessions, clock, owner="after-restart") as scheduler:
            stats = await scheduler.run_due()
            assert (stats.delivered, stats.retried, stats.failed) == (3, 0, 0)
            assert (await scheduler.run_due()).delivered == 0
            clock.advance(hours=1)
            assert (await scheduler.run_due()).delivered == 0
    finally:
        await engine.dispose()
    # And once more after another restart: still nothing new.
    async with teams_scheduler(session_factory, clock, owner="second-restart") as scheduler:
        assert (await scheduler.run_due()).delivered == 0

    received = reminder_ids_received(standin.cards())
    assert sorted(received.values()) == [1, 1, 1]
    states = await _states(session_factory)
    assert sorted(state for state, _ in states.values()) == [ReminderState.PENDING] + [ReminderState.SENT] * 3


async def test_a_reminder_held_by_an_instance_that_died_is_sent_once_its_lease_runs_out(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00")))
    clock = Clock(malmo("2027-03-01 09:00"))
    async with session_factory.begin() as session:  # claimed, then the instance dies before sending
        [held] = await claim_due(session, now=clock.now, owner="dead-instance", lease=timedelta(minutes=2), limit=10)

    async with teams_scheduler(session_factory, clock, owner="survivor", lease=timedelta(minutes=2)) as scheduler:
        clock.advance(minutes=1)
        assert (await scheduler.run_due()).delivered == 0  # still leased to the other instance
        clock.advance(minutes=1)
        assert (await scheduler.run_due()).delivered == 1
        clock.advance(minutes=5)
        assert (await scheduler.run_due()).delivered == 0
    assert reminder_ids_received(standin.cards()) == {held.id: 1}


async def test_two_instances_at_once_deliver_a_thousand_reminders_once_each(session_factory, connector, database_url):
    """Two schedulers, each with its own engine (connections) and Teams adapter, claim from one database at the
    same moment; every reminder reaches the connector once, none twice, none lost."""
    standin, service_url = connector
    due = malmo("2027-03-01 09:00")
    async with session_factory.begin() as session:
        users = [await add_user(session, f"29:user-{number}", f"User {number}", service_url=service_url)
                 for number in range(20)]
        await schedule_many(session, [
            deadline_spec(user_id=users[number % len(users)].id, due_at=due, key=f"bulk-{number}",
                          application_id=number)
            for number in range(1000)
        ])
    clock = Clock(due)
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        async with (
            teams_scheduler(create_session_factory(engines[0]), clock, owner="instance-a", batch=50) as first,
            teams_scheduler(create_session_factory(engines[1]), clock, owner="instance-b", batch=50) as second,
        ):
            stats = await asyncio.gather(first.run_due(), second.run_due())
    finally:
        for engine in engines:
            await engine.dispose()

    received = reminder_ids_received(standin.cards())
    assert len(standin.received) == 1000
    assert len(received) == 1000 and set(received.values()) == {1}
    states = await _states(session_factory)
    assert set(received) == set(states)
    assert set(states.values()) == {(ReminderState.SENT, 1)}
    assert sum(stat.delivered for stat in stats) == 1000
    assert all(stat.delivered > 0 for stat in stats)  # both took part
    assert all(stat.retried == stat.failed == 0 for stat in stats)


async def test_the_polling_task_plans_and_delivers_as_time_passes_and_stops_cleanly(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        await add_user(session, "29:john", "John Smith", service_url=service_url, role=Role.CONTACT_PERSON,
                       organisation_slug="miljonamnden")
    clock = Clock(malmo("2027-02-20 12:00"))

    async def planned() -> int:
        async with session_factory() as session:
            return await session.scalar(select(func.count()).select_from(Reminder))

    async with teams_scheduler(session_factory, clock, poll_seconds=0.02) as scheduler:
        scheduler.start()
        try:
            # The annual report (deadline 31 March): 30, 14 and 3 days before, the last moved off a Sunday.
            await eventually(lambda: planned())
            assert await planned() == 3
            assert standin.received == []
            clock.set(malmo("2027-03-01 09:00"))
            await standin.wait_for(1)
        finally:
            await scheduler.stop()
        assert not scheduler.running
    [card] = standin.cards()
    assert card["body"][0]["text"] == "Årlig redovisning av det internationella arbetet: Miljönämnden"


async def test_a_failing_round_is_logged_and_the_next_round_goes_on(database_url, connector, caplog):
    """The database is not ready (not migrated) when the app starts: rounds fail, and once it is, reminders go."""
    standin, service_url = connector
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        clock = Clock(malmo("2027-03-01 09:00"))
        async with teams_scheduler(session_factory, clock, poll_seconds=0.02) as scheduler:
            scheduler.start()
            try:
                await eventually(lambda: any(record.message == "reminder round failed" for record in caplog.records))
                assert scheduler.running
                await upgrade(database_url)
                async with session_factory.begin() as session:
                    anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
                    await schedule(session, deadline_spec(user_id=anna.id, due_at=clock.now))
                await standin.wait_for(1)
            finally:
                await scheduler.stop()
    finally:
        await engine.dispose()
    assert len(standin.cards()) == 1


async def test_stopping_mid_send_leaves_the_reminders_to_be_sent_once_later(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        for number in range(3):
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00"),
                                                  key=f"r{number}", application_id=number))
    clock = Clock(malmo("2027-03-01 09:00"))
    standin.delay_seconds = 30  # the connector hangs: the batch is still sending when the app stops

    async def claimed() -> bool:
        async with session_factory() as session:
            return await session.scalar(select(func.count()).where(Reminder.lease_owner.is_not(None))) == 3

    async with teams_scheduler(session_factory, clock, owner="stopping", stop_grace_seconds=0.1) as scheduler:
        scheduler.start()
        await eventually(claimed)
        await scheduler.stop()
        assert not scheduler.running
    assert standin.received == []
    assert set((await _states(session_factory)).values()) == {(ReminderState.PENDING, 0)}

    standin.delay_seconds = 0
    clock.advance(minutes=2)  # the stopped instance's lease has run out
    async with teams_scheduler(session_factory, clock, owner="next") as scheduler:
        assert (await scheduler.run_due()).delivered == 3
    assert sorted(reminder_ids_received(standin.cards()).values()) == [1, 1, 1]


@pytest.mark.parametrize("database_backend", ["sqlite"])
async def test_back_off_doubles_from_the_base_up_to_its_cap_and_honours_retry_after(session_factory):
    async with teams_scheduler(session_factory, Clock(malmo("2027-03-01 09:00")), backoff_base=timedelta(minutes=1),
                               max_backoff=timedelta(minutes=30)) as scheduler:
        assert [scheduler.backoff(attempts) for attempts in range(7)] == [
            timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16, 30, 30)
        ]
        assert scheduler.backoff(0, retry_after=timedelta(minutes=10)) == timedelta(minutes=10)
        assert scheduler.backoff(4, retry_after=timedelta(minutes=10)) == timedelta(minutes=16)
        assert scheduler.backoff(1000) == timedelta(minutes=30)


@pytest.mark.parametrize("database_backend", ["sqlite"])
async def test_a_paused_kind_waits_and_goes_out_when_resumed(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00")))
        await pause_kind(session, anna.id, "application_deadline")
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 0
        async with session_factory.begin() as session:
            assert await resume_kind(session, anna.id, "application_deadline", now=clock.now)
        assert (await scheduler.run_due()).delivered == 1
    assert len(standin.cards()) == 1



async def test_the_scheduler_runs_inside_the_web_app_and_stops_with_it(tmp_path, connector):
    """Wired as app.py wires it: built on the app's engine when the app starts, stopped when it stops."""
    from app import ENGINE_KEY, create_app

    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    settings = Settings(_env_file=None, database_url=database_url, reminder_poll_seconds=0.02)
    clock = Clock(malmo("2027-03-01 09:00"))
    schedulers = []

    async def reminder_scheduler(app):
        authentication = LotsenAuthentication(settings)
        scheduler = build_reminder_scheduler(settings, create_session_factory(app[ENGINE_KEY]),
                                             LotsenAdapter(authentication), clock=clock)
        scheduler.start()
        schedulers.append(scheduler)
        yield
        await scheduler.stop()
        await authentication.close()

    app = create_app(settings)
    app.cleanup_ctx.append(reminder_scheduler)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        assert (await client.post("/api/messages", json=message(service_url, "hej"))).status == 201
        engine = create_engine(database_url)
        try:
            session_factory = create_session_factory(engine)
            async with session_factory.begin() as session:
                anna = await get_user_by_teams_id(session, "29:anna")
                await schedule(session, deadline_spec(user_id=anna.id, due_at=clock.now))
        finally:
            await engine.dispose()
        await standin.wait_for(2)  # the welcome card, then the reminder
        assert schedulers[0].running
    finally:
        await client.close()
    assert not schedulers[0].running
    reminder_card = standin.cards()[-1]
    assert reminder_card["body"][0]["text"] == "Sista ansökningsdag närmar sig: Gröna tak i Malmö"
    assert standin.received[-1].conversation_id == "a:conversation-29:anna"
