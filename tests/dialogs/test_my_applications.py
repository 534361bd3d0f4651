""""Mina ansökningar" through botbuilder's TestAdapter, on real state storage and both databases.

The test bot does what LotsenBot does for this dialog: continue it when it is active, start it on one of its
commands, and say so when the dialog hands a message back. Applications are made with the storage functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount
from sqlalchemy import select

from bot.sql_storage import SqlStorage
from bot.terminal_chat import TerminalAdapter, TerminalConversation
from dialogs.applications.application_cards import describe_event
from dialogs.common.chat_commands import passed_on
from dialogs.applications.my_applications import MyApplicationsDialog
from reports.download_links import verify_information_item_link
from settings import Settings
from storage.application_data import ApplicationData, ApplicationStatus, InformationItemStatus, MalmoRole, Money
from storage.applications import application_reference, create_application, record_ks_administration_informed
from storage.models import Application, ApplicationEvent, ApplicationEventKind, InformationItem, Role
from storage.organisations import get_organisation
from storage.users import get_user_by_teams_id
from tests.support.chat import buttons, chat_adapter, say, text_of
from tests.support.people import make_user

TODAY = date(2027, 4, 2)  # the dialog's "today": after the dates the tests mark as sent
ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")  # official, Miljönämnden
BO = ChannelAccount(id="29:bo", name="Bo Berg")  # official, Fritidsnämnden
KARIN = ChannelAccount(id="29:karin", name="Karin Karlsson")  # KS coordinator
NILS = ChannelAccount(id="29:nils", name="Nils Nilsson")  # organisation not known yet
NOT_FOR_THE_DIALOG = "(inte för dialogen)"
LINK_SECRET = "secret of the test instance"
LINK_SETTINGS = {"public_base_url": "https://lotsen.malmo.se", "download_link_secret": LINK_SECRET}
PASSED_ON = "(lämnades vidare)"
DOWNLOAD = "Ladda ner informationsärendet (Word)"


def _link_user(url: str, application_id: int) -> int:
    """The user a download link of the informationsärende of `application_id` was signed for."""
    link = urlsplit(url)
    assert f"{link.scheme}://{link.netloc}{link.path}" == \
        f"https://lotsen.malmo.se/downloads/information-item/{application_id}.docx"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    return verify_information_item_link(LINK_SECRET, application_id=application_id, fmt="docx", user=query["user"],
                                        expires=query["expires"], signature=query["signature"],
                                        now=datetime.now(timezone.utc))


async def _user_id(session_factory, account: ChannelAccount) -> int:
    async with session_factory() as session:
        return (await get_user_by_teams_id(session, account.id)).id


@dataclass
class Seeded:
    green_roofs: Application  # Miljönämnden, 14,5 MSEK: informationsärende to do, KS informed
    sports: Application  # Fritidsnämnden, 1,2 MEUR
    harbour: Application  # Miljönämnden, partner, 3 MSEK: no informationsärende

    def reference(self, name: str) -> str:
        return application_reference(getattr(self, name))


async def _user(session, account: ChannelAccount, slug: str | None, role: Role = Role.OFFICIAL):
    organisation = await get_organisation(session, slug) if slug is not None else None
    return await make_user(session, account.id, account.name, organisation, role)


async def _seed(session_factory) -> Seeded:
    async with session_factory.begin() as session:
        anna = await _user(session, ANNA, "miljonamnden")
        bo = await _user(session, BO, "fritidsnamnden")
        await _user(session, KARIN, "kommunstyrelsen", Role.KS_COORDINATOR)
        await _user(session, NILS, None)
        environment = await get_organisation(session, "miljonamnden")
        leisure = await get_organisation(session, "fritidsnamnden")
        green_roofs, _ = await create_application(
            session,
            data=ApplicationData(
                project_name="Gröna tak i Malmö",
                description="Vi bygger gröna tak på skolor för att minska översvämningar.",
                programme="interreg_oks",
                call_identifier="ÖKS-2027-1",
                organisation_slug="miljonamnden",
                malmo_role=MalmoRole.OWNER,
                total_budget=Money.of(14_500_000, "SEK"),
                malmo_share=Money.of(2_000_000, "SEK"),
                planned_submission_date=date(2027, 3, 1),
                call_deadline=date(2027, 3, 15),
                project_start=date(2027, 9, 1),
                project_end=date(2029, 8, 31),
                contact_name="Anna Andersson",
                aligned_with_policy=True,
                decision_anchored=False,
            ),
            organisation=environment,
            created_by=anna,
            submission_key="green-roofs",
            eur_sek_rate=None,
            information_item_required=True,
            information_item_draft="Informationsärende: Gröna tak i Malmö",
        )
        await record_ks_administration_informed(
            session, green_roofs, at=datetime(2027, 2, 10, 13, 5, tzinfo=timezone.utc), actor=None
        )
        sports, _ = await create_application(
            session,
            data=ApplicationData(project_name="Idrott utan gränser", programme="erasmus_plus",
                                 organisation_slug="fritidsnamnden", malmo_role=MalmoRole.OWNER,
                                 total_budget=Money.of(1_200_000, "EUR")),
            organisation=leisure,
            created_by=bo,
            submission_key="sports",
            eur_sek_rate=11.0,
            information_item_required=True,
            information_item_draft="Informationsärende: Idrott utan gränser",
        )
        harbour, _ = await create_application(
            session,
            data=ApplicationData(project_name="Hamnens omställning", programme="other",
                                 programme_other="Nordiska ministerrådet", organisation_slug="miljonamnden",
                                 malmo_role=MalmoRole.PARTNER, total_budget=Money.of(3_000_000, "SEK")),
            organisation=environment,
            created_by=anna,
            submission_key="harbour",
            eur_sek_rate=None,
            information_item_required=False,
            information_item_draft=None,
        )
    return Seeded(green_roofs, sports, harbour)


def _bot(session_factory):
    """What LotsenBot does for this dialog, on the real state storage."""
    conversation_state = ConversationState(SqlStorage(session_factory))
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    dialogs.add(MyApplicationsDialog(session_factory, Settings(_env_file=None, **LINK_SETTINGS),
                                     today=lambda: TODAY))

    async def on_turn(turn_context: TurnContext) -> None:
        dialog_context = await dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            activity = turn_context.activity
            options = MyApplicationsDialog.start_options(activity.text or "", activity.value)
            if options is None:
                await turn_context.send_activity(NOT_FOR_THE_DIALOG)
            else:
                await dialog_context.begin_dialog(MyApplicationsDialog.__name__, options)
        elif passed_on(result):
            await turn_context.send_activity(PASSED_ON)
        await conversation_state.save_changes(turn_context)

    return on_turn


def _adapter(session_factory, user: ChannelAccount = ANNA, locale: str = "sv-SE") -> TestAdapter:
    return chat_adapter(_bot(session_factory), user, locale=locale)


async def _application(session_factory, application_id: int) -> tuple[Application, InformationItem | None]:
    async with session_factory() as session:
        application = await session.get(Application, application_id)
        item = await session.scalar(select(InformationItem).where(InformationItem.application_id == application_id))
        return application, item


async def _events(session_factory, application_id: int, kind: ApplicationEventKind) -> list[ApplicationEvent]:
    async with session_factory() as session:
        result = await session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id, ApplicationEvent.kind == kind)
            .order_by(ApplicationEvent.id)
        )
        return list(result.all())


# --- the list ---------------------------------------------------------------------------------------------


async def test_an_official_sees_the_own_organisations_applications_only(session_factory):
    seeded = await _seed(session_factory)
    replies = await say(_adapter(session_factory), "mina ansökningar")
    shown = text_of(replies)
    assert "Mina ansökningar" in shown
    assert "Registrerade EU-ansökningar för Miljönämnden." in shown
    assert f"{seeded.reference('green_roofs')} · Gröna tak i Malmö" in shown
    assert f"{seeded.reference('harbour')} · Hamnens omställning" in shown
    assert "Program eller fond: Interreg Öresund-Kattegat-Skagerrak" in shown
    assert "Program eller fond: Nordiska ministerrådet (annat program)" in shown
    assert "Status: Utkast" in shown
    assert "Totalbudget: 14\u00a0500\u00a0000\u00a0kr" in shown
    assert "Informationsärende till KS: att göra" in shown
    # Fritidsnämnden's application is not there, not even its number.
    assert "Idrott utan gränser" not in shown
    assert seeded.reference("sports") not in shown
    assert buttons(replies)[f"Öppna {seeded.reference('green_roofs')}"] == {
        "action": "open_application", "application_id": seeded.green_roofs.id}
    # The partner application needs no informationsärende, so its row has no such line: one line in all.
    assert shown.count("Informationsärende till KS") == 1


async def test_a_ks_coordinator_sees_every_organisations_applications(session_factory):
    seeded = await _seed(session_factory)
    shown = text_of(await say(_adapter(session_factory, KARIN), "mina ansökningar"))
    assert "Alla registrerade EU-ansökningar" in shown
    for name in ("green_roofs", "sports", "harbour"):
        assert seeded.reference(name) in shown
    assert "Nämnd eller bolag: Fritidsnämnden" in shown
    assert "Nämnd eller bolag: Miljönämnden" in shown
    # A budget in euro is also shown in kronor, at the rate stored with the application.
    assert ("Totalbudget: 1\u00a0200\u00a0000\u00a0euro (ungefär 13\u00a0200\u00a0000\u00a0kr med kursen "
            "11\u00a0kr per euro)") in shown


async def test_a_long_list_shows_the_newest_page_and_says_how_many_there_are(session_factory):
    seeded = await _seed(session_factory)
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        anna = await get_user_by_teams_id(session, ANNA.id)
        for number in range(25):
            await create_application(
                session, data=ApplicationData(project_name=f"Projekt {number}", organisation_slug="miljonamnden"),
                organisation=environment, created_by=anna, submission_key=f"more-{number}", eur_sek_rate=None,
                information_item_required=False, information_item_draft=None)
    replies = await say(_adapter(session_factory, KARIN), "mina ansökningar")
    shown = text_of(replies)
    assert "Visar de 25 senaste av 28." in shown
    assert len([label for label in buttons(replies) if label.startswith("Öppna")]) == 25
    assert "Projekt 24" in shown and "Projekt 0" in shown  # the newest 25
    for older in ("green_roofs", "sports", "harbour"):  # registered before the 25
        assert f"Öppna {seeded.reference(older)}" not in buttons(replies)
    # The official of Miljönämnden sees the newest 25 of the organisation's 27.
    assert "Visar de 25 senaste av 27." in text_of(await say(_adapter(session_factory), "mina ansökningar"))


async def test_the_list_in_english(session_factory):
    seeded = await _seed(session_factory)
    replies = await say(_adapter(session_factory, locale="en-US"), "my applications")
    shown = text_of(replies)
    assert "My applications" in shown
    assert "Total budget: SEK\u00a014,500,000" in shown
    assert "Status: Draft" in shown
    assert f"[Open {seeded.reference('green_roofs')}]" in shown


async def test_no_applications_and_no_organisation_get_a_friendly_text(session_factory):
    async with session_factory.begin() as session:
        await _user(session, ANNA, "miljonamnden")
        await _user(session, NILS, None)
    [reply] = await say(_adapter(session_factory), "mina ansökningar")
    assert reply.text == "Du har inga registrerade ansökningar än. Skriv ”registrera ansökan” för att registrera en."
    [reply] = await say(_adapter(session_factory, NILS), "Mina ansökningar")
    assert reply.text.startswith("Du har inga registrerade ansökningar än")  # no organisation, nothing registered
    assert "registrera ansökan" in reply.text


# --- one application --------------------------------------------------------------------------------------


async def test_opening_an_own_application_shows_every_field_the_obligations_and_the_history(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    listed = await say(adapter, "mina ansökningar")
    reference = seeded.reference("green_roofs")
    replies = await say(adapter, value=buttons(listed)[f"Öppna {reference}"])
    shown = text_of(replies)
    assert f"{reference} · Gröna tak i Malmö" in shown
    assert "Miljönämnden · Status: utkast" in shown
    assert "Vi bygger gröna tak på skolor" in shown
    for line in (
        "Utlysning: ÖKS-2027-1",
        "Malmö stads roll: Projektägare (lead partner eller koordinator)",
        "Totalbudget: 14\u00a0500\u00a0000\u00a0kr",
        "Malmö stads andel: 2\u00a0000\u00a0000\u00a0kr",
        "Planerad inlämning: 1\u00a0mars\u00a02027",
        "Sista ansökningsdag: 15\u00a0mars\u00a02027",
        "Väntat beslut: –",
        "Projektperiod: 1\u00a0september\u00a02027 – 31\u00a0augusti\u00a02029",
        "Kontaktperson: Anna Andersson",
        "I linje med policy, styrdokument och mål: Ja",
        "Beslutad och förankrad i nämnden: Nej",
        # 13.05 UTC is 14.05 in Malmö in February.
        "Kommunstyrelsens förvaltning: Informerad den 10\u00a0februari\u00a02027 kl.\u00a014.05",
        "Informationsärende till KS: Att göra",
        "Anna Andersson: registrerade ansökan",
        "Lotsen: informerade kommunstyrelsens förvaltning",
    ):
        assert line in shown, line
    assert ["Ändra status", DOWNLOAD, "Informationsärendet är skickat", "Tillbaka till listan"] == list(
        buttons(replies))
    # A new link each time it is opened, for the user who opened it.
    assert _link_user(buttons(replies)[DOWNLOAD]["url"], seeded.green_roofs.id) == \
        (await _user_id(session_factory, ANNA))


async def test_typing_the_number_opens_it_too(session_factory):
    seeded = await _seed(session_factory)
    reference = seeded.reference("harbour")
    shown = text_of(await say(_adapter(session_factory), f"öppna {reference}"))
    assert f"{reference} · Hamnens omställning" in shown
    assert "Kommunstyrelsens förvaltning: Behöver inte informeras: Malmö stad är partner" in shown
    assert "Informationsärende till KS: Krävs inte" in shown
    assert DOWNLOAD not in shown  # no informationsärende to download
    assert "Informationsärendet är skickat" not in shown
    # With the dialog open, "visa <id>" opens another one.
    shown = text_of(await say(_adapter(session_factory), f"visa {seeded.green_roofs.id}"))
    assert "Gröna tak i Malmö" in shown


async def test_another_organisations_application_is_refused_and_nothing_of_it_shown(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "mina ansökningar")
    by_button = await say(adapter, value={"action": "open_application", "application_id": seeded.sports.id})
    assert [reply.text for reply in by_button] == ["Du har inte behörighet att se den ansökan."]
    assert not any(reply.attachments for reply in by_button)
    by_typing = await say(adapter, f"öppna {seeded.reference('sports')}")
    assert [reply.text for reply in by_typing] == ["Du har inte behörighet att se den ansökan."]
    # Changing it is refused as well, and changes nothing.
    refused = await say(adapter, value={"action": "set_application_status", "application_id": seeded.sports.id,
                                         "status": "granted"})
    assert [reply.text for reply in refused] == ["Du har inte behörighet att se den ansökan."]
    sports, _ = await _application(session_factory, seeded.sports.id)
    assert sports.status == ApplicationStatus.DRAFT
    # The list is still open: the user's own application can be opened next.
    assert "Gröna tak i Malmö" in text_of(await say(adapter, f"öppna {seeded.reference('green_roofs')}"))
    # A coordinator may open it, and download its informationsärende with a link of her own.
    opened = await say(_adapter(session_factory, KARIN), f"öppna {seeded.reference('sports')}")
    assert "Idrott utan gränser" in text_of(opened)
    assert _link_user(buttons(opened)[DOWNLOAD]["url"], seeded.sports.id) == \
        (await _user_id(session_factory, KARIN))


async def test_an_unknown_number_is_said_plainly(session_factory):
    await _seed(session_factory)
    adapter = _adapter(session_factory)
    [reply] = await say(adapter, "öppna EU-2026-9999")
    assert reply.text.startswith("Jag hittar ingen ansökan med nummer EU-2026-9999.")
    # The dialog did not stay open for it.
    assert [r.text for r in await say(adapter, "status beviljad")] == [NOT_FOR_THE_DIALOG]


# --- changing it ------------------------------------------------------------------------------------------


async def test_changing_the_status_records_an_event(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    opened = await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    choices = await say(adapter, value=buttons(opened)["Ändra status"])
    shown = text_of(choices)
    assert "Vilken status har" in shown and "Just nu: utkast." in shown
    assert list(buttons(choices)) == ["Inskickad", "Beviljad", "Avslagen", "Pågående", "Avslutad", "Tillbaka"]

    replies = await say(adapter, value=buttons(choices)["Inskickad"])
    assert replies[0].text == f"Klart: {seeded.reference('green_roofs')} har nu status inskickad."
    assert "Anna Andersson: ändrade status från utkast till inskickad" in text_of(replies[1:])

    # Typed, with the detail view open.
    replies = await say(adapter, "status beviljad")
    assert replies[0].text.endswith("har nu status beviljad.")
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.status == ApplicationStatus.GRANTED
    events = await _events(session_factory, seeded.green_roofs.id, ApplicationEventKind.STATUS_CHANGED)
    assert [event.details for event in events] == [{"from": "draft", "to": "submitted"},
                                                   {"from": "submitted", "to": "granted"}]
    async with session_factory() as session:
        anna = await get_user_by_teams_id(session, ANNA.id)
    assert {event.actor_user_id for event in events} == {anna.id}


async def test_a_grant_asks_for_the_amount_granted_and_keeps_it(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    reference = seeded.reference("green_roofs")
    await say(adapter, f"öppna {reference}")
    replies = await say(adapter, "status beviljad")
    assert replies[0].text == f"Klart: {reference} har nu status beviljad."
    assert replies[1].text.startswith(f"Hur mycket beviljades för {reference}?")

    # Not an amount, then a negative one: asked again with an example each time, nothing stored.
    retry = await say(adapter, "det minns jag inte riktigt")
    assert "Skriv till exempel ”4 500 000 kr”" in retry[0].text
    negative = await say(adapter, "-3 miljoner")
    assert "kan inte vara negativt" in negative[0].text
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.granted_amount_minor is None

    saved = await say(adapter, "4,2 miljoner kronor")
    assert saved[0].text == f"Klart: {reference} beviljades 4 200 000 kr. Beloppet kommer med i kommunstyrelsens " \
                            "sammanställning till kommunfullmäktige."
    assert "Beviljat belopp: 4\u00a0200\u00a0000\u00a0kr" in text_of(saved[1:])
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert (application.granted_amount_minor, application.granted_amount_currency) == (420_000_000, "SEK")
    events = await _events(session_factory, seeded.green_roofs.id, ApplicationEventKind.STATUS_CHANGED)
    assert events[-1].details["granted_amount"] == "420000000 SEK"

    # "vet inte" leaves the amount for later; the card says it is not given.
    await say(adapter, "status beviljad")
    later = await say(adapter, "vet inte")
    assert later[0].text.startswith("Okej, beloppet får vänta.")
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.granted_amount_minor == 420_000_000


async def test_a_grant_in_euro_shows_the_amount_in_kronor_too(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory, BO, locale="en-US")
    await say(adapter, f"open {seeded.reference('sports')}")
    asked = await say(adapter, "status granted")
    assert asked[1].text.startswith("How much was granted for")
    saved = await say(adapter, "1 MEUR")
    assert ("Amount granted: EUR\u00a01,000,000 (about SEK\u00a011,000,000 at SEK\u00a011 per euro)"
            in text_of(saved[1:]))
    application, _ = await _application(session_factory, seeded.sports.id)
    assert (application.granted_amount_minor, application.granted_amount_currency) == (100_000_000, "EUR")


async def test_an_unknown_status_is_asked_again_with_the_choices(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "ändra status")
    [retry] = await say(adapter, "typ klar")
    assert retry.text.startswith("Välj en status: ”utkast”, ”inskickad”, ”beviljad”")
    replies = await say(adapter, "avslutad")
    assert replies[0].text.endswith("har nu status avslutad.")
    # "tillbaka" from the detail view goes to the list, and from the list closes it.
    assert "Mina ansökningar" in text_of(await say(adapter, "tillbaka"))
    [closed] = await say(adapter, "tillbaka")
    assert closed.text.startswith("Okej, jag stänger listan.")


async def test_marking_the_information_item_sent_with_a_typed_date(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    replies = await say(adapter, "skickat 2027-03-20")
    assert replies[0].text == (f"Klart: informationsärendet för {seeded.reference('green_roofs')} är markerat "
                               "som skickat den 20 mars 2027.")
    shown = text_of(replies[1:])
    assert "Informationsärende till KS: Skickat den 20\u00a0mars\u00a02027" in shown
    assert "Anna Andersson: markerade informationsärendet som skickat den 20\u00a0mars\u00a02027" in shown
    assert "Informationsärendet är skickat" not in shown  # nothing left to mark
    _, item = await _application(session_factory, seeded.green_roofs.id)
    assert (item.status, item.sent_on) == (InformationItemStatus.SENT, date(2027, 3, 20))
    [event] = await _events(session_factory, seeded.green_roofs.id, ApplicationEventKind.INFORMATION_ITEM_SENT)
    assert event.details == {"sent_on": "2027-03-20", "previously_sent_on": None}


async def test_marking_it_sent_today_from_the_button(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory, KARIN)  # a coordinator may mark another organisation's item
    opened = await say(adapter, f"öppna {seeded.reference('sports')}")
    question = await say(adapter, value=buttons(opened)["Informationsärendet är skickat"])
    shown = text_of(question)
    assert "Vilket datum skickades informationsärendet" in shown
    assert list(buttons(question)) == ["Spara datumet", "I dag", "Tillbaka"]
    replies = await say(adapter, buttons(question)["I dag"]["message"])
    assert replies[0].text.endswith("är markerat som skickat den 2 april 2027.")
    _, item = await _application(session_factory, seeded.sports.id)
    assert item.sent_on == TODAY
    [event] = await _events(session_factory, seeded.sports.id, ApplicationEventKind.INFORMATION_ITEM_SENT)
    assert "Karin Karlsson: markerade informationsärendet som skickat den 2\u00a0april\u00a02027" in text_of(replies)
    assert event.details["sent_on"] == TODAY.isoformat()


async def test_the_date_pickers_value_is_saved(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "skickat")
    replies = await say(adapter, value={"action": "save_information_item_sent_on",
                                         "application_id": seeded.green_roofs.id, "sent_on": "2027-03-31"})
    assert replies[0].text.endswith("som skickat den 31 mars 2027.")
    _, item = await _application(session_factory, seeded.green_roofs.id)
    assert item.sent_on == date(2027, 3, 31)


async def test_a_date_that_cannot_be_used_is_asked_again_with_an_example(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "markera som skickat")
    [retry] = await say(adapter, "snart")
    assert retry.text == "Jag förstod inte datumet. Skriv till exempel ”2027-03-20”, ”20 mars 2027” eller ”i dag”."
    [future] = await say(adapter, "2027-05-01")
    assert future.text.startswith("Datumet 1 maj 2027 har inte kommit än.")
    # Nothing was saved by the answers that did not work.
    _, item = await _application(session_factory, seeded.green_roofs.id)
    assert item.status == InformationItemStatus.TO_SEND
    # A day and month without a year is the latest one, here this year's 20 March, not next year's.
    replies = await say(adapter, "20 mars")
    assert replies[0].text.endswith("som skickat den 20 mars 2027.")
    _, item = await _application(session_factory, seeded.green_roofs.id)
    assert item.sent_on == date(2027, 3, 20)


async def test_an_application_without_information_item_has_nothing_to_mark(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('harbour')}")
    [reply] = await say(adapter, "skickat 2027-03-20")
    assert reply.text.endswith("behöver inget informationsärende till kommunstyrelsen, så det finns inget att markera.")
    async with session_factory() as session:
        assert await session.scalar(select(InformationItem).where(
            InformationItem.application_id == seeded.harbour.id)) is None


# --- leaving it -------------------------------------------------------------------------------------------


async def test_cancel_ends_the_dialog(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "ändra status")
    [reply] = await say(adapter, "avbryt")
    assert reply.text.startswith("Okej, jag avbröt.")
    assert [r.text for r in await say(adapter, "beviljad")] == [NOT_FOR_THE_DIALOG]
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.status == ApplicationStatus.DRAFT


async def test_a_question_while_the_list_is_open_is_passed_on(session_factory):
    await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "mina ansökningar")
    # One of the dialog's own words that cannot be used here gets a hint, and the list stays open.
    [hint] = await say(adapter, "status beviljad")
    assert "öppna EU-2026-0007" in hint.text
    assert "Mina ansökningar" in text_of(await say(adapter, "lista"))
    # Anything else is handed back to the bot, and the dialog has ended.
    assert [r.text for r in await say(adapter, "Vem beslutar om nya partnerstäder?")] == [PASSED_ON]
    assert [r.text for r in await say(adapter, "status beviljad")] == [NOT_FOR_THE_DIALOG]


async def test_an_old_cards_button_works_after_the_dialog_ended(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    opened = await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "avbryt")
    choices = await say(adapter, value=buttons(opened)["Ändra status"])
    replies = await say(adapter, value=buttons(choices)["Pågående"])
    assert replies[0].text.endswith("har nu status pågående.")


async def test_the_dialog_continues_after_a_restart(session_factory):
    seeded = await _seed(session_factory)
    await say(_adapter(session_factory), f"öppna {seeded.reference('green_roofs')}")
    # A new bot (new storage, new dialog objects) on the same database and conversation.
    replies = await say(_adapter(session_factory), "status inskickad")
    assert replies[0].text.endswith("har nu status inskickad.")


async def test_the_whole_path_in_the_terminal_chat_by_numbers(session_factory):
    seeded = await _seed(session_factory)
    printed: list[str] = []
    terminal = TerminalAdapter(printed.append)
    conversation = TerminalConversation(terminal, _bot(session_factory), ANNA.id, ANNA.name, "sv-SE")
    await conversation.say("mina ansökningar")
    listing = printed[-1]
    assert f"[1] Öppna {seeded.reference('harbour')}" in listing  # newest first
    assert f"[2] Öppna {seeded.reference('green_roofs')}" in listing
    await conversation.say("2")
    assert "Gröna tak i Malmö" in printed[-1]
    assert "[1] Ändra status" in printed[-1]
    await conversation.say("1")
    assert "[2] Beviljad" in printed[-1]
    await conversation.say("2")
    assert "har nu status beviljad" in printed[-2]
    await conversation.say("skickat 2027-03-20")
    assert "markerat som skickat den 20 mars 2027" in printed[-2]
    await conversation.say("tillbaka")
    assert "Mina ansökningar" in printed[-1]
    application, item = await _application(session_factory, seeded.green_roofs.id)
    assert application.status == ApplicationStatus.GRANTED
    assert item.sent_on == date(2027, 3, 20)


async def test_an_absurdly_large_granted_amount_is_asked_again_not_a_crash(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "status beviljad")
    retry = await say(adapter, "100000000000000000 kr")
    assert "Skriv till exempel ”4 500 000 kr”" in retry[0].text
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.granted_amount_minor is None


async def test_a_granted_amount_above_the_total_budget_is_asked_again_with_the_budget_and_an_example(
    session_factory
):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    reference = seeded.reference("green_roofs")
    await say(adapter, f"öppna {reference}")
    await say(adapter, "status beviljad")
    over = await say(adapter, "20 miljoner")
    assert over[0].text == ("Det beviljade beloppet kan inte vara större än totalbudgeten 14 500 000 kr. Skriv det "
                            "belopp som beviljades, till exempel ”7 200 000 kr”, eller ”vet inte”.")
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.granted_amount_minor is None
    # The example is an answer that works; the whole budget is too.
    saved = await say(adapter, "7 200 000 kr")
    assert saved[0].text.startswith(f"Klart: {reference} beviljades 7 200 000 kr.")
    await say(adapter, "status beviljad")
    saved = await say(adapter, "14 500 000 kr")
    assert saved[0].text.startswith(f"Klart: {reference} beviljades 14 500 000 kr.")
    application, _ = await _application(session_factory, seeded.green_roofs.id)
    assert application.granted_amount_minor == 1_450_000_000


async def test_a_granted_amount_in_another_currency_is_compared_at_the_applications_rate(session_factory):
    seeded = await _seed(session_factory)  # Idrott utan gränser: 1,2 MEUR at 11 kr per euro, 13 200 000 kr
    adapter = _adapter(session_factory, BO, locale="en-US")
    await say(adapter, f"open {seeded.reference('sports')}")
    await say(adapter, "status granted")
    over = await say(adapter, "14 million SEK")
    assert over[0].text.startswith("The amount granted cannot be larger than the total budget of EUR 1,200,000 "
                                   "(about SEK 13,200,000 at SEK 11 per euro).")
    assert "for example “EUR 600,000”" in over[0].text
    application, _ = await _application(session_factory, seeded.sports.id)
    assert application.granted_amount_minor is None
    saved = await say(adapter, "13 million SEK")
    assert saved[0].text.startswith("Done: EU-")
    application, _ = await _application(session_factory, seeded.sports.id)
    assert (application.granted_amount_minor, application.granted_amount_currency) == (1_300_000_000, "SEK")


async def test_the_history_says_what_amount_was_granted_and_when_it_was_cleared(session_factory):
    seeded = await _seed(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, f"öppna {seeded.reference('green_roofs')}")
    await say(adapter, "status beviljad")
    saved = await say(adapter, "4,2 miljoner kronor")
    shown = text_of(saved[1:])
    assert "Anna Andersson: ändrade status från utkast till beviljad" in shown
    assert "Anna Andersson: angav beviljat belopp 4\u00a0200\u00a0000\u00a0kr" in shown
    rejected = text_of(await say(adapter, "status avslagen"))
    assert ("Anna Andersson: ändrade status från beviljad till avslagen "
            "(beviljat belopp 4\u00a0200\u00a0000\u00a0kr borttaget)" in rejected)


def _status_event(**details: str) -> ApplicationEvent:
    return ApplicationEvent(kind=ApplicationEventKind.STATUS_CHANGED, details=details)


def test_a_status_change_that_sets_an_amount_names_both_in_either_language():
    granted = _status_event(**{"from": "submitted", "to": "granted", "granted_amount": "30000000 EUR"})
    assert describe_event(granted, "sv") == "ändrade status från inskickad till beviljad (beviljat belopp 300 000 euro)"
    assert describe_event(granted, "en") == "changed the status from submitted to granted (amount granted EUR 300,000)"
    corrected = _status_event(**{"from": "granted", "to": "granted", "granted_amount": "420000000 SEK"})
    assert describe_event(corrected, "en") == "gave the amount granted: SEK 4,200,000"
    cleared = _status_event(**{"from": "ongoing", "to": "draft", "granted_amount_cleared": "420000000 SEK"})
    assert describe_event(cleared, "en") == ("changed the status from ongoing to draft (amount granted SEK 4,200,000 "
                                             "removed)")
    # Details written before amounts were recorded, or garbled: the status change alone.
    for plain_change in (_status_event(**{"from": "draft", "to": "submitted"}),
                         _status_event(**{"from": "draft", "to": "submitted", "granted_amount": "mycket"})):
        assert describe_event(plain_change, "sv") == "ändrade status från utkast till inskickad"
