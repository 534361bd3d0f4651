""""ej nådda": a KS coordinator sees the reminders that reached nobody (no chat with Lotsen, and it could not be
installed for the recipient), to follow them up by hand, in the coordinators' one list of what did not reach
people (tests/app/test_undelivered_list_http.py has both of its kinds); over HTTP as Teams drives the bot, on both
databases."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import create_engine, create_session_factory
from storage.models import Reminder, ReminderState, Role
from storage.reminders import schedule
from tests.support.activities import message
from tests.support.people import operator_places
from tests.support.phone_cards import assert_fits_a_phone
from tests.support.reminder_setup import Clock, add_user, deadline_spec, malmo, teams_scheduler


async def test_a_coordinator_sees_who_a_reminder_did_not_reach_and_why(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    for user_id in ("29:karin", "29:olle"):
        assert (await client.post("/api/messages", json=message(service_url, "hej", user_id=user_id))).status == 201

    await operator_places(database_url, [("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen")])
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory.begin() as session:
            # Nils has never written to Lotsen: there is no chat to post his reminder to.
            nils = await add_user(session, "29:nils", "Nils Nilsson", service_url=None,
                                  organisation_slug="miljonamnden")
            await schedule(session, deadline_spec(user_id=nils.id, due_at=malmo("2027-03-01 09:00"), key="nils"))
        standin.clear()
        async with teams_scheduler(session_factory, Clock(malmo("2027-03-01 09:00"))) as scheduler:
            await scheduler.run_due()
        async with session_factory() as session:
            assert await session.scalar(select(Reminder.state).where(Reminder.idempotency_key == "nils")) == \
                ReminderState.FAILED
        assert not standin.received  # nothing was posted anywhere

        assert (await client.post("/api/messages", json=message(service_url, "ej nådda", user_id="29:karin"))
                ).status == 201
        [card] = standin.cards()
        shown = str(card)
        assert "Det som inte nått fram" in shown
        assert "Påminnelser som inte nådde fram (1)" in shown
        assert "Nils Nilsson (Miljönämnden) · sista ansökningsdag för Gröna tak i Malmö (EU-2027-0007)" in shown
        assert "Har aldrig skrivit till Lotsen" in shown
        assert "Meddelanden som inte har nått fram (0)" in shown and "Inga: alla meddelanden har nått fram." in shown
        assert_fits_a_phone([card])

        # An official is not shown who else was missed.
        standin.clear()
        assert (await client.post("/api/messages", json=message(service_url, "ej nådda", user_id="29:olle"))
                ).status == 201
        assert standin.texts() == ["Listan över det som inte nått fram kan bara KS-samordnare och administratörer se."]
    finally:
        await engine.dispose()


async def test_when_every_reminder_got_through_the_coordinator_is_told_so(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    assert (await client.post("/api/messages", json=message(service_url, "hej", user_id="29:karin"))).status == 201
    await operator_places(database_url, [("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen")])
    standin.clear()
    assert (await client.post("/api/messages", json=message(service_url, "unreached", user_id="29:karin",
                                                            locale="en-US"))).status == 201
    assert standin.texts() == ["Everything got through: every reminder of the last 30 days and every notice – none is "
                               "waiting and none was given up."]
