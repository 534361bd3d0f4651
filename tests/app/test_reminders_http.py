"""Reminders through the whole app over HTTP: the card delivered in the chat the official uses, its buttons
pressed there (Teams posts the button's data as the activity's value), and "mina påminnelser" typed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.application_data import ApplicationData, MalmoRole, Money
from storage.applications import create_application
from storage.db import create_engine, create_session_factory
from storage.models import InformationItem, InformationItemStatus, Reminder, ReminderState
from storage.organisations import get_organisation
from storage.reminders import schedule
from storage.users import get_user_by_teams_id, set_user_organisation
from tests.support.activities import message
from tests.support.reminder_setup import (
    Clock,
    button_data,
    deadline_spec,
    information_item_spec,
    malmo,
    teams_scheduler,
)


async def test_klart_and_snooze_pressed_in_teams_reach_the_reminder(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    assert (await client.post("/api/messages", json=message(service_url, "hej"))).status == 201

    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory.begin() as session:
            anna = await get_user_by_teams_id(session, "29:anna")
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00"), key="first"))
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00"), key="second",
                                                  deadline="2027-04-15", project="Blå gårdar",
                                                  reference="EU-2027-0008", application_id=8))
        clock = Clock(malmo("2027-03-01 09:00"))
        async with teams_scheduler(session_factory, clock) as scheduler:
            assert (await scheduler.run_due()).delivered == 2
        # Sent concurrently: they may arrive in either order.
        [green_roofs] = [card for card in standin.cards()[-2:] if "Gröna tak i Malmö" in str(card)]
        [blue_yards] = [card for card in standin.cards()[-2:] if "Blå gårdar" in str(card)]

        standin.clear()
        pressed = message(service_url, None, value=button_data(green_roofs, "reminder_done"),
                          replyToId="reminder-card-1")
        assert (await client.post("/api/messages", json=pressed)).status == 201
        assert [item.activity.get("text") for item in standin.received if item.method == "POST"] == [
            "Klart! Jag slutar påminna om sista ansökningsdag för Gröna tak i Malmö (EU-2027-0007)."]
        # The card pressed now says it is done, and offers only "Öppna".
        [replaced] = [item for item in standin.received if item.method == "PUT"]
        assert replaced.reply_to_id == "reminder-card-1"
        card = replaced.activity["attachments"][0]["content"]
        assert "Markerat som klart" in str(card) and "Gröna tak i Malmö" in str(card)
        assert [action["title"] for action in card["actions"]] == ["Öppna"]

        standin.clear()
        pressed = message(service_url, None, value=button_data(blue_yards, "reminder_snooze"))
        assert (await client.post("/api/messages", json=pressed)).status == 201
        [reply] = [said for said in standin.texts() if said]
        assert reply.startswith("Okej, jag påminner dig igen den ")
        assert [item for item in standin.received if item.method == "PUT"] == []  # a press without the card's id
        assert reply.endswith(" om sista ansökningsdag för Blå gårdar (EU-2027-0008).")

        standin.clear()
        assert (await client.post("/api/messages", json=message(service_url, "mina påminnelser"))).status == 201
        [listing] = standin.cards()
        assert "sista ansökningsdag för Blå gårdar (EU-2027-0008)" in str(listing)

        async with session_factory() as session:
            states = dict((await session.execute(select(Reminder.idempotency_key, Reminder.state))).all())
        assert states == {"first": ReminderState.DONE, "second": ReminderState.SNOOZED}
    finally:
        await engine.dispose()


async def test_sent_today_on_an_information_item_reminder_marks_it_sent(start_app, connector, database_url):
    """"Klart" on an informationsärende's reminder ("Skickat i dag") marks the informationsärende sent with the
    date, as "mina ansökningar" does, and the card says so."""
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    assert (await client.post("/api/messages", json=message(service_url, "hej"))).status == 201
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory.begin() as session:
            anna = await get_user_by_teams_id(session, "29:anna")
            environment = await get_organisation(session, "miljonamnden")
            await set_user_organisation(session, anna, environment)
            application, _created = await create_application(
                session, data=ApplicationData(
                    project_name="Gröna tak i Malmö", description="Gröna tak på skolor.", programme="life",
                    organisation_slug="miljonamnden", malmo_role=MalmoRole.OWNER,
                    total_budget=Money.of(14_500_000, "SEK"), planned_submission_date=date(2027, 3, 1)),
                organisation=environment, created_by=anna, submission_key="green-roofs", eur_sek_rate=None,
                information_item_required=True, information_item_draft="Informationsärende")
            item_id = application.information_item.id
            await schedule(session, information_item_spec(user_id=anna.id, item_id=item_id,
                                                          application_id=application.id,
                                                          due_at=malmo("2027-03-01 09:00")))
        standin.clear()
        async with teams_scheduler(session_factory, Clock(malmo("2027-03-01 09:00"))) as scheduler:
            assert (await scheduler.run_due()).delivered == 1
        [card] = standin.cards()
        assert "Skickat i dag" in [action["title"] for action in card["actions"]]

        standin.clear()
        pressed = message(service_url, None, value=button_data(card, "reminder_done"), replyToId="reminder-card-2")
        assert (await client.post("/api/messages", json=pressed)).status == 201
        today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
        async with session_factory() as session:
            item = await session.get(InformationItem, item_id)
            assert item is not None
            assert item.status is InformationItemStatus.SENT and item.sent_on == today
        [reply] = [item.activity.get("text") for item in standin.received if item.method == "POST"]
        assert "som skickat" in reply and "slutar påminna" in reply
        [replaced] = [item.activity["attachments"][0]["content"] for item in standin.received if item.method == "PUT"]
        assert "Informationsärendet markerat som skickat" in str(replaced)
        assert "reminder_done" not in str(replaced)
    finally:
        await engine.dispose()
