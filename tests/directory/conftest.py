"""The Graph stand-in (tests/support/graph_standin.py), listening on a local port for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.graph_standin import GraphStandIn, running_graph


@pytest.fixture
async def graph() -> AsyncIterator[GraphStandIn]:
    async with running_graph() as standin:
        yield standin
