"""Reminders to people who never opened Lotsen, through the scheduler as the app builds it: Lotsen installed for
them through Graph (the Graph and token stand-in), their 1:1 chat created at the connector (the connector
stand-in), the reference stored, the card posted there; and what happens when that cannot be done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import ConversationReference
from sqlalchemy import select

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.reminder_delivery import build_reminder_scheduler
from reminders.scheduler import ReminderScheduler
from settings import Settings
from storage.conversations import get_personal_reference_for_user, save_conversation_reference
from storage.models import Reminder, ReminderState, User
from storage.reminders import get_reminder, schedule
from storage.users import upsert_user
from tests.support.graph_standin import APP_ID, TENANT, DirectoryUser
from tests.support.reminder_setup import (
    Clock,
    add_user,
    deadline_spec,
    malmo,
    reference_for,
    reminder_ids_received,
)

CATALOG_ID = "0f5e3a7c-catalog-lotsen"
CECILIA_AAD = "5b1e6c2a-3f4d-4e8a-9c0b-000000000c3c"
INSTALLS = f"POST /v1.0/users/{CECILIA_AAD}/teamwork/installedApps"


@pytest.fixture
def cecilia_in_directory(graph):
    graph.users[CECILIA_AAD] = DirectoryUser(displayName="Cecilia Carlsson", department="Miljöförvaltningen")


@asynccontextmanager
async def _scheduler(session_factory, clock: Clock, graph, **settings: Any) -> AsyncIterator[ReminderScheduler]:
    """The scheduler `build_reminder_scheduler` makes from the settings; the Graph stand-in's credentials, and an
    adapter without any (the connector stand-in asks for no token)."""
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        yield build_reminder_scheduler(Settings(_env_file=None, **graph.settings(**settings)), session_factory,
                                       LotsenAdapter(authentication), clock=clock)
    finally:
        await authentication.close()


async def _newcomer(session_factory, teams_id: str = "29:cecilia", aad: str | None = CECILIA_AAD) -> User:
    """Someone Lotsen knows (they wrote in a channel, say) but who never opened their own chat with it."""
    async with session_factory.begin() as session:
        return await upsert_user(session, teams_id, aad_object_id=aad, name="Cecilia Carlsson", locale="sv-SE")


async def _schedule(session_factory, spec) -> int:
    async with session_factory.begin() as session:
        assert await schedule(session, spec)
        return await session.scalar(select(Reminder.id).where(Reminder.idempotency_key == spec.idempotency_key))


async def _reminder(session_factory, reminder_id: int) -> Reminder:
    async with session_factory() as session:
        reminder = await get_reminder(session, reminder_id)
    assert reminder is not None
    return reminder


async def _chat_of(session_factory, user: User):
    async with session_factory() as session:
        return await get_personal_reference_for_user(session, user.id)


async def test_a_newcomer_gets_the_reminder_in_a_chat_created_after_installing_and_keeps_it(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    first = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now, key="first"))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (1, 0, 0)
        assert graph.installed == {(CECILIA_AAD, CATALOG_ID)}
        assert standin.created == [{"bot": {"id": f"28:{APP_ID}"}, "members": [{"id": "29:cecilia"}],
                                    "isGroup": False, "tenantId": TENANT,
                                    "channelData": {"tenant": {"id": TENANT}}}]
        [posted] = standin.received
        assert posted.conversation_id == "a:created-29:cecilia"
        assert posted.activity["recipient"]["id"] == "29:cecilia"
        assert posted.activity["channelData"] == {"notification": {"alert": True}}  # in her activity feed too
        assert reminder_ids_received(standin.cards()) == {first: 1}
        assert (await _reminder(session_factory, first)).state == ReminderState.SENT

        chat = await _chat_of(session_factory, cecilia)
        assert (chat.conversation_id, chat.service_url, chat.tenant_id) == ("a:created-29:cecilia", service_url,
                                                                             TENANT)
        # Stored as the bot's conversation tracking stores a reference: botbuilder reads it back.
        reference = ConversationReference().deserialize(chat.reference)
        assert (reference.conversation.id, reference.conversation.conversation_type, reference.conversation.tenant_id,
                reference.user.id, reference.user.aad_object_id, reference.bot.id, reference.service_url,
                reference.channel_id) == ("a:created-29:cecilia", "personal", TENANT, "29:cecilia", CECILIA_AAD,
                                          f"28:{APP_ID}", service_url, "msteams")

        # The next reminder goes to the stored chat: nothing installed or created again.
        second = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.advance(days=7),
                                                                key="second", deadline="2027-04-15"))
        installs_before = graph.requests.count(INSTALLS)
        assert (await scheduler.run_due()).delivered == 1
    assert graph.requests.count(INSTALLS) == installs_before == 1
    assert len(standin.created) == 1
    assert [item.conversation_id for item in standin.received] == ["a:created-29:cecilia"] * 2
    assert reminder_ids_received(standin.cards()) == {first: 1, second: 1}


async def test_several_reminders_to_a_newcomer_in_one_batch_install_once(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    ids = [await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now, key=f"r{number}",
                                                          application_id=number, deadline=f"2027-04-1{number}"))
           for number in range(1, 4)]

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        assert (await scheduler.run_due()).delivered == 3
    assert graph.requests.count(INSTALLS) == 1
    assert len(standin.created) == 1
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1 for reminder_id in ids}


async def test_lotsen_already_installed_the_chat_is_created_and_the_reminder_delivered(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    graph.installed.add((CECILIA_AAD, CATALOG_ID))  # she removed the chat, or an admin installed it for her
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
    assert graph.requests.count(INSTALLS) == 1  # answered 409
    assert len(standin.created) == 1
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1}
    assert (await _chat_of(session_factory, cecilia)).conversation_id == "a:created-29:cecilia"


@pytest.mark.parametrize(("refusal", "status"), [("not allowed", 403), ("not in the directory", 404)])
async def test_a_refused_installation_leaves_the_reminder_unsent_with_the_reason(
    session_factory, connector, graph, refusal, status
):
    standin, service_url = connector
    if refusal == "not allowed":
        graph.users[CECILIA_AAD] = DirectoryUser(displayName="Cecilia Carlsson")
        graph.install_status = 403  # the permission is missing, or the app policy blocks Lotsen for her
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 0, 1)
        clock.advance(days=2)
        assert not (await scheduler.run_due()).anything  # given up: never tried again
    assert graph.requests.count(INSTALLS) == 1
    assert standin.created == [] and standin.received == []
    assert await _chat_of(session_factory, cecilia) is None
    failed = await _reminder(session_factory, reminder_id)
    assert (failed.state, failed.sent_at) == (ReminderState.FAILED, None)
    assert "could not be installed for the recipient" in failed.last_error
    assert f"Graph answered {status}" in failed.last_error


async def test_graph_down_is_tried_again_later_and_then_delivered(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    graph.down = True
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 1, 0)
        waiting = await _reminder(session_factory, reminder_id)
        assert waiting.state == ReminderState.PENDING and "could not be installed" in waiting.last_error
        assert standin.created == [] and standin.received == []

        graph.down = False
        clock.advance(hours=1)
        assert (await scheduler.run_due()).delivered == 1
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1}
    assert (await _reminder(session_factory, reminder_id)).state == ReminderState.SENT


async def test_a_chat_not_created_after_installing_is_tried_again_not_given_up(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    standin.create_fail_with = [403]  # Teams has not caught up with the new installation yet
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 1, 0)
        assert await _chat_of(session_factory, cecilia) is None
        clock.advance(hours=1)
        assert (await scheduler.run_due()).delivered == 1  # installed already (409), the chat created now
    assert graph.requests.count(INSTALLS) == 2
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1}


async def test_a_throttled_chat_creation_waits_as_long_as_the_connector_asks(
    session_factory, graph, cecilia_in_directory
):
    """The connector answers the creation 429 with Retry-After: the reminder is tried again no sooner."""
    async def throttled(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "Throttled", "message": "slow down"}}, status=429,
                                 headers={"Retry-After": "1800"})

    throttling = web.Application()
    throttling.router.add_post("/v3/conversations", throttled)
    server = TestServer(throttling)
    await server.start_server()
    try:
        cecilia = await _newcomer(session_factory)
        clock = Clock(malmo("2027-03-01 09:00"))
        reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))
        async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                              teams_service_url=str(server.make_url("")).rstrip("/")) as scheduler:
            stats = await scheduler.run_due()
            assert (stats.delivered, stats.retried, stats.failed) == (0, 1, 0)
    finally:
        await server.close()
    assert graph.installed == {(CECILIA_AAD, CATALOG_ID)}
    assert await _chat_of(session_factory, cecilia) is None
    waiting = await _reminder(session_factory, reminder_id)
    assert waiting.state == ReminderState.PENDING
    assert waiting.due_at == clock.now + timedelta(minutes=30)  # not the minute of its own back-off
    assert "their chat could not be created: HTTP 429" in waiting.last_error


async def test_the_chat_is_created_at_the_connector_of_the_tenants_stored_conversations(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    async with session_factory.begin() as session:
        anna = await add_user(session, "29:anna", "Anna Andersson", service_url=None)
        # Anna's chat, in the city's tenant: its connector is where Cecilia's chat is created too (the
        # configured default, Teams' real one, is not reachable from the tests).
        await save_conversation_reference(
            session, conversation_id="a:personal-29:anna", conversation_type="personal", tenant_id=TENANT,
            service_url=service_url, channel_id="msteams", user_id=anna.id,
            reference=reference_for(service_url, "a:personal-29:anna", user_id="29:anna",
                                    conversation_type="personal"))
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID) as scheduler:
        assert (await scheduler.run_due()).delivered == 1
    assert reminder_ids_received(standin.cards()) == {reminder_id: 1}
    assert (await _chat_of(session_factory, cecilia)).service_url == service_url


async def test_without_installation_configured_a_newcomer_is_unreachable_as_before(
    session_factory, connector, graph, cecilia_in_directory
):
    standin, service_url = connector
    cecilia = await _newcomer(session_factory)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=cecilia.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_service_url=service_url) as scheduler:
        stats = await scheduler.run_due()
        assert (stats.delivered, stats.retried, stats.failed) == (0, 0, 1)
    assert graph.requests == [] and standin.created == [] and standin.received == []
    failed = await _reminder(session_factory, reminder_id)
    assert failed.state == ReminderState.FAILED
    assert failed.last_error == "no stored conversation to write to (Lotsen not installed there)"


async def test_someone_without_an_entra_object_id_is_unreachable_as_before(session_factory, connector, graph):
    standin, service_url = connector
    nobody = await _newcomer(session_factory, teams_id="29:guest", aad=None)
    clock = Clock(malmo("2027-03-01 09:00"))
    reminder_id = await _schedule(session_factory, deadline_spec(user_id=nobody.id, due_at=clock.now))

    async with _scheduler(session_factory, clock, graph, teams_app_catalog_id=CATALOG_ID,
                          teams_service_url=service_url) as scheduler:
        assert (await scheduler.run_due()).failed == 1
    assert graph.requests == [] and standin.created == []
    assert (await _reminder(session_factory, reminder_id)).state == ReminderState.FAILED
