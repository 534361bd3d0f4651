"""The pooled connector clients: one client per service URL, and error pages read by their status; their JSON calls
(`JsonConnector`): a chat created at the connector stand-in, and what a refusal carries."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import Activity
from botframework.connector.models import ErrorResponseException

from bot.authentication import LotsenAuthentication
from bot.connector import ConnectorRefused
from settings import Settings

# A 1:1 chat as bot/proactive_install.py asks for one (ConversationParameters as JSON).
CHAT = {"bot": {"id": "28:lotsen"}, "members": [{"id": "29:cecilia"}], "isGroup": False, "tenantId": "malmo",
        "channelData": {"tenant": {"id": "malmo"}}}


@pytest.fixture
async def html_404_server():
    async def not_found(request: web.Request) -> web.Response:
        return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", not_found)
    server = TestServer(app)
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def test_clients_are_reused_per_service_url():
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        pool = authentication.connector_pool
        first = await pool.get("https://smba.example/emea/", "", None)
        again = await pool.get("https://smba.example/emea/", "", None)
        other = await pool.get("https://smba.example/amer/", "", None)
        assert first is again
        assert other is not first
        # Reminders post through the JSON calls of the very client a turn replies with.
        assert await pool.json_connector("https://smba.example/emea/", "") is first.json_connector
    finally:
        await authentication.close()


async def test_a_non_json_error_page_is_an_error_response_with_its_status(html_404_server):
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        client = await authentication.connector_pool.get(html_404_server, "", None)
        with pytest.raises(ErrorResponseException) as raised:
            await client.conversations.send_to_conversation("gone", Activity(type="message", text="hej"))
        assert raised.value.response.status == 404  # aiohttp's response, kept by msrest
    finally:
        await authentication.close()


@pytest.fixture
async def pool():
    authentication = LotsenAuthentication(Settings(_env_file=None))
    try:
        yield authentication.connector_pool
    finally:
        await authentication.close()


async def test_a_created_conversation_is_the_id_the_connector_gave_it(pool, connector):
    standin, service_url = connector
    json_connector = await pool.json_connector(service_url, "")
    assert await json_connector.create_conversation(CHAT) == "a:created-29:cecilia"
    assert standin.created == [CHAT]
    assert standin.received == []  # a chat created, nothing posted in it


@pytest.mark.parametrize("status", [403, 503])
async def test_a_refused_creation_raises_connector_refused_with_the_status(pool, connector, status):
    standin, service_url = connector
    standin.create_fail_with = [status]
    json_connector = await pool.json_connector(service_url, "")
    with pytest.raises(ConnectorRefused) as raised:
        await json_connector.create_conversation(CHAT)
    assert (raised.value.status, raised.value.retry_after) == (status, None)
    assert "Failure" in raised.value.detail  # the connector's own words, kept for the stored error
    assert standin.created == []


async def test_a_refusal_carries_the_retry_after_the_connector_gave(pool, answering):
    json_connector = await pool.json_connector(answering.url, "")
    for retry_after in ("120", "Wed, 03 Mar 2027 09:00:00 GMT"):
        answering.answer(429, Retry_After=retry_after)
        for call in (json_connector.create_conversation(CHAT),
                     json_connector.send("a:chat", {"type": "message", "text": "Hej"})):
            with pytest.raises(ConnectorRefused) as raised:
                await call
            assert (raised.value.status, raised.value.retry_after) == (429, retry_after)


async def test_a_refusal_without_retry_after_carries_none(pool, answering):
    answering.answer(503)
    with pytest.raises(ConnectorRefused) as raised:
        await (await pool.json_connector(answering.url, "")).send("a:chat", {"type": "message", "text": "Hej"})
    assert (raised.value.status, raised.value.retry_after) == (503, None)


@pytest.mark.parametrize("body", [{}, {"id": ""}, {"id": 7}, ["a:chat"]])
async def test_a_conversation_created_without_an_id_is_an_error(pool, answering, body):
    answering.answer(201, body)
    with pytest.raises(ValueError, match="without an id"):
        await (await pool.json_connector(answering.url, "")).create_conversation(CHAT)
