"""Registering an EU application over HTTP, as Teams does it: the card form, the review, saving, and the
summary card that reaches kommunstyrelsens förvaltning's channel at the connector stand-in."""

from __future__ import annotations

import asyncio
import io
import json
from urllib.parse import urlsplit

from docx import Document
from sqlalchemy import func, select

from storage.applications import application_reference
from storage.db import create_engine, create_session_factory
from storage.models import Application, ApplicationEvent
from storage.organisations import get_organisation
from storage.users import set_user_organisation, upsert_user
from tests.support.activities import channel_mention, message
from tests.support.phone_cards import assert_fits_a_phone, inputs, text_after
from tests.support.registration_form import FORM, save_button

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
ANNAS_CHAT = "a:conversation-29:anna"



def _cards(standin, conversation_id: str | None = None) -> list[str]:
    return [
        json.dumps(attachment["content"], ensure_ascii=False)
        for item in standin.received
        if conversation_id is None or item.conversation_id == conversation_id
        for attachment in item.activity.get("attachments") or []
    ]


def _save_key(standin) -> str:
    return save_button(standin)["submission_key"]


async def _app_with_ks_channel(start_app, service_url, database_url):
    client = await start_app(database_url=database_url, ks_administration_conversation_id=KS_CHANNEL)
    # Lotsen is installed in KS förvaltning's channel: someone writes there, and the reference is kept.
    await client.post("/api/messages", json=message(
        service_url, "konversations-id", conversation_type="channel", conversation_id=KS_CHANNEL,
        user_id="29:ks", user_name="KS förvaltning"))
    return client


async def test_the_form_the_review_and_the_notification_to_ks(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/form.db"
    client = await _app_with_ks_channel(start_app, service_url, database_url)
    assert KS_CHANNEL in standin.texts()[-1]  # "konversations-id" tells the channel its id

    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    assert any('"Input.Date"' in card for card in _cards(standin))  # Teams gets the form

    await client.post("/api/messages", json=message(service_url, None, value={**FORM, "total_budget": "mycket"}))
    # The form comes back as it was filled in, with what to correct under the amount.
    again = standin.cards()[-1]
    assert inputs(again)["total_budget"]["value"] == "mycket"
    assert inputs(again)["project_name"]["value"] == "Cirkulära Malmö"
    assert text_after(again, "total_budget").startswith("Rätta beloppet, t.ex. 14\u00a0500\u00a0000\u00a0kr")

    await client.post("/api/messages", json=message(service_url, None, value=FORM))
    review = _cards(standin)[-1]
    assert "Stämmer det här?" in review and "14\u00a0500\u00a0000\u00a0kr" in review and "Servicenämnden" in review
    assert_fits_a_phone(standin.cards())  # the form, the form again and the review

    standin.clear()
    await client.post("/api/messages", json=message(
        service_url, None, value={"action": "registration_save", "submission_key": _save_key_from(review)},
        replyToId="review-card"))
    await standin.wait_for_in(KS_CHANNEL)  # the notice goes out once the turn has committed
    # The review card pressed is replaced by the application as saved: its answers, by whom, and no buttons.
    [saved] = [item.activity["attachments"][0]["content"] for item in standin.received
               if item.method == "PUT" and item.reply_to_id == "review-card"]
    assert "Sparad som EU-" in json.dumps(saved, ensure_ascii=False) and "av Anna Andersson" in json.dumps(
        saved, ensure_ascii=False)
    assert "Cirkulära Malmö" in json.dumps(saved, ensure_ascii=False)
    assert "actions" not in saved and "registration_edit" not in json.dumps(saved)
    [ks_card] = _cards(standin, KS_CHANNEL)
    assert "Cirkulära Malmö" in ks_card and "Servicenämnden" in ks_card and "Krävs" in ks_card
    receipt = " ".join(_cards(standin, "a:conversation-29:anna"))
    assert "Jag skickar nu en sammanfattning till kommunstyrelsens förvaltning" in receipt
    # and its delivery goes into the application's history, once the outbox has recorded it
    async with asyncio.timeout(10):
        while await _informed_at(database_url) is None:
            await asyncio.sleep(0.05)
    assert_fits_a_phone(standin.cards())  # every card of the registration, the channel's too, works on a phone
    # The informationsärende: a summary card in the chat, whose button downloads the Word document from this app.
    [item_card] = [json.loads(card) for card in _cards(standin, ANNAS_CHAT) if '"Action.OpenUrl"' in card]
    facts = {fact["title"]: fact["value"] for element in item_card["body"] if element["type"] == "FactSet"
             for fact in element["facts"]}
    assert facts["Projekt"] == "Cirkulära Malmö" and facts["Nämnd eller bolag"] == "Servicenämnden"
    [download] = item_card["actions"]
    link = urlsplit(download["url"])
    response = await client.get(f"{link.path}?{link.query}")
    assert response.status == 200
    paragraphs = [p.text for p in Document(io.BytesIO(await response.read())).paragraphs]
    assert "Ekonomi" in paragraphs and "Projektets totalbudget: 14 500 000 kr" in paragraphs


async def _informed_at(database_url: str):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(select(Application.ks_administration_informed_at))).scalar_one()
    finally:
        await engine.dispose()


def _save_key_from(card_json: str) -> str:
    card = json.loads(card_json)
    for action in card["actions"]:
        if action["data"].get("action") == "registration_save":
            return action["data"]["submission_key"]
    raise AssertionError("no Spara button")


async def test_pressing_save_twice_at_once_creates_one_application(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/double.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, None, value=FORM))
    save = {"action": "registration_save", "submission_key": _save_key(standin)}
    responses = await asyncio.gather(
        client.post("/api/messages", json=message(service_url, None, value=save)),
        client.post("/api/messages", json=message(service_url, None, value=save)),
    )
    assert [response.status for response in responses] == [201, 201]
    assert any("redan sparad" in text for text in standin.texts())
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            count = (await connection.execute(select(func.count()).select_from(Application))).scalar_one()
    finally:
        await engine.dispose()
    assert count == 1


async def test_typing_instead_of_the_form_goes_one_question_at_a_time_and_survives_a_restart(
    start_app, connector, database_url
):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, "en fråga i taget"))
    assert "Vad heter projektet?" in standin.texts()[-1]
    await client.post("/api/messages", json=message(service_url, "Cirkulära Malmö"))
    assert "Beskriv kort" in standin.texts()[-1]
    await client.close()

    restarted = await start_app(database_url=database_url, auto_migrate=True)
    await restarted.post("/api/messages", json=message(service_url, "Återbruk av byggmaterial."))
    programme = standin.cards()[-1]  # in Teams a dropdown, not a numbered list of every programme
    assert programme["body"][0]["text"] == "Vilket EU-program eller vilken fond söker ni från?"
    assert inputs(programme)["programme"]["style"] == "compact"
    await restarted.post("/api/messages", json=message(
        service_url, None, value={**programme["actions"][0]["data"], "programme": "life"}))
    assert "Vilken utlysning" in standin.texts()[-1]


async def test_my_applications_shows_the_saved_one_and_refuses_another_organisations(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/mine.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, None, value=FORM))
    await client.post("/api/messages", json=message(
        service_url, None, value={"action": "registration_save", "submission_key": _save_key(standin)}))

    standin.clear()
    await client.post("/api/messages", json=message(service_url, "mina ansökningar"))
    assert "Cirkulära Malmö" in _cards(standin)[-1]

    # An official of another nämnd asks for it by its number: refused, and nothing of it is shown.
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            reference = application_reference((await session.execute(select(Application))).scalar_one())
            olle = await upsert_user(session, "29:olle", aad_object_id=None, name="Olle Olsson")
            await set_user_organisation(session, olle, await get_organisation(session, "kulturnamnden"))
    finally:
        await engine.dispose()
    standin.clear()
    stranger = {"user_id": "29:olle", "user_name": "Olle Olsson", "conversation_id": "a:conversation-olle"}
    await client.post("/api/messages", json=message(service_url, f"öppna {reference}", **stranger))
    everything = " ".join(standin.texts() + _cards(standin))
    assert "behörighet" in everything
    assert "Cirkulära Malmö" not in everything


async def test_a_refused_post_to_ks_is_reported_as_not_reached(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/refused.db"
    client = await _app_with_ks_channel(start_app, service_url, database_url)
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, None, value=FORM))
    key = _save_key(standin)
    standin.clear()
    standin.refuse[KS_CHANNEL] = 403
    await client.post("/api/messages", json=message(
        service_url, None, value={"action": "registration_save", "submission_key": key}))
    # After the receipt, the KS channel refuses the card (Lotsen removed from it, say): that is for good, and
    # the official is told in her chat, to inform KS förvaltning herself.
    await standin.wait_until(lambda: any("nådde inte" in text for text in standin.texts()))
    follow_up = standin.received[-1]
    assert _cards(standin, KS_CHANNEL) == []
    assert "Jag skickar nu en sammanfattning" in " ".join(_cards(standin, ANNAS_CHAT))
    assert follow_up.activity["text"] == (
        "Sammanfattningen av ansökan ”Cirkulära Malmö” nådde inte kommunstyrelsens förvaltning: deras kanal gick "
        "inte att nå. Informera dem själv (§ 4.1), till exempel med ett mejl; ansökan är sparad som den är.")
    assert await _informed_at(database_url) is None
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            events = (await connection.execute(select(ApplicationEvent.kind, ApplicationEvent.details))).all()
    finally:
        await engine.dispose()
    assert ("ks_administration_not_reached", {"reason": "kanalen gick inte att nå"}) in [tuple(row) for row in events]


async def test_applications_stay_out_of_channels(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    for words in ("registrera ansökan", "mina ansökningar", "mina påminnelser"):
        standin.clear()
        await client.post("/api/messages", json=channel_mention(service_url, words))
        assert "privat chatt" in str(standin.cards()[-1])


async def test_the_consultation_can_be_answered_with_a_mention_in_a_channel(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=channel_mention(service_url, "Måste vi informera KS om vår ansökan?"))
    assert "projektägare" in standin.texts()[-1]
    await client.post("/api/messages", json=channel_mention(service_url, "ja"))
    assert "EU:s program" in standin.texts()[-1]
