"""Registering an EU application one question at a time, through botbuilder's TestAdapter, on both databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount
from sqlalchemy import func, select

from bot.assembly import build_bot
from reports.download_links import verify_information_item_link
from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.applications import application_reference
from storage.models import Application, ApplicationEvent, InformationItem, RegistrationDraft, Reminder
from storage.organisations import get_organisation
from storage.users import get_user_by_teams_id, set_user_organisation, upsert_user
from tests.support.chat import chat_adapter, deliver_notices, install_in_channel, say, text_of
from tests.support.phone_cards import adaptive_cards, assert_fits_a_phone, inputs, text_after
from tests.support.registration_form import FORM
from texts import lookup

USER = ChannelAccount(id="29:anna", name="Anna Andersson")
KS_CONVERSATION = "19:ks-forvaltning@thread.tacv2"
LINK_SECRET = "secret of the test instance"


def _adapter(session_factory, conversation_id: str = "anna-personal", **settings) -> TestAdapter:
    return _adapter_for(build_bot(Settings(_env_file=None, **settings), session_factory), conversation_id)


def _adapter_for(services, conversation_id: str = "anna-personal") -> TestAdapter:
    # channel "test" has no card forms: the one-question-at-a-time path
    return chat_adapter(services.bot.on_turn, USER, conversation_id=conversation_id, channel_id="test")


async def _official_of(session_factory, slug: str = "miljonamnden") -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, USER.id, aad_object_id=None, name=USER.name)
        await set_user_organisation(session, user, await get_organisation(session, slug))


def _text(replies: list[Activity]) -> str:
    parts = []
    for reply in replies:
        parts.append(reply.text or "")
        for attachment in reply.attachments or []:
            parts.append(json.dumps(attachment.content, ensure_ascii=False))
    return "\n".join(parts)


def _information_item_card(replies: list[Activity]) -> dict:
    """The card that sums up the informationsärende draft (the one with its download button)."""
    cards = [attachment.content for reply in replies for attachment in reply.attachments or []
             if any(action.get("type") == "Action.OpenUrl" for action in attachment.content.get("actions", []))]
    assert len(cards) == 1, cards
    return cards[0]


def _facts(card: dict) -> dict[str, str]:
    """A card's facts, title → value, with the no-break spaces that keep a figure on one line read as spaces."""
    return {fact["title"].replace("\u00a0", " "): fact["value"].replace("\u00a0", " ")
            for element in card["body"] if element.get("type") == "FactSet" for fact in element["facts"]}


def _review_key(replies: list[Activity]) -> str:
    for reply in replies:
        for attachment in reply.attachments or []:
            for action in attachment.content.get("actions", []):
                if action.get("data", {}).get("action") == "registration_save":
                    return action["data"]["submission_key"]
    raise AssertionError("no review card among the replies")


ANSWERS_UNDER_THRESHOLD = [
    ("Gröna tak i Malmö", "Beskriv kort"),
    ("Vi bygger gröna tak på skolor för att minska översvämningar.", "Vilket EU-program"),
    ("Interreg Öresund-Kattegat-Skagerrak", "Vilken utlysning"),
    ("hoppa över", "projektägare"),
    ("projektägare", "totalbudget"),
    ("11 000 000 kr", "andel"),
    ("2 000 000 kr", "lämna in"),
    ("2027-03-01", "sista ansökningsdag"),
    ("15 mars 2027", "beslut"),
    ("hoppa över", "startar"),
    ("2027-09-01", "slutar"),
    ("2029-08-31", "kontaktperson"),
    ("jag", "linje med"),
    ("ja", "beslut om och förankrat"),
    ("ja", "diarienummer"),
]


async def _fill_in(adapter: TestAdapter, answers=ANSWERS_UNDER_THRESHOLD) -> list[Activity]:
    replies = await say(adapter, "registrera ansökan")
    assert "Vad heter projektet?" in _text(replies)
    for answer, next_question in answers:
        replies = await say(adapter, answer)
        assert next_question in _text(replies), (answer, _text(replies))
    return await say(adapter, "MN-2026-1234")


async def test_a_full_registration_under_the_threshold(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    review = await _fill_in(adapter)
    card = _text(review)
    assert "Stämmer det här?" in card
    # On a card, amounts and dates never break across lines: no-break spaces (dialogs/common/cards.py).
    assert "11\u00a0000\u00a0000\u00a0kr" in card and "15\u00a0mars\u00a02027" in card and "Miljönämnden" in card
    assert "Anna Andersson" in card  # "jag" means the user

    saved = await say(adapter, value={"action": "registration_save", "submission_key": _review_key(review)})
    receipt = _text(saved)
    assert "är registrerad" in receipt
    assert "§ 4.1" in receipt
    assert "kunde inte nå kommunstyrelsens förvaltning" in receipt  # no KS conversation configured here
    async with session_factory() as session:
        application = (await session.execute(select(Application))).scalar_one()
        items = (await session.execute(select(func.count()).select_from(InformationItem))).scalar_one()
        drafts = (await session.execute(select(func.count()).select_from(RegistrationDraft))).scalar_one()
        events = (await session.execute(select(ApplicationEvent.kind))).scalars().all()
    assert application.project_name == "Gröna tak i Malmö"
    assert application.total_budget_minor == 11_000_000_00
    assert items == 0  # under 12 MSEK: no informationsärende
    assert drafts == 0  # the draft is gone once saved
    assert "created" in events and "ks_administration_not_reached" in events


async def test_over_the_threshold_in_euro_informs_ks_and_drafts_the_information_item(session_factory):
    await _official_of(session_factory)
    await install_in_channel(session_factory, KS_CONVERSATION)
    adapter = _adapter(session_factory, ks_administration_conversation_id=KS_CONVERSATION, eur_sek_rate=11.5,
                       public_base_url="https://lotsen.malmo.se", download_link_secret=LINK_SECRET)
    answers = list(ANSWERS_UNDER_THRESHOLD)
    answers[5] = ("1,2 MEUR", "andel")
    review = await _fill_in(adapter, answers)
    assert "1\u00a0200\u00a0000\u00a0euro" in _text(review)
    before_saving = datetime.now(timezone.utc)
    saved = await say(adapter, value={"action": "registration_save", "submission_key": _review_key(review)})
    assert [reply for reply in saved if reply.conversation.id == KS_CONVERSATION] == []  # not before the commit
    async with session_factory() as session:  # saved with its notice, which is not delivered yet
        assert (await session.execute(select(Application.ks_administration_informed_at))).scalar_one() is None
    ks_cards = await deliver_notices(adapter, session_factory)
    assert [card.conversation.id for card in ks_cards] == [KS_CONVERSATION]
    ks_text = _text(ks_cards)
    assert "Gröna tak i Malmö" in ks_text and "Miljönämnden" in ks_text
    assert "Krävs" in ks_text  # the informationsärende is required
    receipt = _text([reply for reply in saved if reply.conversation.id != KS_CONVERSATION])
    assert "Jag skickar nu en sammanfattning till kommunstyrelsens förvaltning" in receipt
    async with session_factory() as session:
        item = (await session.execute(select(InformationItem))).scalar_one()
        application = (await session.execute(select(Application))).scalar_one()
        anna = await get_user_by_teams_id(session, USER.id)
    reference = application_reference(application)
    # The informationsärende draft: a summary card and a link to the Word document, not the text in the chat,
    # where its line breaks would collapse. The draft is kept with the application as text.
    assert "Ärende\n" not in receipt and "Förslag till beslut" not in receipt
    card = _information_item_card(saved)
    assert _facts(card) == {
        "Ansökan": reference,
        "Projekt": "Gröna tak i Malmö",
        "Nämnd eller bolag": "Miljönämnden",
        "Program eller fond": "Interreg Öresund-Kattegat-Skagerrak",
        "Totalbudget": "1 200 000 euro (ungefär 13 800 000 kr med kursen 11,50 kr per euro)",
        "Beloppsgräns (§ 4.1)": "Totalbudgeten når 12 000 000 kr: informationsärende krävs",
        "Att fylla i": "Inget saknas – läs igenom utkastet",  # every fact the draft needs was answered
    }
    [download] = card["actions"]
    assert (download["type"], download["title"]) == ("Action.OpenUrl", "Ladda ner informationsärendet (Word)")
    link = urlsplit(download["url"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == \
        f"https://lotsen.malmo.se/downloads/information-item/{application.id}.docx"
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert verify_information_item_link(
        LINK_SECRET, application_id=application.id, fmt="docx", user=query["user"], expires=query["expires"],
        signature=query["signature"], now=datetime.now(timezone.utc)) == anna.id  # for Anna, who registered it
    assert before_saving + timedelta(hours=23) < datetime.fromtimestamp(int(query["expires"]), timezone.utc)
    assert item.draft_text.startswith("Utkast: informationsärende till kommunstyrelsen\n\nÄrende\n")
    assert "Ekonomi\n" in item.draft_text and f"Lotsens referens: {reference}" in item.draft_text
    assert item.status == "todo"
    assert application.ks_administration_informed_at is not None
    assert application.eur_sek_rate == 11.5
    async with session_factory() as session:
        kinds = (await session.execute(select(Reminder.kind))).scalars().all()
    assert kinds.count("application_deadline") == 3  # 14, 7 and 2 days before the call deadline
    assert "information_item" in kinds  # until the informationsärende is marked sent


async def test_a_bolags_application_informs_ks_förvaltning_without_an_information_item(session_factory):
    # 4.1's routine is the nämnders' (organisation_duties `eu_routine`): a helägt bolag owning a project over the
    # threshold gets no informationsärende draft nor its reminders, and KS förvaltning, which supports the bolag
    # (3.2.1), is told of the application all the same.
    await _official_of(session_factory, "malmo-live-konserthus-ab")
    await install_in_channel(session_factory, KS_CONVERSATION)
    adapter = _adapter(session_factory, ks_administration_conversation_id=KS_CONVERSATION)
    answers = list(ANSWERS_UNDER_THRESHOLD)
    answers[5] = ("25 000 000 kr", "andel")
    answers[12] = ("Mira Holm", "linje med")
    review = await _fill_in(adapter, answers)
    assert "Malmö Live Konserthus AB" in _text(review)
    saved = await say(adapter, value={"action": "registration_save", "submission_key": _review_key(review)})
    receipt = _text(saved)
    assert "Rutinen i 4.1 är skriven för nämnderna" in receipt and "avsnitt 3.4" in receipt
    assert "Policyn kräver det inte av ett bolag, men jag skickar ändå en sammanfattning" in receipt
    assert "Ladda ner informationsärendet" not in receipt and "Det här gäller enligt policyn" not in receipt
    ks_cards = await deliver_notices(adapter, session_factory)
    assert [card.conversation.id for card in ks_cards] == [KS_CONVERSATION]
    assert "Malmö Live Konserthus AB" in _text(ks_cards)
    async with session_factory() as session:
        application = (await session.execute(select(Application))).scalar_one()
        items = (await session.execute(select(func.count()).select_from(InformationItem))).scalar_one()
        kinds = (await session.execute(select(Reminder.kind))).scalars().all()
    assert application.information_item_required is False and items == 0
    assert "information_item" not in kinds and kinds.count("application_deadline") == 3
    assert application.ks_administration_informed_at is not None


async def test_every_wrong_answer_is_re_asked_with_an_example(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "Gröna tak")
    await say(adapter, "Gröna tak på skolor.")
    assert "Jag känner inte igen programmet" in _text(await say(adapter, "Marsprogrammet"))
    await say(adapter, "2")  # a number from the list
    assert "går inte att hoppa över" not in _text(await say(adapter, "hoppa över"))  # the call is optional
    assert "projektägare" in _text(await say(adapter, "något"))  # role re-asked
    await say(adapter, "partner")
    assert "inte vara negativt" in _text(await say(adapter, "-5 miljoner"))
    assert "14 500 000 kr" in _text(await say(adapter, "väldigt mycket"))
    await say(adapter, "10 miljoner")
    assert "inte vara större än totalbudgeten" in _text(await say(adapter, "20 miljoner"))
    await say(adapter, "hoppa över")
    assert "2027-03-15" in _text(await say(adapter, "snart"))  # the date example
    await say(adapter, "2027-03-01")
    assert "redan passerat" in _text(await say(adapter, "2026-01-01"))
    assert "efter sista ansökningsdag" in _text(await say(adapter, "15/2 2027"))
    await say(adapter, "15 mars 2027")
    assert "före inlämningen" in _text(await say(adapter, "1 februari 2027"))
    await say(adapter, "hoppa över")
    await say(adapter, "2027-09-01")
    assert "före projektstart" in _text(await say(adapter, "2027-08-01"))
    await say(adapter, "2029-08-31")
    await say(adapter, "Berit Bengtsson")
    assert "ja" in _text(await say(adapter, "kanske")).lower()
    assert "linje med policyn" in _text(await say(adapter, "nej"))  # the 4.1 warning
    assert "går inte att hoppa över" in _text(await say(adapter, "hoppa över"))  # required
    await say(adapter, "ja")
    review = _text(await say(adapter, "hoppa över"))  # the diarienummer is optional
    assert "Berit Bengtsson" in review and "Partner" in review


async def test_back_goes_one_step_back(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    assert "redan vid första frågan" in _text(await say(adapter, "tillbaka"))
    await say(adapter, "Gröna tak")
    assert "Vad heter projektet?" in _text(await say(adapter, "tillbaka"))
    assert "Beskriv kort" in _text(await say(adapter, "Blå tak"))


async def test_edit_from_the_review_returns_to_the_review(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await _fill_in(adapter)
    question = _text(await say(adapter, value={"action": "registration_edit", "field": "total_budget"}))
    assert "totalbudget" in question
    review = _text(await say(adapter, "13 miljoner"))
    assert "Stämmer det här?" in review and "13\u00a0000\u00a0000\u00a0kr" in review


async def test_an_official_placed_in_a_nämnd_registers_for_that_nämnd_only(session_factory):
    """Another organisation's application would be out of the official's sight once saved: not offered."""
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await _fill_in(adapter)
    question = _text(await say(adapter, value={"action": "registration_edit", "field": "organisation_slug"}))
    assert "1. Miljönämnden" in question and "Kulturnämnden" not in question
    refused = _text(await say(adapter, "Kulturnämnden"))
    assert refused.startswith("Du registrerar ansökningar för Miljönämnden, där en administratör har placerat dig")
    review = _text(await say(adapter, "1"))
    assert "Stämmer det här?" in review and "Miljönämnden" in review


async def test_cancel_asks_first_then_discards_the_draft(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "Gröna tak")
    assert "Vill du avbryta" in _text(await say(adapter, "avbryt"))
    assert "Beskriv kort" in _text(await say(adapter, "nej"))  # kept: back to the question
    await say(adapter, "avbryt")
    assert "avbruten" in _text(await say(adapter, "ja"))
    async with session_factory() as session:
        assert (await session.execute(select(func.count()).select_from(RegistrationDraft))).scalar_one() == 0


async def test_a_saved_review_pressed_twice_creates_one_application(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    review = await _fill_in(adapter)
    key = _review_key(review)
    await say(adapter, value={"action": "registration_save", "submission_key": key})
    again = _text(await say(adapter, value={"action": "registration_save", "submission_key": key}))
    assert "redan sparad" in again
    async with session_factory() as session:
        assert (await session.execute(select(func.count()).select_from(Application))).scalar_one() == 1


async def test_a_user_without_organisation_is_asked_once_and_it_is_remembered(session_factory):
    adapter = _adapter(session_factory)
    answers = list(ANSWERS_UNDER_THRESHOLD)
    answers[3] = ("hoppa över", "nämnd eller vilket bolag")
    answers.insert(4, ("Miljonamnden", "projektägare"))
    review = await _fill_in(adapter, answers)
    await say(adapter, value={"action": "registration_save", "submission_key": _review_key(review)})
    second = _adapter(session_factory)
    await say(second, "registrera ansökan")
    for answer, _ in ANSWERS_UNDER_THRESHOLD[:3]:
        await say(second, answer)
    assert "projektägare" in _text(await say(second, "hoppa över"))  # no organisation question this time


async def test_a_restart_mid_question_continues_with_the_next_question(database_url):
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        await _official_of(session_factory)
        adapter = _adapter(session_factory)
        await say(adapter, "registrera ansökan")
        await say(adapter, "Gröna tak")
    finally:
        await engine.dispose()
    engine = create_engine(database_url)  # a new process on the same database
    try:
        restarted = _adapter(create_session_factory(engine))
        assert "Vilket EU-program" in _text(await say(restarted, "Gröna tak på skolor."))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("answer_resume, expected", [("ja", "Beskriv kort"), ("nej", "Vad heter projektet?")])
async def test_coming_back_days_later_offers_the_draft(database_url, answer_resume, expected):
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        await _official_of(session_factory)
        adapter = _adapter(session_factory)
        await say(adapter, "registrera ansökan")
        await say(adapter, "Gröna tak")
    finally:
        await engine.dispose()
    engine = create_engine(database_url)
    try:
        later = datetime.now(timezone.utc) + timedelta(days=3)
        services = build_bot(Settings(_env_file=None), create_session_factory(engine), clock=lambda: later)
        restarted = _adapter_for(services)
        offer = _text(await say(restarted, "hallå, var var vi?"))
        assert "påbörjat utkast" in offer and "Gröna tak" in offer
        assert expected in _text(await say(restarted, answer_resume))
    finally:
        await engine.dispose()


async def test_registering_again_offers_the_unfinished_draft(session_factory):
    await _official_of(session_factory)
    first = _adapter(session_factory)
    await say(first, "registrera ansökan")
    await say(first, "Gröna tak")
    # Another conversation of the same user (say, Teams on the phone) starts a registration.
    other = _adapter(session_factory, conversation_id="anna-phone")
    offer = _text(await say(other, "registrera ansökan"))
    assert "påbörjat utkast" in offer
    assert "Beskriv kort" in _text(await say(other, "ja"))


async def test_an_edit_that_opens_a_new_question_asks_it_before_the_review(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await _fill_in(adapter)
    await say(adapter, value={"action": "registration_edit", "field": "programme"})
    assert "Vilket program eller vilken fond gäller det?" in _text(await say(adapter, "Annat"))
    review = _text(await say(adapter, "Nordplus"))
    assert "Stämmer det här?" in review and "Nordplus" in review


async def test_the_registration_speaks_english_to_an_english_locale(session_factory):
    await _official_of(session_factory)
    services = build_bot(Settings(_env_file=None), session_factory)
    adapter = _adapter_for(services)
    adapter.template.locale = "en-US"
    replies = _text(await say(adapter, "register application"))
    assert "What is the project called?" in replies
    assert "What is the project called?" not in _text(await say(adapter, "Green roofs"))


async def test_naming_an_organisation_remembers_it_but_grants_no_access(session_factory):
    adapter = _adapter(session_factory)  # Anna belongs to no organisation
    answers = list(ANSWERS_UNDER_THRESHOLD)
    answers[3] = ("hoppa över", "nämnd eller vilket bolag")
    answers.insert(4, ("Kulturnämnden", "projektägare"))
    review = await _fill_in(adapter, answers)
    await say(adapter, value={"action": "registration_save", "submission_key": _review_key(review)})
    async with session_factory() as session:
        from storage.users import get_user_by_teams_id

        anna = await get_user_by_teams_id(session, USER.id)
    assert anna.organisation_id is None  # only an administrator places a user in an organisation


async def test_save_on_an_old_review_card_does_not_end_the_new_registration(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    first_key = _review_key(await _fill_in(adapter))
    await say(adapter, value={"action": "registration_save", "submission_key": first_key})
    second_review = await _fill_in(adapter)
    stale = _text(await say(adapter, value={"action": "registration_save", "submission_key": first_key}))
    assert "redan sparad" in stale and "Stämmer det här?" in stale  # told, and the new review shown again
    saved = _text(await say(adapter, value={"action": "registration_save",
                                              "submission_key": _review_key(second_review)}))
    assert "är registrerad" in saved
    async with session_factory() as session:
        assert (await session.execute(select(func.count()).select_from(Application))).scalar_one() == 2


async def test_cancel_at_the_resume_offer_keeps_the_draft(session_factory):
    await _official_of(session_factory)
    first = _adapter(session_factory)
    await say(first, "registrera ansökan")
    await say(first, "Gröna tak")
    other = _adapter(session_factory, conversation_id="anna-phone")
    assert "påbörjat utkast" in _text(await say(other, "registrera ansökan"))
    assert "finns kvar" in _text(await say(other, "avbryt"))
    async with session_factory() as session:
        assert (await session.execute(select(func.count()).select_from(RegistrationDraft))).scalar_one() == 1


async def test_unusual_digits_are_re_asked_not_a_crash(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "Gröna tak")
    await say(adapter, "Gröna tak på skolor.")
    assert "Jag känner inte igen programmet" in _text(await say(adapter, "²"))


async def test_an_absurdly_large_total_budget_is_re_asked_not_a_crash(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    for answer in ("Gröna tak", "Gröna tak på skolor.", "2", "hoppa över", "projektägare"):
        await say(adapter, answer)
    retry = _text(await say(adapter, "100000000000000000 kr"))
    assert "Något gick fel" not in retry
    assert "14 500 000 kr" in retry  # the re-ask's example
    assert "andel" in _text(await say(adapter, "14 500 000 kr"))  # and a sane amount is taken
    async with session_factory() as session:
        draft = (await session.execute(select(RegistrationDraft))).scalar_one()
    assert draft.data["total_budget"] == {"amount_minor": 1_450_000_000, "currency": "SEK"}


async def test_an_edit_that_breaks_the_date_order_is_asked_about_that_date(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await _fill_in(adapter)
    await say(adapter, value={"action": "registration_edit", "field": "planned_submission_date"})
    retry = _text(await say(adapter, "1 april 2027"))
    assert "Skriv ett inlämningsdatum" in retry
    assert "Stämmer det här?" in _text(await say(adapter, "tillbaka"))  # back from an edit: the review



# --- in Teams: the form and the choice cards ------------------------------------------------------------------

NBSP = "\u00a0"


def _teams_adapter(session_factory) -> TestAdapter:
    """Anna in her personal chat in Teams, where cards hold forms."""
    services = build_bot(Settings(_env_file=None), session_factory)
    return chat_adapter(services.bot.on_turn, USER, conversation_id="anna-teams")


async def test_in_teams_a_form_with_errors_comes_back_as_typed_saying_what_to_correct(session_factory):
    await _official_of(session_factory, "servicenamnden")
    adapter = _teams_adapter(session_factory)
    offered = adaptive_cards(await say(adapter, "registrera ansökan"))
    assert_fits_a_phone(offered)
    typed = {**FORM, "description": "Återbruk av byggmaterial, med det jag skrev till.",
             "total_budget": "väldigt mycket", "project_end": "2027-08-01", "malmo_share": "2 000 000 kr"}
    [again] = adaptive_cards(await say(adapter, value=typed))
    assert_fits_a_phone([again])
    fields = inputs(again)
    # Everything as it was typed, the wrong answers too, so that nothing has to be filled in twice.
    assert {name: fields[name].get("value") for name in ("description", "total_budget", "malmo_share",
                                                          "project_end", "programme", "malmo_role",
                                                          "aligned_with_policy", "expected_decision_date")} == {
        "description": "Återbruk av byggmaterial, med det jag skrev till.", "total_budget": "väldigt mycket",
        "malmo_share": "2 000 000 kr", "project_end": "2027-08-01", "programme": "life", "malmo_role": "owner",
        "aligned_with_policy": "true", "expected_decision_date": None}
    # Under each wrong field what to correct, as a form says it (the chat's "skriv …" is for typed answers).
    assert text_after(again, "total_budget") == (
        f"Rätta beloppet, t.ex. 14{NBSP}500{NBSP}000{NBSP}kr, 12,5{NBSP}miljoner eller 1,2{NBSP}MEUR.")
    assert text_after(again, "project_end") == (
        f"Projektslut (1{NBSP}augusti{NBSP}2027) ligger före projektstart (1{NBSP}september{NBSP}2027). "
        "Rätta ett av datumen.")
    assert text_after(again, "project_name") is None  # nothing wrong there
    assert again["body"][1]["text"].startswith("Några svar behöver rättas. Det du fyllde i finns kvar")
    review = _text(await say(adapter, value={**typed, "total_budget": "14,5 miljoner", "project_end": "2029-08-31"}))
    assert "Stämmer det här?" in review and f"14{NBSP}500{NBSP}000{NBSP}kr" in review


async def test_in_teams_an_empty_required_field_asks_to_be_filled_in(session_factory):
    await _official_of(session_factory, "servicenamnden")
    adapter = _teams_adapter(session_factory)
    await say(adapter, "registrera ansökan")
    [again] = adaptive_cards(await say(adapter, value={**FORM, "project_name": " "}))
    assert text_after(again, "project_name") == "Fyll i det här fältet."
    assert inputs(again)["call_identifier"]["value"] == "LIFE-2027-CIRC"


async def test_in_teams_a_choice_changed_from_the_review_is_a_dropdown(session_factory):
    await _official_of(session_factory, "servicenamnden")
    adapter = _teams_adapter(session_factory)
    await say(adapter, "registrera ansökan")
    assert_fits_a_phone(adaptive_cards(await say(adapter, value=FORM)))  # the review
    replies = await say(adapter, value={"action": "registration_edit", "field": "programme"})
    [card] = adaptive_cards(replies)
    assert_fits_a_phone([card])
    dropdown = inputs(card)["programme"]
    assert (dropdown["type"], dropdown["style"], dropdown["value"]) == ("Input.ChoiceSet", "compact", "life")
    assert len(dropdown["choices"]) > 20  # every programme, on one line until opened
    assert "1. Horisont Europa" not in text_of(replies)  # not the chat's numbered list
    [choose] = card["actions"]
    assert choose["data"] == {"action": "registration_choice", "field": "programme"}
    nothing = adaptive_cards(await say(adapter, value={**choose["data"], "programme": ""}))
    assert nothing[0]["body"][0]["text"] == (
        "Välj ett program eller en fond i listan, eller ”Annat” om det inte finns med.")
    review = _text(await say(adapter, value={**choose["data"], "programme": "interreg_oks"}))
    assert "Stämmer det här?" in review and "Interreg Öresund-Kattegat-Skagerrak" in review
    # The organisation too; an official placed in a nämnd is offered hers only.
    [organisation] = adaptive_cards(await say(adapter, value={"action": "registration_edit",
                                                               "field": "organisation_slug"}))
    assert [choice["value"] for choice in inputs(organisation)["organisation_slug"]["choices"]] == ["servicenamnden"]


async def test_in_the_terminal_chat_a_choice_changed_from_the_review_is_a_numbered_list(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)  # no card forms
    await _fill_in(adapter)
    replies = await say(adapter, value={"action": "registration_edit", "field": "programme"})
    assert adaptive_cards(replies) == []
    assert "1. Horisont Europa" in _text(replies)
    review = _text(await say(adapter, "1"))
    assert "Stämmer det här?" in review and "Horisont Europa" in review


async def test_the_reviews_change_buttons_are_short_beside_a_long_name(session_factory):
    """On a phone the answer keeps the row's width: "Ändra" beside "Stadsbyggnadsnämnden", not a long title."""
    await _official_of(session_factory, "servicenamnden")
    adapter = _teams_adapter(session_factory)
    await say(adapter, "registrera ansökan")
    [review] = adaptive_cards(await say(adapter, value=FORM))
    rows = [element for element in review["body"] if element["type"] == "ColumnSet"]
    assert len(rows) > 10
    for row in rows:
        answer, button = row["columns"]
        assert (answer["width"], button["width"]) == ("stretch", "auto")
        assert all(block["wrap"] is True for block in answer["items"])
        [edit] = button["items"][0]["actions"]
        assert edit["title"] == "Ändra" and edit["tooltip"].startswith("Ändra: ")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_problem_an_answer_can_have_is_said_as_a_form_says_it(lang):
    """The form and the choice cards say each problem under the field (registration.form.errors); the chat's
    retry texts (registration.retry) say what to write back. "required" is the form's required_error."""
    chat_problems = set(lookup("registration.retry", lang)) - {"required"}
    form_errors = lookup("registration.form.errors", lang)
    assert set(form_errors) == chat_problems
    assert not [key for key, said in form_errors.items() if "skriv" in said.lower() or "write" in said.lower()]
