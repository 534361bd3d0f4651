"""post_proactively through the app's own adapter (LotsenAdapter) to the connector stand-in: delivered when the
activity reached the conversation; gone or worth another try (never an exception) when the connector refused it
or could not be reached. The pooled client's JSON calls (reminders) are read alike: the same answer of the
connector, whether raised as msrest's HttpOperationError or as ConnectorRefused, is the same outcome."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from botbuilder.core import MessageFactory
from botbuilder.schema import ConversationReference

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.connector import ConnectorRefused
from bot.proactive import MAX_RETRY_AFTER, classify, post_proactively
from reminders.delivery import DeliveryOutcome, DeliveryStatus
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


async def _posted(adapter: LotsenAdapter, service_url: str, path: str) -> DeliveryOutcome:
    """A message posted to KS förvaltning's channel at `service_url`: through botbuilder's client
    (`continue_conversation`, as notices go) or the pooled client's JSON calls (as reminders go)."""
    if path == "botbuilder":
        return await post_proactively(adapter, _reference(service_url), MessageFactory.text("Hej KS!"), None)
    connector = await adapter.authentication.connector_pool.json_connector(service_url, "")
    try:
        await connector.send(KS_CHANNEL, {"type": "message", "text": "Hej KS!"})
    except Exception as error:
        return classify(error)
    return DeliveryOutcome.delivered()


@pytest.mark.parametrize("path", ["botbuilder", "json"])
async def test_a_connector_that_cannot_be_reached_is_tried_again(adapter, path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await _posted(adapter, f"http://127.0.0.1:{port}/", path)
    assert outcome.status == DeliveryStatus.RETRY
    assert outcome.retry_after is None


def _http_date(offset: timedelta) -> str:
    return format_datetime(datetime.now(timezone.utc) + offset, usegmt=True)


# What the connector answers (status, Retry-After) → what comes of the message (status, delay before the next try).
ANSWERS = [
    pytest.param(403, None, DeliveryStatus.GONE, None, id="403-removed"),
    pytest.param(404, None, DeliveryStatus.GONE, None, id="404-deleted"),
    pytest.param(400, None, DeliveryStatus.RETRY, None, id="400"),
    pytest.param(429, None, DeliveryStatus.RETRY, None, id="429-without-retry-after"),
    pytest.param(429, "600", DeliveryStatus.RETRY, timedelta(minutes=10), id="429-seconds"),
    pytest.param(429, "7200", DeliveryStatus.RETRY, MAX_RETRY_AFTER, id="429-seconds-capped"),
    pytest.param(429, "soon", DeliveryStatus.RETRY, None, id="429-unreadable"),
    pytest.param(429, timedelta(hours=3), DeliveryStatus.RETRY, MAX_RETRY_AFTER, id="429-date-capped"),
    pytest.param(429, -timedelta(days=1), DeliveryStatus.RETRY, timedelta(0), id="429-date-past"),
    pytest.param(503, "600", DeliveryStatus.RETRY, None, id="503-retry-after-not-honoured"),
    pytest.param(500, None, DeliveryStatus.RETRY, None, id="500"),
]


@pytest.mark.parametrize("path", ["botbuilder", "json"])
@pytest.mark.parametrize(("status", "retry_after", "expected", "delay"), ANSWERS)
async def test_the_connectors_answer_means_the_same_on_either_path(adapter, answering, path, status, retry_after,
                                                                     expected, delay):
    header = _http_date(retry_after) if isinstance(retry_after, timedelta) else retry_after
    answering.answer(status, **({"Retry_After": header} if header is not None else {}))
    outcome = await _posted(adapter, answering.url, path)
    assert (outcome.status, outcome.retry_after) == (expected, delay)
    assert f"HTTP {status}" in outcome.error
    assert answering.requests == 1  # never tried again on the spot: the sender decides when


@pytest.mark.parametrize("path", ["botbuilder", "json"])
async def test_a_retry_after_date_is_waited_for_until_that_moment(adapter, answering, path):
    answering.answer(429, Retry_After=_http_date(timedelta(minutes=10)))
    outcome = await _posted(adapter, answering.url, path)
    assert outcome.status == DeliveryStatus.RETRY
    # The date is whole seconds, read a moment after it was written.
    assert timedelta(minutes=9) < outcome.retry_after <= timedelta(minutes=10)


def test_connector_refused_is_read_by_its_status_and_retry_after():
    gone = classify(ConnectorRefused(404, "conversation not found"))
    assert (gone.status, gone.error) == (DeliveryStatus.GONE, "HTTP 404: conversation not found")
    throttled = classify(ConnectorRefused(429, "slow down", "30"))
    assert (throttled.status, throttled.retry_after) == (DeliveryStatus.RETRY, timedelta(seconds=30))


def test_only_the_terminal_chats_conversations_are_terminal():
    assert is_terminal("terminal://chat") and is_terminal("terminal:anna")
    assert not is_terminal("https://smba.trafficmanager.net/emea/") and not is_terminal(None)


def test_a_reply_thread_in_a_channel_is_written_to_as_the_channel():
    assert base_conversation_id(f"{KS_CHANNEL};messageid=1733389200000") == KS_CHANNEL
    assert base_conversation_id("a:personal-anna") == "a:personal-anna"
