"""Cards that update in place, as Teams shows them: a button press carries the id of the message with the card
(`replyToId`), and once the press has decided something the card is replaced — a PUT of that activity id at the
connector — by a read-only card that says what happened, by whom and when. A press on a card whose matter was
decided meanwhile, or that an earlier submission left behind, changes nothing and is answered from the current
state."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.annual_reports import get_or_create_draft, get_report, return_for_completion, submit
from storage.db import create_engine, create_session_factory
from storage.models import AnnualReport, AnnualReportStatus, Role
from storage.organisations import get_organisation
from storage.users import get_user_by_teams_id, set_user_organisation, set_user_role
from tests.support.activities import message

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
KARIN = {"user_id": "29:karin", "user_name": "Karin Karlsson"}
IN_KS_CHANNEL = {"conversation_type": "channel", "conversation_id": KS_CHANNEL, **KARIN}
CARD_ID = "1733390000000"  # the id Teams gave the summary card when Lotsen posted it


def _last_year() -> int:
    return datetime.now(ZoneInfo("Europe/Stockholm")).year - 1


async def _submitted_report(database_url: str, year: int) -> tuple[int, str]:
    """Karin a KS coordinator, Anna in Miljönämnden with her report for `year` submitted; the report's id and the
    submission the KS card was posted for (as the card's buttons carry it)."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            karin = await get_user_by_teams_id(session, KARIN["user_id"])
            anna = await get_user_by_teams_id(session, "29:anna")
            assert karin is not None and anna is not None
            await set_user_role(session, karin, Role.KS_COORDINATOR)
            environment = await get_organisation(session, "miljonamnden")
            await set_user_organisation(session, anna, environment)
            report = await get_or_create_draft(session, environment.id, year, anna)
            await submit(session, report, anna)
            assert report.submitted_at is not None
            return report.id, report.submitted_at.isoformat()
    finally:
        await engine.dispose()


async def _returned_and_submitted_again(database_url: str, report_id: int) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            karin = await get_user_by_teams_id(session, KARIN["user_id"])
            anna = await get_user_by_teams_id(session, "29:anna")
            assert karin is not None and anna is not None
            stored = await session.get(AnnualReport, report_id)
            assert stored is not None
            report = await get_report(session, stored.organisation_id, stored.year, karin)
            await return_for_completion(session, report, karin, "Komplettera med vänorterna")
            await submit(session, report, anna)
    finally:
        await engine.dispose()


async def _status(database_url: str, report_id: int) -> AnnualReportStatus:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.scalars(select(AnnualReport.status).where(AnnualReport.id == report_id))).one()
    finally:
        await engine.dispose()


def _press(service_url: str, action: str, report_id: int, submission: str, comment: str = "") -> dict:
    return message(service_url, None, **IN_KS_CHANNEL, replyToId=CARD_ID,
                   value={"action": action, "report_id": report_id, "submitted_at": submission, "comment": comment})


def _replaced(standin) -> list[dict]:
    """The cards the connector was asked to put in place of the summary card."""
    return [attachment["content"] for item in standin.received
            if item.method == "PUT" and item.conversation_id == KS_CHANNEL and item.reply_to_id == CARD_ID
            for attachment in item.activity.get("attachments") or []]


def _said(standin) -> str:
    return " ".join(item.activity.get("text") or "" for item in standin.received
                    if item.method == "POST" and item.conversation_id == KS_CHANNEL)


async def _started(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True,
                             ks_administration_conversation_id=KS_CHANNEL)
    await client.post("/api/messages", json=message(service_url, "hej"))
    await client.post("/api/messages", json=message(service_url, "konversations-id", **IN_KS_CHANNEL))
    return standin, service_url, client


async def test_approving_replaces_the_card_by_who_approved_it_and_when(start_app, connector, database_url):
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, submission = await _submitted_report(database_url, _last_year())

    standin.clear()
    await client.post("/api/messages", json=_press(service_url, "annual_report_approve", report_id, submission))
    [card] = _replaced(standin)
    shown = json.dumps(card, ensure_ascii=False)
    assert re.search(r"Godkänd av Karin Karlsson \d{1,2}\s\w+\s\d{4} kl\.\s\d{2}\.\d{2}\.", shown), shown
    assert "actions" not in card and '"Input.' not in shown  # read-only: no comment box, no buttons
    assert "Miljönämnden" in shown  # still the summary of what was decided on
    assert "är godkänd" in _said(standin)
    # The card is replaced before the answer is posted: a reader never sees the answer under live buttons.
    methods = [item.method for item in standin.received if item.conversation_id == KS_CHANNEL]
    assert methods.index("PUT") < methods.index("POST")
    assert await _status(database_url, report_id) is AnnualReportStatus.APPROVED


async def test_a_second_press_on_a_decided_card_says_what_was_decided_and_changes_nothing(
        start_app, connector, database_url):
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, submission = await _submitted_report(database_url, _last_year())
    await client.post("/api/messages", json=_press(service_url, "annual_report_return", report_id, submission,
                                                    comment="Komplettera med vänorterna"))
    assert await _status(database_url, report_id) is AnnualReportStatus.RETURNED

    # A second coordinator, whose Teams still showed the old card, presses "Godkänn".
    standin.clear()
    await client.post("/api/messages", json=_press(service_url, "annual_report_approve", report_id, submission))
    assert await _status(database_url, report_id) is AnnualReportStatus.RETURNED
    assert "returnerad" in _said(standin) and "godkänd." not in _said(standin)
    [card] = _replaced(standin)
    shown = json.dumps(card, ensure_ascii=False)
    assert "Returnerad för komplettering av Karin Karlsson" in shown and "Komplettera med vänorterna" in shown
    assert "actions" not in card


async def test_the_card_of_an_earlier_submission_does_not_decide_the_new_one(start_app, connector, database_url):
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, first_submission = await _submitted_report(database_url, _last_year())
    await _returned_and_submitted_again(database_url, report_id)

    standin.clear()
    await client.post("/api/messages", json=_press(service_url, "annual_report_approve", report_id, first_submission))
    assert await _status(database_url, report_id) is AnnualReportStatus.SUBMITTED  # not approved unseen
    assert "tidigare inskickning" in _said(standin)
    [card] = _replaced(standin)
    assert "Inskickad på nytt" in json.dumps(card, ensure_ascii=False) and "actions" not in card


async def test_a_return_without_a_comment_leaves_the_card_as_it_is(start_app, connector, database_url):
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, submission = await _submitted_report(database_url, _last_year())

    standin.clear()
    await client.post("/api/messages", json=_press(service_url, "annual_report_return", report_id, submission))
    assert _replaced(standin) == []  # still pending: the buttons stay
    assert "kommentarsfältet" in _said(standin)
    assert await _status(database_url, report_id) is AnnualReportStatus.SUBMITTED


async def test_a_typed_decision_replaces_no_card(start_app, connector, database_url):
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, _submission = await _submitted_report(database_url, _last_year())

    standin.clear()
    await client.post("/api/messages", json=message(
        service_url, f"<at>Lotsen</at> godkänn årsredovisning Miljönämnden {_last_year()}", **IN_KS_CHANNEL,
        entities=[{"type": "mention", "text": "<at>Lotsen</at>",
                   "mentioned": {"id": "28:lotsen-bot", "name": "Lotsen"}}]))
    assert await _status(database_url, report_id) is AnnualReportStatus.APPROVED
    assert [item for item in standin.received if item.method == "PUT"] == []


async def test_a_replacement_that_did_not_arrive_is_made_again_when_teams_redelivers_the_press(
        start_app, connector, database_url):
    """The turn's replies and its card replacement are stored with the decision: when the connector refused them,
    Teams' redelivery of the same press shows the answer and replaces the card, and decides nothing twice."""
    standin, service_url, client = await _started(start_app, connector, database_url)
    report_id, submission = await _submitted_report(database_url, _last_year())

    standin.clear()
    standin.fail_with = [500, 500]  # the replacement and the answer are refused; the apology gets through
    press = _press(service_url, "annual_report_approve", report_id, submission)
    await client.post("/api/messages", json=press)
    assert await _status(database_url, report_id) is AnnualReportStatus.APPROVED
    assert _replaced(standin) == []

    standin.clear()
    await client.post("/api/messages", json=press)  # the same activity, as Teams redelivers it
    [card] = _replaced(standin)
    assert "Godkänd av Karin Karlsson" in json.dumps(card, ensure_ascii=False)
    assert "är godkänd" in _said(standin)
    assert await _status(database_url, report_id) is AnnualReportStatus.APPROVED
