"""KS förvaltning's side of the annual reports over HTTP, as Teams does it: a coordinator presses "Returnera för
komplettering" on the card in KS förvaltning's channel, the submitter's personal chat gets the notice at the
connector stand-in, and the report is returned in the database; and "status årsredovisning" in the channel."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.annual_reports import get_or_create_draft, submit
from storage.db import create_engine, create_session_factory
from storage.models import AnnualReport, AnnualReportStatus, Role
from storage.organisations import get_organisation
from storage.users import get_user_by_teams_id, set_user_organisation, set_user_role
from tests.support.activities import BOT_ID, message

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
ANNAS_CHAT = "a:conversation-29:anna"  # the personal conversation tests.support.activities gives Anna
KARIN = {"user_id": "29:karin", "user_name": "Karin Karlsson"}
IN_KS_CHANNEL = {"conversation_type": "channel", "conversation_id": KS_CHANNEL, **KARIN}
MENTION = [{"type": "mention", "text": "<at>Lotsen</at>", "mentioned": {"id": BOT_ID, "name": "Lotsen"}}]


def _last_year() -> int:
    return datetime.now(ZoneInfo("Europe/Stockholm")).year - 1


def _cards(standin, conversation_id: str) -> list[str]:
    return [json.dumps(attachment["content"], ensure_ascii=False)
            for item in standin.received if item.conversation_id == conversation_id
            for attachment in item.activity.get("attachments") or []]


def _texts(standin, conversation_id: str) -> list[str]:
    return [item.activity.get("text") or "" for item in standin.received if item.conversation_id == conversation_id]


async def _submitted_report(database_url: str, year: int) -> int:
    """Karin made a KS coordinator, Anna placed in Miljönämnden; Anna's report for `year` submitted by her."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            karin = await get_user_by_teams_id(session, KARIN["user_id"])
            anna = await get_user_by_teams_id(session, "29:anna")
            assert karin is not None and anna is not None  # both have written to Lotsen
            await set_user_role(session, karin, Role.KS_COORDINATOR)
            environment = await get_organisation(session, "miljonamnden")
            await set_user_organisation(session, anna, environment)
            report = await get_or_create_draft(session, environment.id, year, anna)
            await submit(session, report, anna)
            return report.id
    finally:
        await engine.dispose()


async def _stored_report(database_url: str, report_id: int) -> AnnualReport:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.scalars(select(AnnualReport).where(AnnualReport.id == report_id))).one()
    finally:
        await engine.dispose()


async def test_returning_from_the_ks_channel_reaches_the_submitter_and_the_status_shows_it(
    start_app, connector, database_url
):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True,
                             ks_administration_conversation_id=KS_CHANNEL)
    # Anna has a personal chat with Lotsen; Lotsen is in KS förvaltning's channel, where Karin writes.
    await client.post("/api/messages", json=message(service_url, "hej"))
    await client.post("/api/messages", json=message(service_url, "konversations-id", **IN_KS_CHANNEL))
    year = _last_year()
    report_id = await _submitted_report(database_url, year)

    standin.clear()
    response = await client.post("/api/messages", json=message(
        service_url, None, **IN_KS_CHANNEL,
        value={"action": "annual_report_return", "report_id": report_id,
               "comment": "Komplettera med vänortssamarbetet"}))
    assert response.status in (200, 201)
    await standin.wait_for_in(ANNAS_CHAT)  # posted once the return has committed
    [notice] = _cards(standin, ANNAS_CHAT)
    assert f"Årsredovisningen {year} för Miljönämnden behöver kompletteras" in notice
    assert "Kommentar: Komplettera med vänortssamarbetet" in notice
    assert "Öppna årsredovisningen" in notice and f'"text": "årsredovisning {year}"' in notice
    in_channel = " ".join(_texts(standin, KS_CHANNEL))
    assert f"Årsredovisningen för Miljönämnden {year} är returnerad för komplettering." in in_channel
    assert "Anna Andersson, som skickade in den, får besked i sin chatt med Lotsen nu." in in_channel
    report = await _stored_report(database_url, report_id)
    assert report.status is AnnualReportStatus.RETURNED
    assert report.returned_comment == "Komplettera med vänortssamarbetet"

    standin.clear()
    await client.post("/api/messages", json=message(
        service_url, "<at>Lotsen</at> status årsredovisning", **IN_KS_CHANNEL, entities=MENTION))
    [overview] = _cards(standin, KS_CHANNEL)
    assert f"Årsredovisningar {year}: status" in overview
    assert "Miljönämnden" in overview and "returnerad · Kontaktperson: saknas · Senast ändrad:" in overview
    assert "annual_report_remind_all" in overview
    assert _cards(standin, ANNAS_CHAT) == []  # nothing more to Anna


async def test_an_official_pressing_the_button_in_the_channel_changes_nothing(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/official.db"
    client = await start_app(database_url=database_url, ks_administration_conversation_id=KS_CHANNEL)
    await client.post("/api/messages", json=message(service_url, "hej"))
    await client.post("/api/messages", json=message(service_url, "konversations-id", **IN_KS_CHANNEL))
    report_id = await _submitted_report(database_url, _last_year())

    standin.clear()
    olle = {"conversation_type": "channel", "conversation_id": KS_CHANNEL, "user_id": "29:olle",
            "user_name": "Olle Olsson"}
    await client.post("/api/messages", json=message(
        service_url, None, **olle, value={"action": "annual_report_approve", "report_id": report_id, "comment": ""}))
    assert [text for text in _texts(standin, KS_CHANNEL) if text] == [
        "Bara kommunstyrelsens förvaltning (KS-samordnare och administratörer) kan returnera eller godkänna en "
        "årsredovisning. Jag har inte ändrat något."]
    assert _cards(standin, ANNAS_CHAT) == []
    assert (await _stored_report(database_url, report_id)).status is AnnualReportStatus.SUBMITTED
