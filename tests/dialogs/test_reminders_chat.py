"""Reminders in chat: the delivered card's buttons sent back, "mina påminnelser", pausing and resuming a kind.

Cards are delivered by the real scheduler through the Teams path to the connector stand-in; what the user
presses is sent back, as Teams would send it, through botbuilder's TestAdapter to the chat handler, which
is what LotsenBot hands these turns to. Both databases.
"""

from __future__ import annotations

from botbuilder.core import ConversationState, MemoryStorage, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet
from botbuilder.schema import ChannelAccount
from sqlalchemy import select

from bot.card_text import render_attachment
from dialogs.reminders.commands import ReminderCommands, ReminderRequest
from dialogs.common.turn import Turn
from storage.models import Reminder, ReminderState, Role
from storage.reminders import get_reminder, schedule
from tests.support.chat import chat_adapter, say
from tests.support.reminder_setup import (
    Clock,
    add_channel,
    add_user,
    button_data,
    deadline_spec,
    information_item_spec,
    malmo,
    reminder_ids_received,
    teams_scheduler,
)

ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")
BO = ChannelAccount(id="29:bo", name="Bo Berg")
KARIN = ChannelAccount(id="29:karin", name="Karin Karlsson")
NOT_FOR_US = "(inte en påminnelse)"


def _adapter(session_factory, clock: Clock, user: ChannelAccount = ANNA, locale: str = "sv-SE") -> TestAdapter:
    commands = ReminderCommands(session_factory, hour=9, clock=clock)
    dialogs = DialogSet(ConversationState(MemoryStorage()).create_property("DialogState"))

    async def on_turn(turn_context: TurnContext) -> None:  # what the reminder rows of bot/routes.py do
        activity = turn_context.activity
        request = ReminderCommands.recognise(activity.text or "", activity.value)
        if request is None:
            await turn_context.send_activity(NOT_FOR_US)
        else:
            await commands.handle(Turn.of(await dialogs.create_context(turn_context)), request)

    return chat_adapter(on_turn, user, conversation_id=f"a:personal-{user.id}", locale=locale)


async def _say(adapter: TestAdapter, message: str | None = None, value: dict | None = None) -> str:
    """Sends a message (or a button's value) and returns everything the replies say, cards as text without
    their buttons."""
    lines = []
    for reply in await say(adapter, message, value):
        if reply.text:
            lines.append(reply.text)
        for attachment in reply.attachments or []:
            lines.extend(render_attachment(attachment.content_type, attachment.content).lines)
    return "\n".join(lines)


async def _reminder(session_factory, reminder_id: int) -> Reminder:
    async with session_factory() as session:
        return await get_reminder(session, reminder_id)


async def _ids(session_factory) -> dict[str, int]:
    async with session_factory() as session:
        return dict((await session.execute(select(Reminder.idempotency_key, Reminder.id))).all())


async def _anna_with_three_deadline_reminders(session_factory, service_url: str) -> int:
    async with session_factory.begin() as session:
        anna = await add_user(session, ANNA.id, ANNA.name, service_url=service_url)
        for days_before, due in ((14, "2027-03-01 09:00"), (7, "2027-03-08 09:00"), (2, "2027-03-12 09:00")):
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo(due), days_before=days_before))
    return anna.id


async def test_klart_on_the_delivered_card_ends_the_reminders_of_that_deadline(session_factory, connector):
    standin, service_url = connector
    await _anna_with_three_deadline_reminders(session_factory, service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
        [card] = standin.cards()

        clock.set(malmo("2027-03-01 10:15"))
        chat = _adapter(session_factory, clock)
        reply = await _say(chat, value=button_data(card, "reminder_done"))
        assert reply == "Klart! Jag slutar påminna om sista ansökningsdag för Gröna tak i Malmö (EU-2027-0007)."

        ids = await _ids(session_factory)
        done = await _reminder(session_factory, ids["application_deadline:7:2027-03-15:14"])
        assert (done.state, done.done_at) == (ReminderState.DONE, clock.now)
        for days_before in (7, 2):
            later = await _reminder(session_factory, ids[f"application_deadline:7:2027-03-15:{days_before}"])
            assert later.state == ReminderState.CANCELLED

        for moment in ("2027-03-08 09:00", "2027-03-12 09:00"):
            clock.set(malmo(moment))
            assert (await scheduler.run_due()).delivered == 0
    assert len(standin.cards()) == 1

    # Pressed again on the same card: nothing changes, and the user is told so.
    assert (await _say(chat, value=button_data(card, "reminder_done"))).startswith("Det är redan markerat som klart")


async def test_snooze_on_the_card_brings_the_reminder_back_a_week_later_at_the_reminder_hour(session_factory, connector):
    standin, service_url = connector
    await _anna_with_three_deadline_reminders(session_factory, service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        await scheduler.run_due()
        [card] = standin.cards()
        reminder_id = button_data(card, "reminder_snooze")["reminder_id"]

        clock.set(malmo("2027-03-01 14:37"))
        reply = await _say(_adapter(session_factory, clock), value=button_data(card, "reminder_snooze"))
        assert reply == ("Okej, jag påminner dig igen den 8 mars 2027 om sista ansökningsdag för Gröna tak i Malmö "
                         "(EU-2027-0007).")
        snoozed = await _reminder(session_factory, reminder_id)
        assert (snoozed.state, snoozed.due_at) == (ReminderState.SNOOZED, malmo("2027-03-08 09:00"))

        clock.set(malmo("2027-03-08 08:59"))
        assert (await scheduler.run_due()).delivered == 0
        clock.set(malmo("2027-03-08 09:00"))
        # The snoozed card and the 7-day one fall due together: one pile, so one card, the latest (7 days).
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.superseded) == (1, 1)
    received = reminder_ids_received(standin.cards())
    assert received[reminder_id] == 1 and sum(received.values()) == 2
    assert "om 7 dagar" in standin.cards()[-1]["body"][1]["text"]


async def test_a_snooze_onto_a_holiday_comes_on_the_working_day_before(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, ANNA.id, ANNA.name, service_url=service_url)
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-22 09:00"),
                                              deadline="2027-04-06", days_before=15))
    [reminder_id] = (await _ids(session_factory)).values()
    # A week after Monday 22 March is annandag påsk, and the Friday before it långfredagen.
    clock = Clock(malmo("2027-03-22 11:00"))
    reply = await _say(_adapter(session_factory, clock), value={"action": "reminder_snooze", "reminder_id": reminder_id})
    assert "den 25 mars 2027" in reply
    assert (await _reminder(session_factory, reminder_id)).due_at == malmo("2027-03-25 09:00")


async def test_only_the_recipient_may_close_or_snooze_a_reminder(session_factory, connector):
    standin, service_url = connector
    await _anna_with_three_deadline_reminders(session_factory, service_url)
    async with session_factory.begin() as session:
        await add_user(session, BO.id, BO.name, service_url=service_url)
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        await scheduler.run_due()
    [card] = standin.cards()
    bo = _adapter(session_factory, clock, user=BO)
    refused = "Den påminnelsen gick till någon annan, så jag kan inte ändra den åt dig."
    assert await _say(bo, value=button_data(card, "reminder_done")) == refused
    assert await _say(bo, value=button_data(card, "reminder_snooze")) == refused
    reminder = await _reminder(session_factory, button_data(card, "reminder_done")["reminder_id"])
    assert reminder.state == ReminderState.SENT

    gone = {"action": "reminder_done", "reminder_id": 987654}
    assert (await _say(_adapter(session_factory, clock), value=gone)).startswith("Jag hittar inte den påminnelsen")


async def test_a_ks_coordinator_closes_a_reminder_posted_in_the_ks_channel(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        await add_channel(session, "19:ks@thread.tacv2", service_url)
        await add_user(session, KARIN.id, KARIN.name, service_url=None, role=Role.KS_COORDINATOR,
                       organisation_slug="kommunstyrelsen")
        await add_user(session, ANNA.id, ANNA.name, service_url=None)
        await schedule(session, deadline_spec(conversation_id="19:ks@thread.tacv2", due_at=malmo("2027-03-01 09:00")))
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        await scheduler.run_due()
    [card] = standin.cards()
    done = button_data(card, "reminder_done")
    assert (await _say(_adapter(session_factory, clock, user=ANNA), value=done)).startswith("Den påminnelsen gick")
    assert (await _say(_adapter(session_factory, clock, user=KARIN), value=done)).startswith("Klart!")


async def test_my_reminders_lists_what_is_coming_soonest_first_in_malmo_time(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, ANNA.id, ANNA.name, service_url=service_url)
        bo = await add_user(session, BO.id, BO.name, service_url=service_url)
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-06-01 09:00"), deadline="2027-06-15",
                                              project="Sommarskolor", reference="EU-2027-0009", application_id=9))
        await schedule(session, information_item_spec(user_id=anna.id, due_at=malmo("2027-03-08 09:00")))
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00")))  # sent below
        await schedule(session, deadline_spec(user_id=bo.id, due_at=malmo("2027-03-02 09:00"), key="bo's"))
    clock = Clock(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1

    listing = await _say(_adapter(session_factory, clock), "mina påminnelser")
    assert listing.splitlines() == [
        "Mina påminnelser",
        "Det här påminner jag dig om härnäst, det närmaste först.",
        "• 8\u00a0mars\u00a02027 kl.\u00a009.00 · informationsärendet för Gröna tak i Malmö (EU-2027-0007)",
        # Summer time, still 09.00.
        "• 1\u00a0juni\u00a02027 kl.\u00a009.00 · sista ansökningsdag för Sommarskolor (EU-2027-0009)",
        "Skriv till exempel ”pausa påminnelser om informationsärenden” för att pausa en sorts påminnelser.",
    ]
    english = await _say(_adapter(session_factory, clock, locale="en-US"), "My reminders")
    assert english.splitlines()[0:3] == [
        "My reminders",
        "This is what I will remind you of next, soonest first.",
        "• 8\u00a0March\u00a02027 at 09:00 · the information item of Gröna tak i Malmö (EU-2027-0007)",
    ]
    karin = _adapter(session_factory, clock, user=KARIN)
    assert await _say(karin, "mina påminnelser") == "Du har inga kommande påminnelser."  # not known to Lotsen yet


async def test_a_paused_kind_is_not_sent_until_it_is_resumed(session_factory, connector):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, ANNA.id, ANNA.name, service_url=service_url)
        await schedule(session, information_item_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00")))
        await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-03-01 09:00")))
    clock = Clock(malmo("2027-02-26 16:00"))
    chat = _adapter(session_factory, clock)
    assert await _say(chat, "Pausa påminnelser om informationsärenden") == (
        "Okej, jag pausar påminnelser om informationsärenden. Skriv ”återuppta påminnelser om informationsärenden” "
        "när du vill ha dem igen.")
    assert (await _say(chat, "pausa påminnelser om informationsärendet")).startswith(
        "Påminnelser om informationsärenden är redan pausade.")

    listing = await _say(chat, "mina påminnelser")
    assert ("• 1\u00a0mars\u00a02027 kl.\u00a009.00 · informationsärendet för Gröna tak i Malmö (EU-2027-0007) "
            "(pausad)") in listing
    assert "Pausade: informationsärenden." in listing

    clock.set(malmo("2027-03-01 09:00"))
    async with teams_scheduler(session_factory, clock) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
        assert [card["body"][0]["text"] for card in standin.cards()] == [
            "Sista ansökningsdag närmar sig: Gröna tak i Malmö"]

        clock.set(malmo("2027-03-01 12:00"))
        assert await _say(chat, "återuppta påminnelser om informationsärenden") == (
            "Okej, jag påminner dig om informationsärenden igen.")
        assert (await scheduler.run_due()).delivered == 1
        assert standin.cards()[-1]["body"][0]["text"] == "Informationsärende till kommunstyrelsen: Gröna tak i Malmö"
    assert await _say(chat, "återuppta påminnelser om informationsärenden") == (
        "Påminnelser om informationsärenden är inte pausade, så du får dem redan.")


async def test_pausing_understands_each_kind_in_either_language_and_asks_when_none_is_named(session_factory):
    async with session_factory.begin() as session:
        await add_user(session, ANNA.id, ANNA.name, service_url=None)
    clock = Clock(malmo("2027-03-01 09:00"))
    chat = _adapter(session_factory, clock)
    assert (await _say(chat, "pausa ansökningar")).startswith("Okej, jag pausar påminnelser om sista ansökningsdag.")
    assert (await _say(chat, "pausa påminnelser om årsredovisningen")).startswith(
        "Okej, jag pausar påminnelser om årsredovisning.")
    assert (await _say(chat, "pause reminders about contact persons")).startswith(
        "Okej, jag pausar påminnelser om kontaktpersoner.")  # English words, Swedish user: answered in Swedish
    assert await _say(chat, "pausa påminnelser") == (
        "Vilka påminnelser menar du? Skriv till exempel ”pausa påminnelser om informationsärenden”. Det finns "
        "påminnelser om: sista ansökningsdag, informationsärenden, årsredovisning och kontaktpersoner.")
    assert await _say(chat, "pausa musiken") == NOT_FOR_US
    assert await _say(chat, "vad är en påminnelse?") == NOT_FOR_US

    english = _adapter(session_factory, clock, locale="en-US")
    assert await _say(english, "Resume reminders about the annual report") == (
        "All right, I will remind you about the annual report again.")


def test_the_turns_that_are_reminder_requests():
    assert ReminderCommands.recognise("", {"action": "reminder_done", "reminder_id": 5}) == ReminderRequest(
        "done", reminder_id=5)
    assert ReminderCommands.recognise("", {"action": "reminder_snooze", "reminder_id": "5"}) == ReminderRequest(
        "snooze", reminder_id=5)
    assert ReminderCommands.recognise("Mina påminnelser!", None) == ReminderRequest("list")
    assert ReminderCommands.recognise("återuppta kontaktpersoner", None) == ReminderRequest(
        "resume", kind="missing_contact_person")
    assert ReminderCommands.recognise("", {"action": "open_application", "application_id": 5}) is None
    assert ReminderCommands.recognise("mina ansökningar", None) is None
    assert ReminderCommands.recognise("återuppta", None) is None

