"""The Graph stand-in (tests/support/graph_standin.py), listening on a local port for each test, and the app started
as Teams reaches it with the bot's credentials, which Graph is read with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.credentials import StaticTokenCredentialsFactory
from tests.support.graph_standin import APP_ID, GraphStandIn, running_graph


@pytest.fixture
async def graph() -> AsyncIterator[GraphStandIn]:
    async with running_graph() as standin:
        yield standin


@pytest.fixture
def lotsen(start_app, openid, graph, database_url):
    """Starts the app as Teams reaches it, with the bot's credentials (which Graph is read with)."""
    async def start(**settings):
        values = {**graph.settings(), **settings}
        values["microsoft_app_id"] = APP_ID
        return await start_app(database_url=database_url, auto_migrate=True, openid_metadata_url=openid.metadata_url,
                               credentials_factory=StaticTokenCredentialsFactory(APP_ID, token="outgoing"), **values)
    return start
