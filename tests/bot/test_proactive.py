"""post_proactively through the app's own adapter (LotsenAdapter) to the connector stand-in: delivered when the
activity reached the conversation; gone or worth another try (never an exception) when the connector refused it
or could not be reached."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from botbuilder.core import MessageFactory
from botbuilder.schema import ConversationReference

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.proactive import post_proactively
from reminders.delivery import DeliveryStatus
from settings import Settings
from storage.conversations import base_conversation_id, is_terminal
from tests.support.reminder_setup import reference_for

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"


@pytest.fixture
async def adapter() -> AsyncIterator[LotsenAdapter]:
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        yield LotsenAdapter(authentication)
    finally:
        await authentication.close()


def _reference(service_url: str) -> ConversationReference:
    stored = reference_for(service_url, KS_CHANNEL, user_id=None, conversation_type="channel")
    return ConversationReference().deserialize(stored)


async def test_a_message_that_reaches_the_conversation_is_delivered(adapter, connector):
    standin, service_url = connector
    outcome = await post_proactively(adapter, _reference(service_url), MessageFactory.text("Hej KS!"), "")
    assert outcome.status == DeliveryStatus.DELIVERED
    [received] = standin.received
    assert (received.conversation_id, received.activity["text"]) == (KS_CHANNEL, "Hej KS!")


async def test_a_refused_message_is_gone_for_good(adapter, connector):
    standin, service_url = connector
    standin.fail_with = [403]  # Lotsen was removed from the channel
    outcome = await post_proactively(adapter, _reference(service_url), MessageFactory.text("Hej KS!"), None)
    assert outcome.status == DeliveryStatus.GONE and "403" in outcome.error
    assert standin.received == []


async def test_a_connector_that_cannot_be_reached_is_tried_again(adapter):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await post_proactively(adapter, _reference(f"http://127.0.0.1:{port}/"), MessageFactory.text("Hej"),
                                     None)
    assert outcome.status == DeliveryStatus.RETRY


def test_only_the_terminal_chats_conversations_are_terminal():
    assert is_terminal("terminal://chat") and is_terminal("terminal:anna")
    assert not is_terminal("https://smba.trafficmanager.net/emea/") and not is_terminal(None)


def test_a_reply_thread_in_a_channel_is_written_to_as_the_channel():
    assert base_conversation_id(f"{KS_CHANNEL};messageid=1733389200000") == KS_CHANNEL
    assert base_conversation_id("a:personal-anna") == "a:personal-anna"
