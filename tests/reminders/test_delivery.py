"""Reminders delivered through the real Teams path (adapter, pooled connector client, HTTP) to the local
connector stand-in: the card each kind gets, and what the connector's answers do (retry, give up)."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from datetime import date, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.proactive import classify

from dialogs.annual_report.parsing import parse_open
from dialogs.applications.my_applications import MyApplicationsDialog
from reminders.delivery import DeliveryStatus
from reminders.on_request import plan_reminders_on_request
from reminders.planner import ensure_recurring_reminders, plan_annual_report
from storage.application_data import ApplicationData, MalmoRole, Money
from storage.applications import application_reference, create_application
from storage.db import create_engine, create_session_factory
from storage.models import Reminder, ReminderState, Role
from storage.organisations import get_organisation
from storage.reminders import get_reminder, schedule
from storage.users import get_user_by_teams_id
from tests.support.activities import message
from tests.support.reminder_setup import (
    Clock,
    add_channel,
    add_user,
    button_data,
    deadline_spec,
    malmo,
    organisation_spec,
    reminder_ids_received,
    teams_scheduler,
)


def _texts(card: dict) -> list[str]:
    return [block["text"] for block in card["body"] if block.get("type") == "TextBlock"]


async def _reminder(session_factory, reminder_id: int) -> Reminder:
    async with session_factory() as session:
        reminder = await get_reminder(session, reminder_id)
    assert reminder is not None
    return reminder


async def _schedule(session_factory, spec) -> int:
    async with session_factory.begin() as session:
        assert await schedule(session, spec)
        return await session.scalar(select(Reminder.id).where(Reminder.idempotency_key == spec.idempotency_key))


async def test_a_registered_application_is_reminded_in_the_officials_chat_with_the_right_card(
    session_factory, connector
):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url,
                              organisation_slug="miljonamnden")
        application, _ = await create_application(
            session,
            data=ApplicationData(project_name="Gröna tak i Malmö", programme="interreg_oks",
                                 organisation_slug="miljonamnden", malmo_role=MalmoRole.OWNER,
                                 total_budget=Money.of(3_000_000, "SEK"), call_deadline=date(2027, 3, 15)),
            organisation=await get_organisation(session, "miljonamnden"),
            created_by=anna,
            submission_key="green-roofs",
            eur_sek_rate=None,
            information_item_required=False,
            information_item_draft=None,
        )
        reference = application_reference(application)
        # Planned a few weeks ahead, as the hourly planning would.
        assert await ensure_recurring_reminders(session, now=malmo("2027-02-10 12:00"), deadline_mmdd="03-31",
                                                hour=9) == 3

    clock = Clock(malmo("2027-03-01 09:00"))  # 14 days before the deadline, a Monday
    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (1, 0, 0)
        assert (await scheduler.run_due()).delivered == 0  # sent once, not again

        [received] = standin.received
        assert received.conversation_id == "a:personal-29:anna"
        activity = received.activity
        assert activity["channelData"] == {"notification": {"alert": True}}
        assert activity["summary"] == "Sista ansökningsdag närmar sig: Gröna tak i Malmö"
        [card] = standin.cards()
        title, body, source = _texts(card)
        assert title == "Sista ansökningsdag närmar sig: Gröna tak i Malmö"
        assert f"Gröna tak i Malmö ({reference}) är 15\u00a0mars\u00a02027, om 14 dagar" in body
        assert "ska kommunstyrelsens förvaltning vara informerad om ansökan" in body
        assert source == "Källa: § 4.1 Finansiering från EU:s program och fonder"
        reminder_id = button_data(card, "reminder_done")["reminder_id"]
        assert [(action["title"], action["data"]) for action in card["actions"]] == [
            ("Klart", {"action": "reminder_done", "reminder_id": reminder_id}),
            ("Påminn mig om en vecka", {"action": "reminder_snooze", "reminder_id": reminder_id}),
            ("Öppna", {"action": "open_application", "application_id": application.id}),
        ]
        # "Öppna" is the existing "mina ansökningar" dialog's own button.
        assert MyApplicationsDialog.start_options("", button_data(card, "open_application")) is not None

        sent = await _reminder(session_factory, reminder_id)
        assert (sent.state, sent.sent_at, sent.attempts) == (ReminderState.SENT, clock.now, 1)
        assert sent.recipient_user_id == anna.id

        # A week later the next one, counted from the day it is sent.
        clock.set(malmo("2027-03-08 09:00"))
        assert (await scheduler.run_due()).delivered == 1
        assert "om 7 dagar" in _texts(standin.cards()[-1])[1]


async def test_the_card_speaks_english_to_an_english_user_and_opens_the_annual_report(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        john = await add_user(session, "29:john", "John Smith", service_url=service_url, locale="en-GB",
                              role=Role.CONTACT_PERSON, organisation_slug="miljonamnden")
        organisation = await get_organisation(session, "miljonamnden")
        organisation_id = organisation.id
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, organisation_spec(
        "annual_report", user_id=john.id, organisation_id=organisation_id, due_at=clock.now))

    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
    [card] = standin.cards()
    title, body, source = _texts(card)
    assert title == "Yearly report of the international work: Miljönämnden"
    assert "The city's deadline for the report is 31\u00a0March\u00a02027, in 30 days." in body
    assert source == "Source: § 3.3 Committees"
    assert [action["title"] for action in card["actions"]] == ["Done", "Remind me in a week", "Open"]
    assert button_data(card, "reminder_snooze") == {"action": "reminder_snooze", "reminder_id": reminder_id}
    # "Open" writes the annual report command for the user, as if typed, with the year the report is for: the
    # year before the deadline's.
    assert card["actions"][2]["data"] == {"action": "send_text", "text": "annual report 2026"}


async def test_open_names_the_report_year_of_a_planned_and_of_a_requested_reminder(session_factory, connector):
    """A planned reminder has the deadline's year (the report is of the year before); one KS förvaltning asked
    for has the report's own year beside it. "Öppna" opens that report, not whichever year is the default."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url,
                              role=Role.CONTACT_PERSON, organisation_slug="miljonamnden")
        organisation = await get_organisation(session, "miljonamnden")
    clock = Clock(malmo("2027-03-01 09:00"))
    organisations = [(organisation.id, organisation.name)]
    planned = plan_annual_report(organisations, {organisation.id: [anna.id]}, year=2027, deadline_mmdd="03-31",
                                 now=malmo("2027-02-01 09:00"), hour=9)[0]
    requested = plan_reminders_on_request(organisations, {organisation.id: [anna.id]}, report_year=2024,
                                          deadline_mmdd="03-31", requested_at=clock.now,
                                          requested_by_user_id=None).specs[0]
    for spec in (planned, requested):
        await _schedule(session_factory, replace(spec, due_at=clock.now))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 2
    opened = sorted(action["data"]["text"] for card in standin.cards() for action in card["actions"]
                    if action["title"] == "Öppna")
    assert opened == ["årsredovisning 2024", "årsredovisning 2026"]
    assert [parse_open(value).year for value in opened] == [2024, 2026]


async def test_a_ks_coordinator_is_reminded_of_a_namnd_without_contact_person(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        karin = await add_user(session, "29:karin", "Karin Karlsson", service_url=service_url,
                               role=Role.KS_COORDINATOR, organisation_slug="kommunstyrelsen")
        organisation_id = (await get_organisation(session, "miljonamnden")).id
    clock = Clock(malmo("2027-03-01 09:00"))
    await _schedule(session_factory, organisation_spec(
        "missing_contact_person", user_id=karin.id, organisation_id=organisation_id, due_at=clock.now,
        deadline="2027-03-01"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
    [card] = standin.cards()
    title, body, source = _texts(card)
    assert title == "Kontaktperson för internationella frågor saknas: Miljönämnden"
    assert "kontaktperson" in body and source == "Källa: § 3.3 Nämnder"
    assert card["actions"][2] == {"type": "Action.Submit", "title": "Öppna",
                                  "data": {"action": "send_text", "text": "kontaktpersoner"}}


async def test_a_reminder_to_a_channel_is_posted_in_that_channel(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        await add_channel(session, "19:ks-forvaltning@thread.tacv2", service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    await _schedule(session_factory, deadline_spec(conversation_id="19:ks-forvaltning@thread.tacv2",
                                                   due_at=clock.now))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
    [received] = standin.received
    assert received.conversation_id == "19:ks-forvaltning@thread.tacv2"
    assert "channelData" not in received.activity or received.activity["channelData"] is None
    assert _texts(standin.cards()[0])[0] == "Sista ansökningsdag närmar sig: Gröna tak i Malmö"


async def test_a_user_who_has_talked_to_lotsen_is_reached_in_that_chat(start_app, connector, database_url):
    """The reference the bot stored from a real turn over HTTP is the one the reminder goes through."""
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    assert (await client.post("/api/messages", json=message(service_url, "hej", user_id="29:anna"))).status == 201
    standin.clear()

    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory() as session:
            anna = await get_user_by_teams_id(session, "29:anna")
        clock = Clock(malmo("2027-03-01 09:00"))
        await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
        async with teams_scheduler(session_factory, clock) as scheduler:
            assert (await scheduler.run_due()).delivered == 1
    finally:
        await engine.dispose()
    [received] = standin.received
    assert received.conversation_id == "a:conversation-29:anna"  # the chat the message came from
    assert received.activity["recipient"]["id"] == "29:anna"


async def test_server_errors_are_retried_with_back_off_until_delivered(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    start = malmo("2027-03-01 09:00")
    clock = Clock(start)
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=start))
    standin.fail_with = [503, 503]

    async with teams_scheduler(session_factory, clock, backoff_base=timedelta(minutes=1)) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 1, 0)
        first = await _reminder(session_factory, reminder_id)
        assert (first.state, first.attempts, first.due_at) == (ReminderState.PENDING, 1, start + timedelta(minutes=1))
        assert "503" in first.last_error

        clock.set(start + timedelta(seconds=59))  # not yet: the back-off is respected
        assert (await scheduler.run_due()).retried == 0
        assert standin.fail_with == [503]

        clock.set(start + timedelta(minutes=1))
        assert (await scheduler.run_due()).retried == 1
        second = await _reminder(session_factory, reminder_id)
        assert (second.attempts, second.due_at) == (2, start + timedelta(minutes=3))  # then 2 minutes

        clock.set(start + timedelta(minutes=3))
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (1, 0, 0)
    delivered = await _reminder(session_factory, reminder_id)
    assert (delivered.state, delivered.attempts, delivered.sent_at) == (ReminderState.SENT, 3, clock.now)
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1}


@pytest.mark.parametrize("status", [403, 404])
async def test_a_conversation_that_is_gone_stops_the_reminder(session_factory, connector, status):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
    standin.fail_with = [status, status]

    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 0, 1)
        for later in (timedelta(minutes=5), timedelta(days=2)):
            clock.advance(seconds=later.total_seconds())
            assert (await scheduler.run_due()).failed == 0
    assert standin.fail_with == [status]  # one request only: it was never tried again
    assert standin.received == []
    failed = await _reminder(session_factory, reminder_id)
    assert (failed.state, failed.attempts) == (ReminderState.FAILED, 1)
    assert str(status) in failed.last_error


async def test_a_reminder_fails_for_good_when_its_attempts_run_out(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
    standin.fail_with = [500, 502, 429, 500]

    async with teams_scheduler(session_factory, clock, max_attempts=3) as scheduler:
        outcomes = []
        for _ in range(4):
            stats = await scheduler.run_due()
            outcomes.append((stats.retried, stats.failed))
            clock.advance(hours=1)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    assert standin.fail_with == [500]
    failed = await _reminder(session_factory, reminder_id)
    assert (failed.state, failed.attempts) == (ReminderState.FAILED, 3)
    assert "429" in failed.last_error


async def test_no_stored_conversation_or_a_terminal_chat_cannot_be_reached(session_factory, connector):
    standin, _ = connector
    async with session_factory.begin() as session:
        nils = await add_user(session, "29:nils", "Nils Nilsson", service_url=None)  # never talked to Lotsen
        terminal = await add_user(session, "terminal-user", "Terminal User", service_url="terminal://chat")
    clock = Clock(malmo("2027-03-01 09:00"))
    nils_reminder = await _schedule(session_factory, deadline_spec(user_id=nils.id, due_at=clock.now, key="a"))
    terminal_reminder = await _schedule(session_factory, deadline_spec(user_id=terminal.id, due_at=clock.now,
                                                                       key="b"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).failed == 2
    assert standin.received == []
    assert "no stored conversation" in (await _reminder(session_factory, nils_reminder)).last_error
    assert "terminal" in (await _reminder(session_factory, terminal_reminder)).last_error


async def test_an_unreachable_connector_is_retried(session_factory):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=closed_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
    async with teams_scheduler(session_factory, clock) as scheduler:
        stats = await scheduler.run_due()
    assert (stats.delivered, stats.retried, stats.failed) == (0, 1, 0)
    retried = await _reminder(session_factory, reminder_id)
    assert retried.state == ReminderState.PENDING and retried.attempts == 1
    assert "Connect" in retried.last_error or "connect" in retried.last_error


async def test_the_card_carries_nothing_but_json_teams_accepts(session_factory, connector):
    """Every reminder card is plain JSON within Teams' size limit (about 28 KB), whatever the details hold."""
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now, project="P" * 200))
    async with teams_scheduler(session_factory, clock) as scheduler:
        await scheduler.run_due()
    [card] = standin.cards()
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert len(json.dumps(card).encode()) < 28_000


async def test_a_throttled_send_waits_as_long_as_the_channel_asks(session_factory):
    """A connector answering 429 with Retry-After: the reminder is tried again no sooner than it says."""
    async def throttled(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "Throttled", "message": "slow down"}}, status=429,
                                 headers={"Retry-After": "600"})

    throttling = web.Application()
    throttling.router.add_post("/v3/conversations/{conversation_id}/activities", throttled)
    throttling.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", throttled)
    server = TestServer(throttling)
    await server.start_server()
    try:
        async with session_factory.begin() as session:
            anna = await add_user(session, "29:anna", "Anna Andersson",
                                  service_url=str(server.make_url("")).rstrip("/"))
        clock = Clock(malmo("2027-03-01 09:00"))
        reminder_id = await _schedule(session_factory, deadline_spec(user_id=anna.id, due_at=clock.now))
        async with teams_scheduler(session_factory, clock, backoff_base=timedelta(minutes=1)) as scheduler:
            assert (await scheduler.run_due()).retried == 1
    finally:
        await server.close()
    retried = await _reminder(session_factory, reminder_id)
    assert retried.due_at == clock.now + timedelta(minutes=10)  # not the 1 minute of its own back-off
    assert "429" in retried.last_error


@pytest.mark.parametrize("error", [asyncio.TimeoutError(), ConnectionResetError("reset by peer"),
                                   RuntimeError("a bug somewhere")])
def test_timeouts_broken_connections_and_the_unexpected_are_tried_again(error):
    outcome = classify(error)
    assert outcome.status == DeliveryStatus.RETRY
    assert type(error).__name__ in outcome.error
