"""The annual report over HTTP, as Teams does it: cards with buttons, the focus areas as a multi-select, the
submission, and the summary card that reaches kommunstyrelsens förvaltning's channel at the connector stand-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import create_engine, create_session_factory
from storage.models import AnnualReport, Role
from storage.organisations import get_organisation
from tests.support.activities import BOT_ID, channel_mention, message
from tests.support.annual_report_walk import YEAR, button_data, card_actions, seed_report_year, walk_to_the_review
from tests.support.people import make_user
from tests.support.phone_cards import assert_fits_a_phone

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
ANNA_CONVERSATION = "a:conversation-29:anna"


async def _report(database_url: str) -> AnnualReport:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.execute(select(AnnualReport))).scalar_one()
    finally:
        await engine.dispose()


async def test_a_report_submitted_in_teams_reaches_ks_with_its_review_actions(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/report.db"
    client = await start_app(database_url=database_url, ks_administration_conversation_id=KS_CHANNEL)
    # Lotsen is installed in KS förvaltning's channel: someone writes there, and the reference is kept.
    await client.post("/api/messages", json=message(
        service_url, "konversations-id", conversation_type="channel", conversation_id=KS_CHANNEL,
        user_id="29:ks", user_name="KS förvaltning"))
    await seed_report_year(database_url)

    async def say(text: str | None = None, value: dict[str, Any] | None = None) -> None:
        response = await client.post("/api/messages", json=message(service_url, text, value=value))
        assert response.status in (200, 201)

    await walk_to_the_review(say, standin)

    submit = button_data(standin, "Skicka in")
    standin.clear()
    await say(None, submit)
    await standin.wait_for_in(KS_CHANNEL)  # posted once the submission has committed
    [ks_card] = [item.activity["attachments"][0]["content"] for item in standin.received
                 if item.conversation_id == KS_CHANNEL]
    report = await _report(database_url)
    assert report.status == "submitted"
    assert "Miljönämnden" in str(ks_card) and "EU-finansierade projekt" in str(ks_card)
    assert_fits_a_phone([ks_card])  # its comment's label too
    assert {"type": "Input.Text", "id": "comment"}.items() <= next(
        element for element in ks_card["body"] if element["type"] == "Input.Text").items()
    # Each button names the submission the card is about, so that a later submission is not decided unseen.
    assert [action["data"] for action in ks_card["actions"]] == [
        {"action": "annual_report_return", "report_id": report.id, "submitted_at": report.submitted_at.isoformat()},
        {"action": "annual_report_approve", "report_id": report.id, "submitted_at": report.submitted_at.isoformat()},
    ]
    receipts = [str(item.activity) for item in standin.received if item.conversation_id == ANNA_CONVERSATION]
    assert any("Jag skickar nu en sammanfattning till kommunstyrelsens förvaltning." in receipt
               for receipt in receipts)


async def test_a_report_opened_again_after_a_restart_goes_to_the_review(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/restart.db"
    client = await start_app(database_url=database_url)
    await seed_report_year(database_url)
    await client.post("/api/messages", json=message(service_url, f"årsredovisning {YEAR}"))
    await client.post("/api/messages", json=message(service_url, "Gröna tak på tolv skolor."))
    await client.post("/api/messages", json=message(service_url, "spara och stäng"))
    assert "Utkastet är sparat" in standin.texts()[-1]
    await client.close()

    restarted = await start_app(database_url=database_url)
    standin.clear()
    await restarted.post("/api/messages", json=message(service_url, f"årsredovisning {YEAR}"))
    [review] = standin.cards()
    assert review["body"][0]["text"] == "Granska årsredovisningen"
    assert "Gröna tak på tolv skolor." in str(review) and "Senast ändrad av Anna Andersson" in str(review)


async def test_the_annual_report_stays_out_of_channels(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/channel.db"
    client = await start_app(database_url=database_url)
    await seed_report_year(database_url)
    await client.post("/api/messages", json=channel_mention(service_url, "årsredovisning"))
    # One card: why not here, and a button to the personal chat; no report is opened in the channel.
    [refusal] = standin.cards()
    assert "privat chatt" in str(refusal) and "Granska" not in str(refusal) and "Del 1 av 6" not in str(refusal)
    assert [action["type"] for action in refusal["actions"]] == ["Action.OpenUrl"]


async def test_returned_from_the_ks_channel_completed_by_a_colleague_and_submitted_again(
    start_app, connector, tmp_path
):
    """The whole round over HTTP: Anna submits, a KS coordinator returns it from the channel card with a comment,
    Anna is told, her colleague Bo opens it, sees the comment, adds what was asked for and submits it again."""
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/round.db"
    client = await start_app(database_url=database_url, ks_administration_conversation_id=KS_CHANNEL)
    in_ks_channel = {"conversation_type": "channel", "conversation_id": KS_CHANNEL,
                     "user_id": "29:karin", "user_name": "Karin Karlsson"}
    await client.post("/api/messages", json=message(service_url, "konversations-id", **in_ks_channel))
    await seed_report_year(database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            environment = await get_organisation(session, "miljonamnden")
            await make_user(session, "29:karin", "Karin Karlsson", None, Role.KS_COORDINATOR)
            await make_user(session, "29:bo", "Bo Berg", environment)
    finally:
        await engine.dispose()

    async def say(text: str | None = None, value: dict[str, Any] | None = None, **who: str) -> None:
        response = await client.post("/api/messages", json=message(service_url, text, value=value, **who))
        assert response.status in (200, 201)

    await walk_to_the_review(say, standin)
    first_submit = button_data(standin, "Skicka in")
    standin.clear()
    await say(None, first_submit, replyToId="review-card-1")
    report = await _report(database_url)
    assert report.status == "submitted"
    # The review card Anna pressed is replaced by the report as submitted: no "Skicka in" left on it.
    [replaced] = [item for item in standin.received if item.method == "PUT"]
    assert replaced.conversation_id == ANNA_CONVERSATION and replaced.reply_to_id == "review-card-1"
    shown = str(replaced.activity["attachments"][0]["content"])
    assert "Inskickad " in shown and "av Anna Andersson" in shown and "Skicka in" not in shown
    await standin.wait_until(lambda: any(item.conversation_id == KS_CHANNEL and item.activity.get("attachments")
                                         for item in standin.received))  # the summary, after the commit

    # Karin writes the comment in the card's field and presses "Returnera för komplettering" in the channel.
    ks_card = [item.activity["attachments"][0]["content"] for item in standin.received
               if item.conversation_id == KS_CHANNEL][-1]
    return_data = next(action["data"] for action in card_actions(ks_card)
                       if action["title"] == "Returnera för komplettering")
    standin.clear()
    await say(None, {**return_data, "comment": "Lägg till vänortssamarbetet."}, **in_ks_channel)
    assert (await _report(database_url)).status == "returned"
    await standin.wait_for_in(ANNA_CONVERSATION)
    to_anna = " ".join(str(item.activity) for item in standin.received if item.conversation_id == ANNA_CONVERSATION)
    assert "Lägg till vänortssamarbetet." in to_anna and f"årsredovisning {YEAR}" in to_anna

    # "Skicka in" on the review card from before the return (had its replacement not arrived) submits nothing:
    # Anna is shown the report as it is now, with Karin's comment.
    standin.clear()
    await say(f"årsredovisning {YEAR}")
    await say(None, first_submit)
    assert (await _report(database_url)).status == "returned"
    assert any("från innan kommunstyrelsens förvaltning returnerade" in said for said in standin.texts())
    assert "Lägg till vänortssamarbetet." in str(standin.cards()[-1])
    await say("spara och stäng")

    bo = {"user_id": "29:bo", "user_name": "Bo Berg"}
    standin.clear()
    await say(f"årsredovisning {YEAR}", **bo)
    opened = " ".join(standin.texts() + [str(card) for card in standin.cards()])
    assert "Lägg till vänortssamarbetet." in opened and "Granska årsredovisningen" in opened
    await say(None, button_data(standin, "Ändra: Vänortssamarbete"), **bo)
    await say(None, button_data(standin, "Lägg till"), **bo)
    await say("Vänort Rostock", **bo)
    await say("Gemensamt arbete om dagvatten.", **bo)
    await say(None, {**button_data(standin, "Spara inriktning"), "focus_areas": "2a"}, **bo)
    await say("Två gemensamma seminarier.", **bo)
    await say(None, button_data(standin, "Klar – till granskningen"), **bo)
    assert standin.cards()[-1]["body"][0]["text"] == "Granska årsredovisningen"

    submit = button_data(standin, "Skicka in")
    standin.clear()
    await say(None, submit, **bo)
    report = await _report(database_url)
    assert report.status == "submitted" and report.submitted_by_user_id is not None
    await standin.wait_for_in(KS_CHANNEL)
    [again] = [str(item.activity["attachments"][0]["content"]) for item in standin.received
               if item.conversation_id == KS_CHANNEL]
    assert "Inskickad igen efter komplettering" in again and "Vänortssamarbete" in again

    standin.clear()
    await say("<at>Lotsen</at> status årsredovisning 2025", entities=[{
        "type": "mention", "text": "<at>Lotsen</at>", "mentioned": {"id": BOT_ID, "name": "Lotsen"}}],
        **in_ks_channel)
    overview = " ".join(str(card) for card in standin.cards())
    assert "inskickad · Kontaktperson: Anna Andersson · Senast ändrad:" in overview
