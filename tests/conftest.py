"""Shared fixtures: databases (tests/db_fixtures.py), the connector stand-in, and the app over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from settings import Settings
from tests.support.connector_standin import ConnectorStandIn
from tests.support.openid_server import OpenIdServer, new_key

pytest_plugins = ["tests.db_fixtures"]


@pytest.fixture
async def connector() -> AsyncIterator[tuple[ConnectorStandIn, str]]:
    """The connector stand-in, listening on a local port; its URL is what activities give as serviceUrl."""
    standin = ConnectorStandIn()
    server = TestServer(standin.app())
    await server.start_server()
    try:
        yield standin, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
def signing_key():
    """The key the Bot Framework stand-in signs channel tokens with (tests/support/openid_server.py)."""
    return new_key()


@pytest.fixture
def openid(signing_key):
    """The OpenID metadata and keys the bot checks channel tokens against, served locally."""
    with OpenIdServer(signing_key) as server:
        yield server


StartApp = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def start_app(tmp_path) -> AsyncIterator[StartApp]:
    """Starts Lotsen's app (its whole lifespan: migrations, engine, bot) and returns an HTTP client for it.

    Call it again with the same database to simulate a restart; every started app is stopped at the end.
    """
    from app import create_app  # imported here so that test packages without the app still collect

    clients: list[TestClient] = []

    async def start(database_url: str | None = None, credentials_factory: Any = None, **overrides: Any) -> TestClient:
        # The in-app reminder scheduler is off unless a test turns it on: tests decide when reminders go out.
        values: dict[str, Any] = {"database_url": database_url or f"sqlite+aiosqlite:///{tmp_path}/lotsen.db",
                                  "reminder_poll_seconds": 0}
        values.update(overrides)
        settings = Settings(_env_file=None, **values)
        client = TestClient(TestServer(create_app(settings, credentials_factory=credentials_factory)))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in reversed(clients):
        await client.close()
