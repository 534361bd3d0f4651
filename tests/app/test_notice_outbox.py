"""Notices that cannot be lost (issue 12, part 5): KS förvaltning's notice of an application is recorded with the
application and delivered after the commit, so that a crash between the two, or a channel that is down for a
while, delays it but never loses it; one that cannot be delivered at all is given up, recorded in the history,
told to the official, and listed for KS coordinators. A real process killed with SIGKILL, and the app in
process, on both databases, with the connector stand-in as Teams."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select

from app import ENDPOINT_KEY, ENGINE_KEY, NOTICE_OUTBOX_KEY, SETTINGS_KEY
from bot.notice_delivery import build_notice_outbox
from storage.db import create_engine, create_session_factory
from storage.models import Application, ApplicationEvent, Notice, NoticeState, Role, utc_now
from storage.users import get_user_by_teams_id, set_user_role
from tests.support.activities import message
from tests.support.bot_process import BotProcess
from tests.support.connector_standin import Received
from tests.support.registration_form import FORM, save_button

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
ANNAS_CHAT = "a:conversation-29:anna"  # the personal conversation tests.support.activities gives Anna
IN_KS_CHANNEL = {"conversation_type": "channel", "conversation_id": KS_CHANNEL,
                 "user_id": "29:karin", "user_name": "Karin Karlsson"}
SAVED = "är registrerad"


def _shown(received: Received) -> str:
    return (received.activity.get("text") or "") + json.dumps(received.activity.get("attachments") or [],
                                                              ensure_ascii=False)


def _ks_cards(standin) -> list[Received]:
    return [item for item in standin.received if item.conversation_id == KS_CHANNEL and item.activity.get("attachments")]


async def _read(database_url: str):
    """The application, its history and its notices, as stored."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            application = (await connection.execute(select(Application))).one()
            events = [tuple(row) for row in (await connection.execute(
                select(ApplicationEvent.kind, ApplicationEvent.details).order_by(ApplicationEvent.id))).all()]
            notices = (await connection.execute(select(Notice).order_by(Notice.id))).all()
        return application, events, notices
    finally:
        await engine.dispose()


async def _eventually(condition, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.05)


async def test_killed_after_the_commit_the_notice_goes_out_when_the_app_is_back(database_url, tmp_path, connector):
    standin, service_url = connector
    settings = {"KS_ADMINISTRATION_CONVERSATION_ID": KS_CHANNEL, "NOTICE_LEASE_SECONDS": "1"}
    bot = await BotProcess(database_url, tmp_path, settings).start()
    try:
        await bot.post(message(service_url, "konversations-id", **IN_KS_CHANNEL))  # Lotsen is in KS's channel
        await bot.post(message(service_url, "registrera ansökan"))
        await bot.post(message(service_url, None, value=FORM))
        save = save_button(standin)
        # The post to KS förvaltning does not get through before the process dies as the receipt arrives.
        standin.hang.add(KS_CHANNEL)

        def kill_at_the_receipt(received: Received) -> None:
            if SAVED in _shown(received):
                standin.on_receive = None
                bot.kill()

        standin.on_receive = kill_at_the_receipt
        await bot.post(message(service_url, None, value=save))
        assert standin.on_receive is None, "the receipt never came"
    finally:
        await bot.stop()
    application, events, [notice] = await _read(database_url)
    assert _ks_cards(standin) == [] and application.ks_administration_informed_at is None
    assert notice.state == NoticeState.PENDING  # saved with the application, not yet delivered

    standin.hang.clear()
    restarted = await BotProcess(database_url, tmp_path, settings).start()
    try:
        await standin.wait_until(lambda: bool(_ks_cards(standin)), timeout=15)
        [ks_card] = _ks_cards(standin)
        assert "Cirkulära Malmö" in _shown(ks_card) and "Servicenämnden" in _shown(ks_card)

        async def recorded() -> bool:
            return (await _read(database_url))[0].ks_administration_informed_at is not None
        await _eventually(recorded)
    finally:
        await restarted.stop()
    application, events, [notice] = await _read(database_url)
    assert notice.state == NoticeState.SENT
    assert [kind for kind, _ in events].count("ks_administration_informed") == 1
    assert len(_ks_cards(standin)) == 1


async def _registered_with_ks_down(start_app, connector, database_url, status: int):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True,
                             ks_administration_conversation_id=KS_CHANNEL)
    await client.post("/api/messages", json=message(service_url, "konversations-id", **IN_KS_CHANNEL))
    standin.refuse[KS_CHANNEL] = status
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, None, value=FORM))
    await client.post("/api/messages", json=message(service_url, None, value=save_button(standin)))
    return client, standin, service_url


async def _outbox_driven_by_the_test(client):
    """The app's own outbox stopped, and one in its place whose rounds the test runs at the times it says (the
    app's would otherwise run rounds at the real time beside the test's simulated one)."""
    app = client.server.app
    await app[NOTICE_OUTBOX_KEY].stop()
    return build_notice_outbox(app[SETTINGS_KEY], create_session_factory(app[ENGINE_KEY]), app[ENDPOINT_KEY].adapter,
                               owner="the-test")


async def _attempted(database_url: str, attempts: int) -> None:
    async def tried() -> bool:
        [notice] = (await _read(database_url))[2]
        return notice.attempts >= attempts and notice.lease_owner is None
    await _eventually(tried)


async def test_a_channel_that_is_down_gets_the_notice_when_it_is_back(start_app, connector, database_url):
    client, standin, _ = await _registered_with_ks_down(start_app, connector, database_url, 503)
    await _attempted(database_url, 1)
    application, events, [notice] = await _read(database_url)
    assert notice.state == NoticeState.PENDING and "503" in notice.last_error
    assert application.ks_administration_informed_at is None
    assert "ks_administration_not_reached" not in [kind for kind, _ in events]  # not given up: tried again

    del standin.refuse[KS_CHANNEL]  # the channel is back; the retry is due a minute later
    outbox = await _outbox_driven_by_the_test(client)
    stats = await outbox.run_due(now=utc_now() + timedelta(minutes=2))
    assert stats.delivered == 1
    [ks_card] = _ks_cards(standin)
    assert "Cirkulära Malmö" in _shown(ks_card)
    application, events, [notice] = await _read(database_url)
    assert notice.state == NoticeState.SENT and notice.attempts == 2
    assert application.ks_administration_informed_at is not None
    assert not any("nådde inte" in text for text in standin.texts())  # the official needs to do nothing


async def test_a_notice_that_never_gets_through_is_given_up_told_and_listed(start_app, connector, database_url):
    client, standin, service_url = await _registered_with_ks_down(start_app, connector, database_url, 503)
    await _attempted(database_url, 1)
    outbox = await _outbox_driven_by_the_test(client)
    moment = utc_now()
    for _ in range(outbox.max_attempts - 1):  # hours of retries, each after a longer pause
        moment += timedelta(hours=2)
        await outbox.run_due(now=moment)
    application, events, notices = await _read(database_url)
    assert [(notice.kind, notice.state) for notice in notices] == [("ks_application", NoticeState.FAILED),
                                                                  ("undelivered", NoticeState.SENT)]
    assert notices[0].attempts == outbox.max_attempts
    assert application.ks_administration_informed_at is None
    assert ("ks_administration_not_reached", {"reason": "kanalen gick inte att nå"}) in events
    told = [item.activity["text"] for item in standin.received
            if item.conversation_id == ANNAS_CHAT and "nådde inte" in (item.activity.get("text") or "")]
    assert told == ["Sammanfattningen av ansökan ”Cirkulära Malmö” nådde inte kommunstyrelsens förvaltning: deras "
                    "kanal gick inte att nå. Informera dem själv (§ 4.1), till exempel med ett mejl; ansökan är "
                    "sparad som den är."]

    # A KS coordinator sees it in the list of what has not got through; others may not.
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            await set_user_role(session, await get_user_by_teams_id(session, "29:karin"), Role.KS_COORDINATOR)
    finally:
        await engine.dispose()
    karin = {"user_id": "29:karin", "user_name": "Karin Karlsson"}
    standin.clear()
    await client.post("/api/messages", json=message(service_url, "meddelanden som inte nått fram", **karin))
    [card] = standin.cards()
    listing = [block["text"] for block in card["body"]]
    notices = listing[listing.index("Meddelanden som inte har nått fram (1)"):]
    assert notices[2] == "• Ansökan ”Cirkulära Malmö” till kommunstyrelsens förvaltnings kanal"
    assert notices[3].startswith("Gav upp ")
    assert f" · {outbox.max_attempts} försök · senaste fel: HTTP 503" in notices[3]
    standin.clear()
    await client.post("/api/messages", json=message(service_url, "olevererade meddelanden"))
    assert standin.texts() == ["Listan över det som inte nått fram kan bara KS-samordnare och administratörer se."]
