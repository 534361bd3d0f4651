"""send_proactively through the app's own adapter (LotsenAdapter) to the connector stand-in: True when the activity
reached the conversation, False (never an exception) when the connector refused it or could not be reached."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from botbuilder.core import MessageFactory
from botbuilder.schema import ConversationReference

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.proactive import is_terminal, send_proactively
from settings import Settings
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


async def test_a_message_that_reaches_the_conversation_is_reported_delivered(adapter, connector):
    standin, service_url = connector
    delivered = await send_proactively(adapter, _reference(service_url), MessageFactory.text("Hej KS!"), "")
    assert delivered is True
    [received] = standin.received
    assert (received.conversation_id, received.activity["text"]) == (KS_CHANNEL, "Hej KS!")


async def test_a_refused_message_is_reported_not_delivered(adapter, connector):
    standin, service_url = connector
    standin.fail_with = [403]  # Lotsen was removed from the channel
    delivered = await send_proactively(adapter, _reference(service_url), MessageFactory.text("Hej KS!"), None)
    assert delivered is False
    assert standin.received == []


async def test_a_connector_that_cannot_be_reached_is_reported_not_delivered(adapter):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivered = await send_proactively(adapter, _reference(f"http://127.0.0.1:{port}/"), MessageFactory.text("Hej"),
                                       None)
    assert delivered is False


def test_only_the_terminal_chats_conversations_are_terminal():
    assert is_terminal("terminal://chat") and is_terminal("terminal:anna")
    assert not is_terminal("https://smba.trafficmanager.net/emea/") and not is_terminal(None)
