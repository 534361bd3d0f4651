"""A connector that answers every call the same way (a throttling or broken Teams connector), on a local port:
what the connector stand-in does not do, such as a Retry-After header or a created chat without an id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class AnsweringConnector:
    """Answers every request with `status`, `body` (JSON) and `headers`; `url` is its service URL."""

    url: str = ""
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    def answer(self, status: int, body: Any = None, **headers: str) -> None:
        """The answer from now on; header names as keywords, `_` for `-` (Retry_After=...)."""
        self.status = status
        self.body = {"error": {"code": "Failure", "message": "answering failure"}} if body is None else body
        self.headers = {name.replace("_", "-"): value for name, value in headers.items()}

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        await request.read()
        return web.json_response(self.body, status=self.status, headers=self.headers)


@pytest.fixture
async def answering() -> AsyncIterator[AnsweringConnector]:
    connector = AnsweringConnector()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", connector._handle)
    server = TestServer(app)
    await server.start_server()
    connector.url = str(server.make_url("")).rstrip("/")
    try:
        yield connector
    finally:
        await server.close()
