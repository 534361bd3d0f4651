"""Reminders through the whole app over HTTP: the card delivered in the chat the official uses, its buttons
pressed there (Teams posts the button's data as the activity's value), and "mina påminnelser" typed."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import create_engine, create_session_factory
from storage.models import Reminder, ReminderState
from storage.reminders import schedule
from storage.users import get_user_by_teams_id
from tests.support.activities import message
from tests.support.reminder_setup import Clock, button_data, deadline_spec, malmo, teams_scheduler


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
        pressed = message(service_url, None, value=button_data(green_roofs, "reminder_done"))
        assert (await client.post("/api/messages", json=pressed)).status == 201
        assert standin.texts() == [
            "Klart! Jag slutar påminna om sista ansökningsdag för Gröna tak i Malmö (EU-2027-0007)."]

        standin.clear()
        pressed = message(service_url, None, value=button_data(blue_yards, "reminder_snooze"))
        assert (await client.post("/api/messages", json=pressed)).status == 201
        [reply] = standin.texts()
        assert reply.startswith("Okej, jag påminner dig igen den ")
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
