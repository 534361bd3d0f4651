"""The pooled connector clients: one client per service URL, and error pages read by their status."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import Activity
from botframework.connector.models import ErrorResponseException

from bot.authentication import LotsenAuthentication
from settings import Settings


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
