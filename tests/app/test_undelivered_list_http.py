"""One coordinators' list of what did not reach people, whichever of its words is written ("ej nådda",
"meddelanden som inte nått fram", "undelivered"): one card with the reminders given up because their recipient
could not be reached and the notices still tried or given up, each section cut and counted; over HTTP as Teams
drives the bot, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.db import create_engine, create_session_factory
from storage.models import NoticeKind, Reminder, ReminderState, Role, utc_now
from storage.notices import NoticeSpec, claim_due, enqueue, mark_failed
from storage.reminders import schedule
from storage.users import get_user_by_teams_id
from tests.support.activities import message
from tests.support.people import operator_places
from tests.support.phone_cards import assert_fits_a_phone
from tests.support.reminder_setup import Clock, add_user, deadline_spec, malmo, teams_scheduler

SHOWN = 20  # what a section shows before it counts the rest (dialogs/reminders/undelivered.py)
KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"


async def _given_up_reminders(session_factory, service_url: str, count: int) -> None:
    """`count` deadline reminders to Nils, who never wrote to Lotsen: each is given up, unreached."""
    async with session_factory.begin() as session:
        nils = await add_user(session, "29:nils", "Nils Nilsson", service_url=None, organisation_slug="miljonamnden")
        for number in range(count):  # one application each: several about one subject would be one reminder
            await schedule(session, deadline_spec(user_id=nils.id, application_id=100 + number,
                                                  due_at=malmo("2027-03-01 09:00"), key=f"nils-{number}"))
    async with teams_scheduler(session_factory, Clock(malmo("2027-03-01 09:00"))) as scheduler:
        await scheduler.run_due()
    async with session_factory() as session:
        failed = await session.scalar(select(func.count()).select_from(Reminder)
                                      .where(Reminder.state == ReminderState.FAILED))
    assert failed == count


async def _undelivered_notices(session_factory, anna_id: int, trying: int) -> None:
    """`trying` notices to Anna still being tried (their next attempt years ahead, so the app's outbox leaves
    them), named as users typed them; and, newest, one to KS förvaltning's channel given up."""
    later = utc_now() + timedelta(days=1000)
    async with session_factory.begin() as session:
        for _ in range(trying):
            await enqueue(session, NoticeSpec(
                NoticeKind.REVIEW_OUTCOME, "annual_report", 1, recipient_user_id=anna_id,
                details={"subject_name": "[logga in](https://evil.example)", "recipient_name": "Anna *Andersson*"},
            ), due_at=later)
        given_up = await enqueue(session, NoticeSpec(NoticeKind.KS_APPLICATION, "application", 1,
                                                     recipient_conversation_id=KS_CHANNEL,
                                                     details={"subject_name": "Cirkulära Malmö"}),
                                  due_at=later - timedelta(days=1))
    async with session_factory.begin() as session:  # due before the others: the one the test's outbox takes
        [claimed] = await claim_due(session, now=later - timedelta(days=1), owner="the-test",
                                    lease=timedelta(minutes=5), limit=SHOWN)
        assert claimed.id == given_up.id
    async with session_factory.begin() as session:
        assert await mark_failed(session, given_up.id, owner="the-test", error="HTTP 503: busy")


async def test_a_coordinator_sees_reminders_and_notices_in_one_card(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    for user_id in ("29:karin", "29:olle", "29:anna"):
        assert (await client.post("/api/messages", json=message(service_url, "hej", user_id=user_id))).status == 201
    await operator_places(database_url, [("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen")])
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        await _given_up_reminders(session_factory, service_url, SHOWN + 1)
        async with session_factory() as session:
            anna = await get_user_by_teams_id(session, "29:anna")
        await _undelivered_notices(session_factory, anna.id, SHOWN + 1)
    finally:
        await engine.dispose()

    cards = []
    for words in ("ej nådda", "meddelanden som inte nått fram"):
        standin.clear()
        assert (await client.post("/api/messages", json=message(service_url, words, user_id="29:karin"))
                ).status == 201
        [card] = standin.cards()
        cards.append(card)
    assert cards[0] == cards[1]  # both words, one list
    texts = [block["text"] for block in cards[0]["body"]]
    assert texts[0] == "Det som inte nått fram"
    reminders_at = texts.index("Påminnelser som inte nådde fram (21)")
    notices_at = texts.index("Meddelanden som inte har nått fram (22)")
    assert reminders_at < notices_at
    reminders, notices = texts[reminders_at:notices_at], texts[notices_at:]
    assert sum(text.startswith("• Nils Nilsson (Miljönämnden) · sista ansökningsdag för Gröna tak i Malmö "
                               "(EU-2027-0007)") for text in reminders) == SHOWN
    assert reminders.count("Har aldrig skrivit till Lotsen, och Lotsen får inte installeras åt användare här.") \
        == SHOWN
    assert "(visar de 20 första av 21)" in reminders
    # Newest first: the one given up, then those still tried; what users typed is shown as written.
    assert notices[2] == "• Ansökan ”Cirkulära Malmö” till kommunstyrelsens förvaltnings kanal"
    assert notices[3].startswith("Gav upp ") and notices[3].endswith(" · 1 försök · senaste fel: HTTP 503: busy")
    assert notices[4] == ("• Beskedet om årsredovisningen för \\[logga in\\](https\\://evil.example) till "
                          "Anna \\*Andersson\\*")
    assert notices[5].startswith("Försöker igen ") and " · 0 försök · senaste fel: –" in notices[5]
    assert sum(text.startswith("• ") for text in notices) == SHOWN
    assert notices[-1] == "(visar de 20 första av 22)"
    assert_fits_a_phone(cards)

    standin.clear()
    assert (await client.post("/api/messages", json=message(service_url, "undelivered", user_id="29:karin",
                                                            locale="en-US"))).status == 201
    [english] = standin.cards()
    texts = [block["text"] for block in english["body"]]
    assert texts[0] == "Not delivered"
    assert "Reminders that did not get through (21)" in texts and "Notices that have not been delivered (22)" in texts
    assert_fits_a_phone([english])

    # An official is not shown who else was missed, whichever words they use.
    for words in ("ej nådda", "olevererade meddelanden"):
        standin.clear()
        assert (await client.post("/api/messages", json=message(service_url, words, user_id="29:olle"))
                ).status == 201
        assert standin.texts() == ["Listan över det som inte nått fram kan bara KS-samordnare och administratörer se."]


async def test_when_nothing_is_undelivered_the_coordinator_is_told_so_once(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, reminder_poll_seconds=0)
    assert (await client.post("/api/messages", json=message(service_url, "hej", user_id="29:karin"))).status == 201
    await operator_places(database_url, [("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen")])
    for words in ("det som inte nått fram", "olevererade"):
        standin.clear()
        assert (await client.post("/api/messages", json=message(service_url, words, user_id="29:karin"))
                ).status == 201
        assert standin.texts() == ["Allt har nått fram: alla påminnelser de senaste 30 dagarna och alla meddelanden "
                                   "– inget väntar och inget har gett upp."]
