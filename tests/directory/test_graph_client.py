"""directory/graph_client.py against the local Graph and token stand-in, over HTTP: what a user's values are, the
token asked once and kept, the managed identity, and every failure raised as DirectoryUnavailable."""

from __future__ import annotations

import pytest

from directory.config import graph_config
from directory.graph_client import GraphClient, GraphConfig, DirectoryUnavailable
from settings import Settings
from storage.models import DirectorySource
from tests.support.graph_standin import APP_ID, APP_SECRET, IDENTITY_HEADER, DirectoryUser, GraphStandIn


def _client(graph: GraphStandIn, **changes) -> GraphClient:
    config = graph_config(Settings(_env_file=None, **graph.settings()))
    assert config is not None
    return GraphClient(GraphConfig(**{**config.__dict__, **changes}))


async def test_the_department_is_read_with_a_client_credentials_token_asked_once(graph):
    graph.users["aad-1"] = DirectoryUser(department="Miljöförvaltningen", companyName="Malmö stad")
    graph.users["aad-2"] = DirectoryUser(department="  ")
    client = _client(graph)
    assert await client.values_of("aad-1", DirectorySource.DEPARTMENT) == ["Miljöförvaltningen"]
    assert await client.values_of("aad-1", DirectorySource.COMPANY_NAME) == ["Malmö stad"]
    assert await client.values_of("aad-1", DirectorySource.OFFICE_LOCATION) == []
    assert await client.values_of("aad-2", DirectorySource.DEPARTMENT) == []  # blank is no value
    assert graph.token_requests == ["POST /malmo-tenant/oauth2/v2.0/token"]
    assert graph.graph_requests[0] == "GET /v1.0/users/aad-1?$select=department,companyName,officeLocation"


async def test_a_token_about_to_expire_is_not_used_again(graph):
    graph.expires_in = 60  # less than the margin kept before expiry
    graph.users["aad-1"] = DirectoryUser(department="Kulturförvaltningen")
    client = _client(graph)
    await client.values_of("aad-1", DirectorySource.DEPARTMENT)
    await client.values_of("aad-1", DirectorySource.DEPARTMENT)
    assert len(graph.token_requests) == 2


async def test_groups_are_read_page_by_page_and_directory_roles_left_out(graph):
    graph.users["aad-1"] = DirectoryUser(groups=[("g-1", "Alla i Malmö stad"), ("g-2", "MF Miljöförvaltningen"),
                                                 ("g-3", "Teams: EU-nätverket")])
    values = await _client(graph).values_of("aad-1", DirectorySource.GROUP)
    assert values == ["Alla i Malmö stad", "g-1", "MF Miljöförvaltningen", "g-2", "Teams: EU-nätverket", "g-3"]
    assert len(graph.graph_requests) == 2  # two pages (page_size 2)
    assert "Global Reader" not in values


async def test_a_user_the_directory_does_not_know_has_no_values(graph):
    assert await _client(graph).values_of("aad-unknown", DirectorySource.DEPARTMENT) == []
    assert await _client(graph).values_of("aad-unknown", DirectorySource.GROUP) == []


async def test_a_managed_identity_gets_its_token_from_the_identity_endpoint(graph):
    graph.users["aad-1"] = DirectoryUser(officeLocation="Stadshuset")
    settings = Settings(_env_file=None, microsoft_app_id=APP_ID, microsoft_app_type="UserAssignedMSI",
                        directory_source="officeLocation", graph_base_url=f"{graph.base_url}/v1.0",
                        identity_endpoint=f"{graph.base_url}/msi/token", identity_header=IDENTITY_HEADER)
    config = graph_config(settings)
    assert config is not None and config.managed_identity
    assert await GraphClient(config).values_of("aad-1", DirectorySource.OFFICE_LOCATION) == ["Stadshuset"]
    assert graph.token_requests == ["GET /msi/token"]


@pytest.mark.parametrize("trouble", ["down", "wrong-secret", "no-such-host", "next-page-elsewhere"])
async def test_every_failure_is_directory_unavailable(graph, trouble):
    graph.users["aad-1"] = DirectoryUser(department="Miljöförvaltningen", groups=[("g-1", "A"), ("g-2", "B"),
                                                                                 ("g-3", "C")])
    changes: dict = {}
    source = DirectorySource.DEPARTMENT
    if trouble == "down":
        graph.down = True
    elif trouble == "wrong-secret":
        changes["client_secret"] = APP_SECRET + "-old"
    elif trouble == "no-such-host":
        changes["base_url"] = "http://127.0.0.1:9/v1.0"  # the discard port: nothing listens
        changes["token_url"] = "http://127.0.0.1:9/token"
    else:
        changes["base_url"] = graph.base_url.replace("127.0.0.1", "localhost") + "/v1.0"
        source = DirectorySource.GROUP
    with pytest.raises(DirectoryUnavailable):
        await _client(graph, **changes).values_of("aad-1", source)
    if trouble == "next-page-elsewhere":  # the first page was read; the token never went to the other host
        assert len(graph.graph_requests) == 1


def test_graph_is_not_asked_unless_configured():
    assert graph_config(Settings(_env_file=None)) is None
    credentials = {"microsoft_app_id": APP_ID, "microsoft_app_password": APP_SECRET,
                   "microsoft_app_tenant_id": "malmo-tenant"}
    assert graph_config(Settings(_env_file=None, **credentials)) is None  # no DIRECTORY_SOURCE: as before
    assert graph_config(Settings(_env_file=None, **credentials, directory_source="group", graph_enabled=False)) is None
    assert graph_config(Settings(_env_file=None, graph_enabled=True)) is None  # no credentials to ask with
    enabled = graph_config(Settings(_env_file=None, **credentials, graph_enabled=True))
    assert enabled is not None
    assert enabled.token_url == "https://login.microsoftonline.com/malmo-tenant/oauth2/v2.0/token"
