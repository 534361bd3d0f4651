"""Placement from the directory through the whole app over HTTP, as Teams sends it (signed by the OpenID stand-in's
key, as in the security tests), with Graph and its token endpoint played by the local stand-in: a new user's
first message places them before it is answered; an ambiguous mapping reaches the administrator in their chat;
without Graph configured, or with Graph down, everything is as before."""

from __future__ import annotations

from sqlalchemy import select

from bot.card_text import render_attachment
from storage.db import create_engine, create_session_factory
from storage.models import Organisation, Role, User
from tests.support.activities import message
from tests.support.graph_standin import APP_ID, DirectoryUser
from tests.support.openid_server import channel_token
from tests.support.people import operator_places

PEOPLE = {"29:ada": "Ada Admin", "29:nils": "Nils Nilsson"}


async def _says(client, signing_key, service_url: str, user_id: str, text: str) -> None:
    token = channel_token(signing_key, app_id=APP_ID, service_url=service_url)
    response = await client.post("/api/messages", json=message(service_url, text, user_id=user_id,
                                                                user_name=PEOPLE[user_id]),
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status == 201


async def _organisation_of(database_url: str, teams_id: str) -> str | None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            user = await session.scalar(select(User).where(User.teams_user_id == teams_id))
            organisation = await session.get(Organisation, user.organisation_id) if user.organisation_id else None
            return organisation.slug if organisation else None
    finally:
        await engine.dispose()


async def _an_administrator(client, signing_key, service_url: str, database_url: str) -> None:
    """Ada has written to Lotsen (so that her chat can be written to) and the operator made her an administrator."""
    await _says(client, signing_key, service_url, "29:ada", "hej")
    await operator_places(database_url, [("29:ada", Role.ADMIN, "kommunstyrelsen")])


async def test_a_new_users_first_message_places_them_by_department(lotsen, connector, graph, signing_key,
                                                                   database_url):
    standin, service_url = connector
    graph.users["aad-29:nils"] = DirectoryUser(department="Miljöförvaltningen")
    client = await lotsen()
    await _an_administrator(client, signing_key, service_url, database_url)

    standin.clear()
    await _says(client, signing_key, service_url, "29:nils", "hej")
    assert len(standin.cards()) == 1  # answered as ever: the welcome
    assert await _organisation_of(database_url, "29:nils") == "miljonamnden"
    assert "GET /v1.0/users/aad-29:nils?$select=department,companyName,officeLocation" in graph.requests

    # The administrator reads in the history that the directory placed Nils, not a person.
    standin.clear()
    await _says(client, signing_key, service_url, "29:ada", "historik")
    [card] = standin.cards()
    lines = render_attachment("application/vnd.microsoft.card.adaptive", card).lines
    placed = lines.index("Organisation ändrad: Nils Nilsson (ingen → Miljönämnden; placerad utifrån katalogen "
                         "(avdelningen: ”Miljöförvaltningen”))")
    assert lines[placed - 1].endswith(" · Lotsen eller kommandoraden · Miljönämnden")

    # Nils's next messages do not ask the directory again.
    asked = len(graph.requests)
    await _says(client, signing_key, service_url, "29:nils", "hjälp")
    assert len(graph.requests) == asked


async def test_an_ambiguous_mapping_asks_the_administrator_in_their_chat(lotsen, connector, graph, signing_key,
                                                                         database_url, tmp_path):
    standin, service_url = connector
    mapping = tmp_path / "directory-mapping.yaml"
    mapping.write_text("mappings:\n  department:\n    Stadskontoret: [kommunstyrelsen, valnamnden]\n",
                       encoding="utf-8")
    graph.users["aad-29:nils"] = DirectoryUser(department="Stadskontoret")
    client = await lotsen(directory_mapping_file=str(mapping))
    await _an_administrator(client, signing_key, service_url, database_url)

    standin.clear()
    await _says(client, signing_key, service_url, "29:nils", "hej")
    [notice] = await standin.wait_for_in("a:conversation-29:ada")
    assert notice.activity["text"].startswith(
        "Jag kunde inte placera Nils Nilsson utifrån katalogen: avdelningen ”Stadskontoret” leder till "
        "Kommunstyrelsen, Valnämnden.")
    assert await _organisation_of(database_url, "29:nils") is None


async def test_without_graph_configured_users_are_placed_as_before(lotsen, connector, graph, signing_key,
                                                                   database_url):
    standin, service_url = connector
    graph.users["aad-29:nils"] = DirectoryUser(department="Miljöförvaltningen")
    client = await lotsen(directory_source=None)  # the bot's credentials, but no DIRECTORY_SOURCE
    await _says(client, signing_key, service_url, "29:nils", "hej")
    assert len(standin.cards()) == 1
    assert await _organisation_of(database_url, "29:nils") is None
    assert graph.requests == []


async def test_graph_down_does_not_fail_the_turn(lotsen, connector, graph, signing_key, database_url):
    standin, service_url = connector
    graph.users["aad-29:nils"] = DirectoryUser(department="Miljöförvaltningen")
    graph.down = True
    client = await lotsen()
    await _says(client, signing_key, service_url, "29:nils", "hej")
    assert len(standin.cards()) == 1
    assert graph.token_requests  # it was asked, and failed
    assert await _organisation_of(database_url, "29:nils") is None
