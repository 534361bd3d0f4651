"""The annual report dialog through botbuilder's TestAdapter and the whole bot, on real storage and both databases.

Replies are read as the terminal chat prints them (cards rendered as text, buttons as "[label]"), so these
tests also show that the cards read well there. Buttons are pressed by sending their data, as Teams does.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ChannelAccount
from sqlalchemy import func, select

from bot.assembly import build_bot
from bot.card_text import render_attachment
from bot.sql_storage import SqlStorage
from dialogs.annual_report.command import AnnualReportCommand
from dialogs.annual_report.dialog import AnnualReportDialog
from dialogs.annual_report.cards import ks_summary_card
from dialogs.annual_report.parsing import OpenRequest, parse_open
from dialogs.common.turn import Turn
from settings import Settings
from storage.annual_reports import (
    add_item,
    approve,
    get_or_create_draft,
    get_report,
    return_for_completion,
    set_details,
)
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money
from storage.applications import create_application, set_status
from storage.contact_persons import get_contact_person, set_contact_person
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import AnnualReport, Role
from storage.organisations import get_organisation
from tests.support.chat import button, chat_adapter, deliver_notices, install_in_channel, say, text_of
from tests.support.people import make_user
from tests.support.phone_cards import adaptive_cards, assert_fits_a_phone, inputs

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)  # the default year is then 2025
YEAR = 2025
ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")  # official, Miljönämnden
BO = ChannelAccount(id="29:bo", name="Bo Berg")  # official, Miljönämnden
OLLE = ChannelAccount(id="29:olle", name="Olle Olsson")  # official, Kulturnämnden
KARIN = ChannelAccount(id="29:karin", name="Karin Karlsson")  # KS coordinator
NILS = ChannelAccount(id="29:nils", name="Nils Nilsson")  # not placed in any organisation
KS_CONVERSATION = "19:ks-forvaltning@thread.tacv2"
PROJECTS = ("Gröna tak i Malmö", "Hamnens omställning")


# --- setting up ------------------------------------------------------------------------------------------


async def _people(session_factory) -> None:
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        await make_user(session, ANNA.id, ANNA.name, environment)
        await make_user(session, BO.id, BO.name, environment)
        await make_user(session, OLLE.id, OLLE.name, await get_organisation(session, "kulturnamnden"))
        await make_user(session, KARIN.id, KARIN.name, await get_organisation(session, "kommunstyrelsen"),
                        Role.KS_COORDINATOR)
        await make_user(session, NILS.id, NILS.name, None)


async def _applications(session_factory) -> None:
    """Two EU applications of Miljönämnden planned for submission in YEAR."""
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        anna = await make_user(session, ANNA.id, ANNA.name, environment)
        green_roofs, _ = await create_application(
            session, data=ApplicationData(
                project_name=PROJECTS[0], description="Gröna tak på skolor mot översvämningar.",
                programme="interreg_oks", organisation_slug="miljonamnden", malmo_role=MalmoRole.OWNER,
                total_budget=Money.of(14_500_000, "SEK"), planned_submission_date=date(YEAR, 3, 1)),
            organisation=environment, created_by=anna, submission_key="green-roofs", eur_sek_rate=None,
            information_item_required=False, information_item_draft=None)
        await set_status(session, green_roofs, ApplicationStatus.GRANTED, anna)
        await create_application(
            session, data=ApplicationData(
                project_name=PROJECTS[1], programme="life", organisation_slug="miljonamnden",
                malmo_role=MalmoRole.PARTNER, total_budget=Money.of(1_200_000, "EUR"),
                planned_submission_date=date(YEAR, 9, 1)),
            organisation=environment, created_by=anna, submission_key="harbour", eur_sek_rate=11.0,
            information_item_required=False, information_item_draft=None)


async def _ready_report(session_factory, *, complete: bool = True) -> None:
    """Miljönämnden's report for YEAR with one network, written straight to storage (as if answered earlier)."""
    async with session_factory.begin() as session:
        anna = await make_user(session, ANNA.id, ANNA.name, await get_organisation(session, "miljonamnden"))
        report = await get_or_create_draft(session, anna.organisation_id, YEAR, anna)
        await add_item(session, report, anna, kind="network", title="Eurocities",
                       description="Arbetsgruppen för klimat.", focus_areas=["2b"] if complete else [],
                       results="Ett gemensamt positionspapper.")
        if complete:
            await set_details(session, report, anna, in_verksamhetsplan=True, contact_name="Anna Andersson")


def _services(session_factory, **settings):
    return build_bot(Settings(_env_file=None, **settings), session_factory, clock=lambda: NOW)


def _adapter(services, user: ChannelAccount = ANNA, locale: str = "sv-SE",
             conversation_type: str = "personal") -> TestAdapter:
    # channel "test" has no card forms: focus areas are typed
    return chat_adapter(services.bot.on_turn, user, conversation_type=conversation_type, channel_id="test",
                        locale=locale)


async def _report(session_factory) -> AnnualReport:
    async with session_factory() as session:
        karin = await make_user(session, KARIN.id, KARIN.name, None, Role.KS_COORDINATOR)
        environment = await get_organisation(session, "miljonamnden")
        return await get_report(session, environment.id, YEAR, karin)


async def _report_count(session_factory) -> int:
    async with session_factory() as session:
        return (await session.execute(select(func.count()).select_from(AnnualReport))).scalar_one()


async def _adding_eurocities(adapter: TestAdapter) -> None:
    """Opens the report and adds the network Eurocities, which then asks for its description."""
    await say(adapter, "årsredovisning")
    await say(adapter, "nästa")
    await say(adapter, "lägg till")
    await say(adapter, "Eurocities")


async def _next_parts(adapter: TestAdapter, count: int) -> list[Activity]:
    replies: list[Activity] = []
    for _ in range(count):
        replies = await say(adapter, "nästa")
    return replies


# --- the walk, from the prefilled projects to KS förvaltning --------------------------------------------


async def test_a_full_report_with_prefilled_projects_reaches_ks(session_factory):
    await _people(session_factory)
    await _applications(session_factory)
    await install_in_channel(session_factory, KS_CONVERSATION)
    adapter = _adapter(_services(session_factory, ks_administration_conversation_id=KS_CONVERSATION))

    opened = text_of(await say(adapter, "årsredovisning"))
    assert "Årsredovisning 2025" in opened and "Miljönämnden" in opened
    assert "Del 1 av 6: EU-finansierade projekt" in opened
    # Both registered applications, with programme, role, budget and status read from the application.
    assert PROJECTS[0] in opened and PROJECTS[1] in opened
    # Amounts on a card never break across lines (no-break spaces: Teams on a phone, dialogs/common/cards.py).
    assert "Projektägare" in opened and "14\u00a0500\u00a0000\u00a0kr" in opened and "beviljad" in opened
    assert "1\u00a0200\u00a0000\u00a0euro" in opened and "Partner" in opened
    # The first project is asked about at once, its description as registered shown.
    assert f"Beskriv kort vad ni gjorde: ”{PROJECTS[0]}”" in opened
    assert "Nu: ”Gröna tak på skolor mot översvämningar.”" in opened

    assert "Vilken inriktning" in text_of(await say(adapter, "behåll"))
    assert "Vilka resultat" in text_of(await say(adapter, "a och c"))
    second = text_of(await say(adapter, "Tak på tolv skolor."))
    assert f"Sparat: {PROJECTS[0]}." in second
    assert f"Beskriv kort vad ni gjorde: ”{PROJECTS[1]}”" in second and "Nu: inget ifyllt." in second
    await say(adapter, "Omställning av hamnen till fossilfri drift.")
    await say(adapter, "2b")
    eu_done = text_of(await say(adapter, "hoppa över"))
    assert "Beskriv kort" not in eu_done  # both confirmed: the part waits for "nästa"
    assert "Verksamhetsutveckling (2a), Profilering (2c)" in eu_done and "[Lägg till en till]" in eu_done

    network = text_of(await say(adapter, "nästa"))
    assert "Del 2 av 6: Internationella organisationer och nätverk" in network
    assert "[Lägg till]" in network and "[Inget att redovisa här]" in network
    assert "kort namn" in text_of(await say(adapter, "lägg till"))
    await say(adapter, "Eurocities")
    await say(adapter, "Vi deltog i arbetsgruppen för klimat.")
    await say(adapter, "verksamhetsutveckling, profilering")
    listed = text_of(await say(adapter, "Erfarenheter till skyfallsplanen."))
    assert "1. Eurocities" in listed and "Resultat: Erfarenheter till skyfallsplanen." in listed

    plan = text_of(await _next_parts(adapter, 5))
    assert "verksamhetsplanen" in plan
    contact = text_of(await say(adapter, "ja"))
    assert "nämndens kontaktperson för internationella frågor" in contact
    review = await say(adapter, "jag")
    shown = text_of(review)
    assert "Kontaktpersonen i årsredovisningen är Anna Andersson." in shown
    assert "registret över kontaktpersoner" in shown
    assert "Granska årsredovisningen" in shown
    assert "• Eurocities – Verksamhetsutveckling (2a), Profilering (2c)" in shown
    assert "[Skicka in]" in shown and "[Spara och stäng]" in shown

    submitted = await say(adapter, value=button(review, "Skicka in"))
    assert [reply for reply in submitted if reply.conversation.id == KS_CONVERSATION] == []  # after the commit
    [ks_card] = await deliver_notices(adapter, session_factory)
    assert ks_card.conversation.id == KS_CONVERSATION
    ks_text = json.dumps(ks_card.attachments[0].content, ensure_ascii=False)
    assert "Miljönämnden" in ks_text and "Eurocities" in ks_text and "Anna Andersson" in ks_text
    receipt = text_of([reply for reply in submitted if reply.conversation.id != KS_CONVERSATION])
    assert "Årsredovisningen för Miljönämnden 2025 är inskickad" in receipt
    assert "Jag skickar nu en sammanfattning till kommunstyrelsens förvaltning." in receipt

    report = await _report(session_factory)
    assert report.status == "submitted" and report.in_verksamhetsplan is True
    assert report.contact_name == "Anna Andersson"
    assert [(item.title, item.focus_areas, item.results) for item in report.items] == [
        (PROJECTS[0], ["2a", "2c"], "Tak på tolv skolor."),
        (PROJECTS[1], ["2b"], None),
        ("Eurocities", ["2a", "2c"], "Erfarenheter till skyfallsplanen."),
    ]
    async with session_factory() as session:
        assert (await get_contact_person(session, report.organisation_id)).name == "Anna Andersson"


async def test_items_are_added_and_removed_in_a_list(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    assert "Del 1 av 6" in text_of(await say(adapter, "årsredovisning"))
    assert "redan vid första delen" in text_of(await say(adapter, "tillbaka"))
    await say(adapter, "nästa")
    assert "Del 1 av 6" in text_of(await say(adapter, "tillbaka"))
    assert "Del 2 av 6" in text_of(await say(adapter, "inget att redovisa här"))
    for title in ("Nordic Safe Cities", "Covenant of Mayors"):
        await say(adapter, "lägg till en till")
        await say(adapter, title)
        await say(adapter, "Arbetsgrupper.")
        await say(adapter, "b")
        await say(adapter, "hoppa över")
    both = text_of(await say(adapter, "ändra 3"))
    assert "ingen punkt 3" in both
    removed = await say(adapter, "ta bort 1")
    assert "Jag tog bort ”Nordic Safe Cities”." in text_of(removed)
    assert "1. Covenant of Mayors" in text_of(removed) and "[Ändra: Nordic Safe Cities]" not in text_of(removed)
    # The remaining item's own button removes it too.
    emptied = text_of(await say(adapter, value=button(removed, "Ta bort: Covenant of Mayors")))
    assert "Inget redovisat här än." in emptied
    report = await _report(session_factory)
    assert report.items == []


async def test_an_edit_from_the_review_returns_to_the_review(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    adapter = _adapter(_services(session_factory))
    review = await say(adapter, "årsredovisning")
    assert "Granska årsredovisningen" in text_of(review)  # worked on before: straight to the review
    part = await say(adapter, value=button(review, "Ändra: Organisationer och nätverk"))
    assert "[Klar – till granskningen]" in text_of(part)
    question = text_of(await say(adapter, value=button(part, "Ändra: Eurocities")))
    assert "Nu: ”Eurocities”" in question and "[Behåll]" in question
    await say(adapter, "behåll")
    assert "Nu: ”Strategisk påverkan (2b)”" in text_of(
        await say(adapter, "Arbetsgruppen för klimat och en ny om mobilitet."))
    assert "Nu: ”Ett gemensamt positionspapper.”" in text_of(await say(adapter, "a, b"))
    back_in_part = await say(adapter, "behåll")
    assert "Strategisk påverkan (2b)" in text_of(back_in_part) and "Sparat: Eurocities." in text_of(back_in_part)
    assert "Granska årsredovisningen" in text_of(await say(adapter, "årsredovisning"))  # opened afresh
    await say(adapter, "ändra 2")
    again = text_of(await say(adapter, "klar"))
    assert "Granska årsredovisningen" in again and "en ny om mobilitet" in again
    assert "Verksamhetsutveckling (2a), Strategisk påverkan (2b)" in again
    assert (await _report(session_factory)).items[0].results == "Ett gemensamt positionspapper."


async def test_a_draft_continues_after_a_restart_and_for_a_colleague(database_url):
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        await _people(session_factory)
        adapter = _adapter(_services(session_factory))
        await _adding_eurocities(adapter)
    finally:
        await engine.dispose()
    engine = create_engine(database_url)  # a new process on the same database
    try:
        session_factory = create_session_factory(engine)
        restarted = _adapter(_services(session_factory))
        assert "Vilken inriktning" in text_of(await say(restarted, "Arbetsgruppen för klimat."))
        await say(restarted, "c")
        await say(restarted, "hoppa över")
        # Bo, of the same nämnd, opens it days later: the review, saying who changed it last.
        colleague = text_of(await say(_adapter(_services(session_factory), BO), "årsredovisning"))
        assert "Granska årsredovisningen" in colleague and "Eurocities – Profilering (2c)" in colleague
        assert "Senast ändrad av Anna Andersson" in colleague
    finally:
        await engine.dispose()


# --- submitting, locking, returning ---------------------------------------------------------------------


async def test_a_submitted_report_is_locked(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    adapter = _adapter(_services(session_factory))
    review = await say(adapter, "årsredovisning")
    part = await say(adapter, value=button(review, "Ändra: Organisationer och nätverk"))
    remove = button(part, "Ta bort: Eurocities")
    submitted = text_of(await say(adapter, value=button(review, "Skicka in")))
    assert "är inskickad" in submitted
    assert "ingen kanal för kommunstyrelsens förvaltning är inställd" in submitted  # no KS channel configured

    refused = text_of(await say(adapter, value=remove))  # a button of an older card
    assert "redan inskickad och kan inte ändras" in refused
    assert "[Skicka in]" not in refused
    shown = text_of(await say(adapter, "årsredovisning"))
    assert "Status: inskickad" in shown
    assert "låst tills kommunstyrelsens förvaltning returnerar den" in shown and "av Anna Andersson" in shown
    assert "[Ändra" not in shown
    assert [item.title for item in (await _report(session_factory)).items] == ["Eurocities"]


async def test_submitting_lists_what_is_missing_with_buttons_to_fix_it(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    missing = await say(adapter, "skicka in")
    shown = text_of(missing)
    assert "Innan du skickar in saknas" in shown
    assert "Inriktning för ”Eurocities”" in shown and "verksamhetsplanen" in shown and "Kontaktperson" in shown
    assert "Vilken inriktning" in text_of(await say(adapter, value=button(missing, "Komplettera: Eurocities")))
    assert "Granska årsredovisningen" in text_of(await say(adapter, "profilering"))
    await say(adapter, value=button(missing, "Svara om verksamhetsplanen"))
    assert "inarbetas i verksamhetsplanerna" in text_of(await say(adapter, "nej"))  # section 4 reminded
    await say(adapter, value=button(missing, "Ange kontaktperson"))
    await say(adapter, "Cecilia Carlsson")
    assert "är inskickad" in text_of(await say(adapter, "skicka in"))
    report = await _report(session_factory)
    assert report.status == "submitted" and report.in_verksamhetsplan is False
    assert report.contact_name == "Cecilia Carlsson"


async def test_a_returned_report_shows_the_comment_and_is_submitted_again(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    await install_in_channel(session_factory, KS_CONVERSATION)
    adapter = _adapter(_services(session_factory, ks_administration_conversation_id=KS_CONVERSATION))
    review = await say(adapter, "årsredovisning")
    await say(adapter, value=button(review, "Skicka in"))
    assert len(await deliver_notices(adapter, session_factory)) == 1  # the first submission's summary
    async with session_factory.begin() as session:
        karin = await make_user(session, KARIN.id, KARIN.name, None, Role.KS_COORDINATOR)
        report = await get_report(session, (await get_organisation(session, "miljonamnden")).id, YEAR, karin)
        await return_for_completion(session, report, karin, "Komplettera med vänortssamarbetet.")

    returned = await say(adapter, "årsredovisning")
    shown = text_of(returned)
    assert "Status: returnerad för komplettering" in shown
    assert "”Komplettera med vänortssamarbetet.”" in shown
    assert shown.index("Komplettera med vänortssamarbetet") < shown.index("1. EU-finansierade projekt")
    await say(adapter, value=button(returned, "Ändra: Vänortssamarbete"))
    await say(adapter, "lägg till")
    await say(adapter, "Tammerfors")
    await say(adapter, "Skolutbyte.")
    await say(adapter, "a")
    await say(adapter, "Tre skolor deltog.")
    await say(adapter, "klar")
    await say(adapter, "skicka in")
    [ks_card] = await deliver_notices(adapter, session_factory)
    ks_text = text_of([ks_card])
    assert "Inskickad igen efter komplettering" in ks_text and "Vänortssamarbete: 1 (Tammerfors)" in ks_text
    assert (await _report(session_factory)).status == "submitted"


async def test_an_approved_report_is_shown_read_only(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    await say(adapter, "skicka in")
    async with session_factory.begin() as session:
        karin = await make_user(session, KARIN.id, KARIN.name, None, Role.KS_COORDINATOR)
        await approve(session, await get_report(session, (await get_organisation(session, "miljonamnden")).id,
                                                YEAR, karin), karin)
    shown = text_of(await say(adapter, "årsredovisning"))
    assert "Status: godkänd" in shown and "Godkänd av kommunstyrelsens förvaltning" in shown
    assert "Eurocities" in shown and "[" not in shown  # everything shown, no button to change it


# --- who may see what -----------------------------------------------------------------------------------


async def test_an_official_of_another_namnd_is_refused_and_shown_nothing(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    replies = await say(_adapter(_services(session_factory), OLLE), "årsredovisning Miljönämnden 2025")
    shown = text_of(replies)
    assert "inte behörighet" in shown
    assert len(replies) == 1 and "Eurocities" not in shown and "Granska" not in shown


async def test_a_ks_coordinator_opens_any_organisations_report(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    shown = text_of(await say(_adapter(_services(session_factory), KARIN), "årsredovisning miljonamnden 2025"))
    assert "Granska årsredovisningen" in shown and "Eurocities" in shown


async def test_a_user_without_organisation_is_told_who_can_place_them(session_factory):
    await _people(session_factory)
    replies = await say(_adapter(_services(session_factory), NILS), "årsredovisning")
    assert len(replies) == 1
    assert "administratör behöver lägga in dig" in text_of(replies)
    assert await _report_count(session_factory) == 0


async def test_in_a_channel_the_report_is_not_opened(session_factory):
    await _people(session_factory)
    replies = await say(_adapter(_services(session_factory), conversation_type="channel"), "årsredovisning")
    assert len(replies) == 1 and "privat chatt" in text_of(replies)
    assert await _report_count(session_factory) == 0


async def test_an_unknown_organisation_or_year_is_answered_with_an_example(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    assert "”årsredovisning Miljönämnden 2025”" in text_of(await say(adapter, "årsredovisning Månnämnden"))
    assert "”årsredovisning 2025”" in text_of(await say(adapter, "årsredovisning 1850"))
    assert await _report_count(session_factory) == 0


# --- answers ---------------------------------------------------------------------------------------------


async def test_unreadable_focus_areas_are_asked_again_with_an_example(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    await _adding_eurocities(adapter)
    await say(adapter, "Arbetsgrupper.")
    for unreadable in ("inte a", "blått", "behåll"):
        retry = text_of(await say(adapter, unreadable))
        assert "”a och c”" in retry or "inget att behålla" in retry, unreadable
    assert "Vilka resultat" in text_of(await say(adapter, "strategisk påverkan och profilering"))
    await say(adapter, "hoppa över")
    assert (await _report(session_factory)).items[0].focus_areas == ["2b", "2c"]


async def test_the_registered_contact_person_is_confirmed_or_replaced(session_factory):
    await _people(session_factory)
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        await set_contact_person(session, environment, "Berit Bengtsson", None)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    await _next_parts(adapter, 6)
    asked = text_of(await say(adapter, "ja"))
    assert "Kontaktperson för internationella frågor (policyn avsnitt 3.3) enligt registret: Berit Bengtsson" in asked
    review = text_of(await say(adapter, "David Dahl"))
    assert "David Dahl" in review and "registret över kontaktpersoner" in review
    async with session_factory() as session:
        assert (await get_contact_person(session, environment.id)).name == "David Dahl"
    assert (await _report(session_factory)).contact_name == "David Dahl"


async def test_the_report_speaks_english_to_an_english_locale(session_factory):
    await _people(session_factory)
    await _applications(session_factory)
    adapter = _adapter(_services(session_factory), locale="en-US")
    opened = text_of(await say(adapter, "annual report"))
    assert "Part 1 of 6: EU-funded projects" in opened and "Project owner" in opened
    # English quotation marks around titles, and the policy's own English for focus area 2a.
    assert f"Briefly describe what you did: “{PROJECTS[0]}”" in opened and f"”{PROJECTS[0]}" not in opened
    focus = text_of(await say(adapter, "keep"))
    assert "Which focus" in focus and "a) development of operations, b) strategic influence, c) profiling" in focus
    assert "What results" in text_of(await say(adapter, "development of operations and profiling"))
    saved = text_of(await say(adapter, "skip"))
    assert "Focus: Development of operations (2a), Profiling (2c)" in saved


async def test_save_and_close_keeps_the_draft_and_a_question_is_passed_on(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    assert "Utkastet är sparat; skriv ”årsredovisning” för att fortsätta." in text_of(
        await say(adapter, "spara och stäng"))
    await say(adapter, "årsredovisning")
    passed = await say(adapter, "Vad säger policyn om vänorter?")
    assert "Utkastet är sparat" in text_of(passed) and len(passed) > 1  # and then the question is answered
    assert "Granska årsredovisningen" in text_of(await say(adapter, "årsredovisning"))


async def test_cancel_leaves_the_draft_saved(session_factory):
    """"avbryt" inside the dialog, as the router passes it on to a dialog that `answers_cancel`."""
    await _people(session_factory)
    conversation_state = ConversationState(SqlStorage(session_factory))
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    dialogs.add(AnnualReportDialog(session_factory, Settings(_env_file=None), clock=lambda: NOW))
    command = AnnualReportCommand(AnnualReportDialog.__name__)

    async def on_turn(turn_context: TurnContext) -> None:
        dialog_context = await dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            request = command.recognise(turn_context.activity.text or "", turn_context.activity.value, "sv")
            assert request is not None
            await command.handle(Turn.of(dialog_context), request)
        await conversation_state.save_changes(turn_context)

    adapter = chat_adapter(on_turn, ANNA, conversation_id="personal-anna", channel_id="test")
    await _adding_eurocities(adapter)
    assert "Utkastet är sparat" in text_of(await say(adapter, "avbryt"))
    assert "Granska årsredovisningen" in text_of(await say(adapter, "årsredovisning"))
    assert [item.title for item in (await _report(session_factory)).items] == ["Eurocities"]


# --- the card for KS förvaltning ------------------------------------------------------------------------


async def test_the_ks_card_shows_the_report_and_carries_the_review_actions(session_factory):
    await _people(session_factory)
    await _applications(session_factory)
    await _ready_report(session_factory)
    report = await _report(session_factory)
    card = ks_summary_card(report, submitted_by="Anna Andersson")
    rendered = render_attachment("application/vnd.microsoft.card.adaptive", card)
    lines = "\n".join(rendered.lines)
    assert "Årsredovisning av internationellt arbete 2025: Miljönämnden" in lines
    assert f"EU-finansierade projekt: 2 ({PROJECTS[0]}; {PROJECTS[1]})" in lines
    assert "Internationella organisationer och nätverk: 1 (Eurocities)" in lines
    assert "Vänortssamarbete: 0" in lines and "Totalt: 3" in lines
    assert "Med i verksamhetsplanen: Ja" in lines and "Kontaktperson: Anna Andersson" in lines
    assert "Inskickad av: Anna Andersson" in lines
    [comment] = [element for element in card["body"] if element["type"] == "Input.Text"]
    assert comment["id"] == "comment"
    assert [(action["title"], action["data"]) for action in card["actions"]] == [
        ("Returnera för komplettering", {"action": "annual_report_return", "report_id": report.id}),
        ("Godkänn", {"action": "annual_report_approve", "report_id": report.id}),
    ]


# --- fixes from the review of issue 7 -------------------------------------------------------------------

LIV = ChannelAccount(id="29:liv", name="Liv Lund")  # official, Malmö Stadshus AB (a helägt bolag)


async def _environment_id(session_factory) -> int:
    async with session_factory() as session:
        return (await get_organisation(session, "miljonamnden")).id


async def _registry_name(session_factory, slug: str = "miljonamnden") -> str | None:
    async with session_factory() as session:
        row = await get_contact_person(session, (await get_organisation(session, slug)).id)
        return row.name if row is not None else None


async def _at_the_contact_question(adapter: TestAdapter, command: str = "årsredovisning") -> str:
    """Opens a new report, walks past the six empty parts and answers the plan question."""
    await say(adapter, command)
    await _next_parts(adapter, 6)
    return text_of(await say(adapter, "ja"))


async def test_a_namnd_is_asked_again_for_no_one_and_sentences_are_no_names(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    assert "nämndens kontaktperson" in await _at_the_contact_question(adapter)
    no_one = text_of(await say(adapter, "vi har ingen"))
    assert "Enligt policyn (avsnitt 3.3) ska varje nämnd utse en kontaktperson" in no_one
    assert "till exempel ”Anna Andersson”" in no_one
    for sentence in ("Vi Har Inte", "Det är oklart", "Anna 2", "we have not"):
        retry = text_of(await say(adapter, sentence))
        assert "Skriv för- och efternamn på kontaktpersonen, till exempel ”Anna Andersson”" in retry, sentence
    assert (await _report(session_factory)).contact_name is None
    assert await _registry_name(session_factory) is None  # nothing of it reached the registry
    review = text_of(await say(adapter, "Cecilia Carlsson"))
    assert "Kontaktpersonen i årsredovisningen är Cecilia Carlsson." in review
    assert await _registry_name(session_factory) == "Cecilia Carlsson"


async def test_a_bolag_may_have_no_representative_and_is_told_of_a_representant(session_factory):
    await _people(session_factory)
    async with session_factory.begin() as session:
        await make_user(session, LIV.id, LIV.name, await get_organisation(session, "malmo-stadshus-ab"))
    adapter = _adapter(_services(session_factory), LIV)
    opened = text_of(await say(adapter, "årsredovisning"))
    assert "sedan verksamhetsplanen och representanten" in opened and "ontaktperson" not in opened
    # A bolag has no duty to report (3.4; 4 speaks of the nämnder): it is told the report is voluntary.
    assert "Helägda bolag har ingen skyldighet att redovisa enligt policyn (avsnitt 3.4" in opened
    assert "redovisningen är frivillig" in opened and "3.3" not in opened
    await _next_parts(adapter, 6)
    asked = text_of(await say(adapter, "ja"))
    assert "bolagets representant för internationella frågor (policyn avsnitt 3.4)" in asked and "”ingen”" in asked
    assert "Skriv för- och efternamn på representanten" in text_of(await say(adapter, "Bo 2"))
    review = text_of(await say(adapter, "vi har ingen"))
    assert "Noterat – bolaget har ingen representant för internationella frågor." in review
    assert "Registret har jag inte ändrat." in review
    assert "Ingen representant utsedd (frivilligt för bolag, policyn avsnitt 3.4)" in review
    assert "[Ändra: representant]" in review and "ontaktperson" not in review
    assert "är inskickad" in text_of(await say(adapter, "skicka in"))  # no representative is not missing
    async with session_factory() as session:
        company = await get_organisation(session, "malmo-stadshus-ab")
        report = await get_report(session, company.id, YEAR, await make_user(session, LIV.id, LIV.name, company))
    assert report.status == "submitted" and report.contact_name is None
    assert await _registry_name(session_factory, "malmo-stadshus-ab") is None
    # KS förvaltning is told it is a voluntary report, and that the bolag has no representative.
    lines = "\n".join(render_attachment("application/vnd.microsoft.card.adaptive",
                                        ks_summary_card(report, submitted_by=LIV.name)).lines)
    assert "Malmö Stadshus AB har skickat in en frivillig redovisning" in lines and "avsnitt 3.4" in lines
    assert "avsnitt 3.3" not in lines and "Representant: –" in lines


async def test_an_older_years_report_leaves_the_registry_alone(session_factory):
    await _people(session_factory)
    async with session_factory.begin() as session:
        await set_contact_person(session, await get_organisation(session, "miljonamnden"), "Berit Bengtsson", None)
    adapter = _adapter(_services(session_factory))
    assert "enligt registret: Berit Bengtsson" in await _at_the_contact_question(adapter, "årsredovisning 2024")
    review = text_of(await say(adapter, "David Dahl"))
    assert "Kontaktpersonen i årsredovisningen är David Dahl." in review and "registret" not in review
    assert await _registry_name(session_factory) == "Berit Bengtsson"


async def test_the_same_name_keeps_the_registry_and_its_link_to_a_user(session_factory):
    await _people(session_factory)
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        bo = await make_user(session, BO.id, BO.name, environment)
        await set_contact_person(session, environment, "Bo Berg", None)  # linked to Bo, of that name
    adapter = _adapter(_services(session_factory))
    await _at_the_contact_question(adapter)
    review = text_of(await say(adapter, "bo berg"))
    assert "Kontaktpersonen i årsredovisningen är bo berg." in review and "registret" not in review
    async with session_factory() as session:
        row = await get_contact_person(session, environment.id)
    assert (row.name, row.user_id) == ("Bo Berg", bo.id)


async def test_a_ks_coordinator_sees_another_organisations_report_but_cannot_change_it(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)
    adapter = _adapter(_services(session_factory), KARIN)
    shown = text_of(await say(adapter, "årsredovisning Miljönämnden 2025"))
    assert "Granska årsredovisningen" in shown and "Status: utkast" in shown and "Eurocities" in shown
    assert "Du kan se årsredovisningen men inte ändra den: det gör Miljönämnden själva." in shown
    assert "[" not in shown  # no button to change anything
    # A button of a card shown to Anna, pressed by Karin, changes nothing either.
    environment_id = await _environment_id(session_factory)
    refused = text_of(await say(adapter, value={"action": "annual_report_edit_plan",
                                                "organisation_id": environment_id, "year": YEAR}))
    assert "Den här årsredovisningen kan du se men inte ändra" in refused and "verksamhetsplanen?" not in refused
    not_started = await say(adapter, "årsredovisning Kulturnämnden 2025")
    assert text_of(not_started) == ("Kulturnämnden har inte påbörjat årsredovisningen för 2025 (status: ej påbörjad). "
                                    "Den skapas när någon i Kulturnämnden skriver ”årsredovisning”.")
    # A bolag that has not reported is not behind: it has no duty to (3.4).
    voluntary = text_of(await say(adapter, "årsredovisning Malmö Stadshus AB 2025"))
    assert voluntary.startswith("Malmö Stadshus AB har ingen redovisning för 2025. Helägda bolag har ingen "
                                "skyldighet att redovisa enligt policyn (avsnitt 3.4)")
    assert "ej påbörjad" not in voluntary
    assert await _report_count(session_factory) == 1
    report = await _report(session_factory)
    assert report.in_verksamhetsplan is None and [item.title for item in report.items] == ["Eurocities"]


async def test_part_commands_typed_at_an_items_question_are_done_not_stored(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    await _adding_eurocities(adapter)  # its description is asked for
    removed = text_of(await say(adapter, "ta bort 1"))
    assert "Jag tog bort ”Eurocities”." in removed and "Del 2 av 6" in removed
    assert (await _report(session_factory)).items == []
    await say(adapter, "lägg till")
    await say(adapter, "ICLEI")
    assert "Vilken inriktning" in text_of(await say(adapter, "Vi deltog i kongressen."))
    assert "Del 3 av 6: Vänortssamarbete" in text_of(await say(adapter, "nästa"))  # at the focus question
    await say(adapter, "tillbaka")
    assert "Vad kallar ni arbetet?" in text_of(await say(adapter, "ändra 1"))
    assert "Nu:" not in text_of(await say(adapter, "lägg till"))  # a new item's title, at ICLEI's title
    await say(adapter, "Eurocities")
    no_such = text_of(await say(adapter, "ta bort 5"))  # no item 5: the question stays open
    assert "Det finns ingen punkt 5 här." in no_such and "Beskriv kort vad ni gjorde: ”Eurocities”" in no_such
    assert "Jag tog bort ”Eurocities”." in text_of(await say(adapter, "ta bort 2"))
    report = await _report(session_factory)
    assert [(item.title, item.description, item.focus_areas) for item in report.items] == [
        ("ICLEI", "Vi deltog i kongressen.", [])]


async def test_free_text_starting_with_the_command_word_is_the_answer(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    await say(adapter, "nästa")
    await say(adapter, "lägg till")
    assert "Beskriv kort" in text_of(await say(adapter, "Årsredovisning av Eurocities styrelse"))
    await say(adapter, "Vi granskade nätverkets ekonomi.")
    await say(adapter, "b")
    assert "Sparat: Årsredovisning av Eurocities styrelse." in text_of(
        await say(adapter, "Annual report of the board"))
    [item] = (await _report(session_factory)).items
    assert (item.title, item.results) == ("Årsredovisning av Eurocities styrelse", "Annual report of the board")
    # The command alone still opens the report, at a question too.
    await say(adapter, "lägg till")
    assert "Granska årsredovisningen" in text_of(await say(adapter, "årsredovisning 2025"))


def test_a_rest_that_is_no_organisation_or_year_is_not_the_command():
    for question in ("årsredovisningen vem sammanställer den", "årsredovisning när ska den vara inne",
                     "annual report deadline", "Årsredovisning: hur gör vi med bolagen"):
        assert parse_open(question) is None, question
    assert parse_open("årsredovisning Miljönämnden 2025") == OpenRequest("Miljönämnden", 2025)
    assert parse_open("annual report for 2025") == OpenRequest(None, 2025)
    assert parse_open("årsredovisning 1850") == OpenRequest(None, None, "1850")
    assert parse_open("årsredovisning Månnämnden") == OpenRequest("Månnämnden")  # answered with an example
    assert parse_open("årsredovisning av Eurocities styrelse", strict=True) is None
    assert parse_open("årsredovisning malmo-live-konserthus-ab 2025", strict=True) == OpenRequest(
        "malmo-live-konserthus-ab", 2025)


async def test_a_policy_question_starting_with_the_command_word_gets_the_policy_answer(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    for question, section in (("årsredovisning, måste nämnden lämna en varje år", "§ 3.3 Nämnder"),
                              ("Årsredovisning: vad säger policyn om de helägda bolagen", "§ 3.4 Helägda bolag"),
                              ("årsredovisningen vem sammanställer den", "§ 3.2.1 Kommunstyrelsens förvaltning")):
        answer = text_of(await say(adapter, question))
        assert f"Källa: {section}" in answer, answer
        assert "Del 1 av 6" not in answer and "Jag hittar ingen nämnd" not in answer, answer
    assert await _report_count(session_factory) == 0


async def test_an_application_registered_after_the_draft_is_added_when_it_is_opened(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)  # a draft someone has worked on
    await _applications(session_factory)  # registered since
    adapter = _adapter(_services(session_factory))
    opened = await say(adapter, "årsredovisning")
    shown = text_of(opened)
    assert ("EU-ansökningar som har registrerats för 2025 sedan utkastet skapades ligger nu under EU-finansierade "
            f"projekt: ”{PROJECTS[0]}”, ”{PROJECTS[1]}”.") in shown
    assert "Granska årsredovisningen" in shown and f"• {PROJECTS[0]}" in shown
    part = await say(adapter, value=button(opened, "Ändra: EU-finansierade projekt"))
    assert f"Jag tog bort ”{PROJECTS[1]}”." in text_of(
        await say(adapter, value=button(part, f"Ta bort: {PROJECTS[1]}")))
    await say(adapter, "spara och stäng")
    again = text_of(await say(adapter, "årsredovisning"))  # removed on purpose: not added again
    assert "sedan utkastet skapades" not in again and PROJECTS[1] not in again and PROJECTS[0] in again
    assert sorted(item.title for item in (await _report(session_factory)).items) == ["Eurocities", PROJECTS[0]]


async def test_ordinary_words_at_a_part_or_the_review_do_not_close_the_report(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    assert "Del 2 av 6" in text_of(await say(adapter, "hoppa över"))
    assert text_of(await say(adapter, "ok")) == (
        "Skriv till exempel ”lägg till”, ”ändra 2”, ”ta bort 2”, ”nästa” eller ”tillbaka”.")
    await say(adapter, "lägg till")
    for answer in ("Eurocities", "Arbetsgrupp om klimat.", "b", "hoppa över"):
        await say(adapter, answer)
    edit = text_of(await say(adapter, "1"))  # the item's number: "ändra 1"
    assert "Vad kallar ni arbetet?" in edit and "Nu: ”Eurocities”" in edit
    for _ in range(4):
        await say(adapter, "behåll")
    await say(adapter, "granska")
    hint = "Välj en knapp, eller skriv till exempel ”skicka in”, ”ändra 2” eller ”spara och stäng”."
    for reply in ("ok", "tack", "klar", "3"):
        assert text_of(await say(adapter, reply)) == hint, reply
    passed = await say(adapter, "mina ansökningar")  # another command: passed on
    assert text_of(passed).startswith("Utkastet är sparat") and len(passed) > 1
    assert [item.title for item in (await _report(session_factory)).items] == ["Eurocities"]


async def test_the_current_year_may_be_started_but_no_later_one(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    assert text_of(await say(adapter, "årsredovisning 2027")) == (
        "Året 2027 kan jag inte ta emot. Skriv till exempel ”årsredovisning 2025”.")
    assert await _report_count(session_factory) == 0
    assert "Årsredovisning 2026 av det internationella arbetet i Miljönämnden" in text_of(
        await say(adapter, "årsredovisning 2026"))


async def test_a_stale_focus_card_saves_the_areas_chosen_on_it(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    [item] = (await _report(session_factory)).items
    card = {"action": "annual_report_focus", "organisation_id": await _environment_id(session_factory),
            "year": YEAR, "item_id": item.id}
    saved = text_of(await say(adapter, value={**card, "focus_areas": "2b,2c"}))
    assert "Sparat: inriktning för ”Eurocities”: Strategisk påverkan (2b), Profilering (2c)." in saved
    assert "Granska årsredovisningen" in saved and "Vilken inriktning" not in saved
    assert (await _report(session_factory)).items[0].focus_areas == ["2b", "2c"]
    assert "Vilken inriktning" in text_of(await say(adapter, value={**card, "focus_areas": ""}))



# --- in Teams, and on a phone ---------------------------------------------------------------------------------

FOCUS_ERROR = ("Välj minst en inriktning – verksamhetsutveckling (2a), strategisk påverkan (2b) eller profilering "
               "(2c) – och spara igen.")


def _teams_adapter(services, user: ChannelAccount = ANNA) -> TestAdapter:
    """In Teams, where cards hold forms: focus areas are chosen on the focus card."""
    return chat_adapter(services.bot.on_turn, user, conversation_id=f"personal-teams-{user.id}")


async def test_in_teams_the_focus_card_says_when_nothing_is_chosen(session_factory):
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)
    adapter = _teams_adapter(_services(session_factory))
    assert_fits_a_phone(adaptive_cards(await say(adapter, "årsredovisning")))
    missing = await say(adapter, "skicka in")
    assert_fits_a_phone(adaptive_cards(missing))
    [focus] = adaptive_cards(await say(adapter, value=button(missing, "Komplettera: Eurocities")))
    assert_fits_a_phone([focus])
    assert inputs(focus)["focus_areas"]["errorMessage"] == FOCUS_ERROR  # Teams' own check, on the desktop
    [save] = focus["actions"]
    [again] = adaptive_cards(await say(adapter, value={**save["data"], "focus_areas": ""}))
    assert_fits_a_phone([again])
    assert [block["text"] for block in again["body"] if block.get("color") == "Attention"] == [FOCUS_ERROR]
    assert inputs(again)["focus_areas"]["choices"] == inputs(focus)["focus_areas"]["choices"]
    saved = await say(adapter, value={**save["data"], "focus_areas": "2a,2c"})
    assert "Sparat: Eurocities." in text_of(saved)
    assert (await _report(session_factory)).items[0].focus_areas == ["2a", "2c"]


async def test_many_items_to_complete_each_have_their_button_under_them(session_factory):
    """Seven items without focus areas, the plan and the contact person: nine buttons, never more than six in a
    row (a phone hides the rest behind "…"), each right under what it completes."""
    await _people(session_factory)
    await _ready_report(session_factory, complete=False)
    async with session_factory.begin() as session:
        anna = await make_user(session, ANNA.id, ANNA.name, await get_organisation(session, "miljonamnden"))
        report = await get_or_create_draft(session, anna.organisation_id, YEAR, anna)
        for number in range(6):
            await add_item(session, report, anna, kind="visit", title=f"Studiebesök nummer {number + 1} från "
                           "Rotterdam om klimatanpassning", description="Besök.", focus_areas=[], results=None)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    [card] = adaptive_cards(await say(adapter, "skicka in"))
    assert_fits_a_phone([card])
    rows = [element["actions"] for element in card["body"] if element["type"] == "ActionSet"]
    assert [len(row) for row in rows] == [1] * 9 and "actions" not in card
    titles = [row[0]["title"] for row in rows]
    assert titles[:2] == ["Komplettera: Eurocities", "Komplettera: Studiebesök nummer 1…"]
    assert titles[-2:] == ["Svara om verksamhetsplanen", "Ange kontaktperson"]
    for position, element in enumerate(card["body"]):
        if element["type"] == "ActionSet":
            assert card["body"][position - 1]["text"].startswith("• ")


async def test_an_items_buttons_are_cut_to_what_teams_shows_and_a_part_is_named_short(session_factory):
    await _people(session_factory)
    adapter = _adapter(_services(session_factory))
    await say(adapter, "årsredovisning")
    await say(adapter, "nästa")
    await say(adapter, "lägg till")
    await say(adapter, "Samarbete med Tammerfors och Åbo om skolans digitalisering")
    for answer in ("Utbyte av lärare.", "a", "hoppa över"):
        part = await say(adapter, answer)
    [card] = adaptive_cards(part)
    assert_fits_a_phone([card])
    titles = [action["title"] for element in card["body"] if element["type"] == "ActionSet"
              for action in element["actions"]]
    assert titles == ["Ändra: Samarbete med Tammerfors och…", "Ta bort: Samarbete med Tammerfors…"]
    # The review names each part in full in its heading, and on its button by its short name.
    [review] = adaptive_cards(await say(adapter, "granska"))
    assert_fits_a_phone([review])
    headings = [element["text"] for element in review["body"] if element.get("weight") == "Bolder"]
    assert "2. Internationella organisationer och nätverk" in headings
    buttons = [action["title"] for element in review["body"] if element["type"] == "ActionSet"
               for action in element["actions"]]
    assert buttons[:6] == ["Ändra: EU-finansierade projekt", "Ändra: Organisationer och nätverk",
                           "Ändra: Vänortssamarbete", "Ändra: Internationella besök",
                           "Ändra: Kongresser och seminarier", "Ändra: EU-bevakning och påverkan"]
