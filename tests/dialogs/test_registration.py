"""Registering an EU application one question at a time, through botbuilder's TestAdapter, on both databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount
from sqlalchemy import func, select

from bot.assembly import build_bot
from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Application, ApplicationEvent, InformationItem, RegistrationDraft, Reminder
from storage.organisations import get_organisation
from storage.users import set_user_organisation, upsert_user
from tests.support.chat import chat_adapter, deliver_notices, install_in_channel, say

USER = ChannelAccount(id="29:anna", name="Anna Andersson")
KS_CONVERSATION = "19:ks-forvaltning@thread.tacv2"


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
    assert "11 000 000 kr" in card and "15 mars 2027" in card and "Miljönämnden" in card
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
    adapter = _adapter(session_factory, ks_administration_conversation_id=KS_CONVERSATION, eur_sek_rate=11.5)
    answers = list(ANSWERS_UNDER_THRESHOLD)
    answers[5] = ("1,2 MEUR", "andel")
    review = await _fill_in(adapter, answers)
    assert "1 200 000 euro" in _text(review)
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
    assert "Ärende" in receipt and "Ekonomi" in receipt  # the informationsärende draft
    async with session_factory() as session:
        item = (await session.execute(select(InformationItem))).scalar_one()
        application = (await session.execute(select(Application))).scalar_one()
    assert item.status == "todo"
    assert application.ks_administration_informed_at is not None
    assert application.eur_sek_rate == 11.5
    async with session_factory() as session:
        kinds = (await session.execute(select(Reminder.kind))).scalars().all()
    assert kinds.count("application_deadline") == 3  # 14, 7 and 2 days before the call deadline
    assert "information_item" in kinds  # until the informationsärende is marked sent


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
    assert "Stämmer det här?" in review and "13 000 000 kr" in review


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
