"""Contact persons chosen as people in the directory, through the whole app over HTTP as Teams sends it (signed by
the OpenID stand-in's key) and through the command line, with Graph and its token endpoint played by the local
stand-in: the people picker's value and a typed name's search both store the person's Entra object id and their
name from Graph, and the Lotsen user with that object id gets the organisation's reminders whatever their name.
Without Graph configured, everything is by name as before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import create_engine, create_session_factory
from storage.models import ContactPerson, Organisation, Reminder, ReminderKind, Role, User
from tests.support.activities import activity
from tests.support.cli_process import run_cli
from tests.support.graph_standin import APP_ID, APP_SECRET, TENANT, DirectoryUser
from tests.support.openid_server import channel_token
from tests.support.people import operator_places
from tests.support.phone_cards import assert_fits_a_phone, inputs

ANNA = "0b6c1f7e-3a51-4c8e-9d1e-2f4a5b6c7d81"
ANNA_BERG = "5e2d9c4b-7f60-4a13-8b2c-1d0e9f8a7b62"
PEOPLE = {"29:ada": "Ada Admin", "29:anna": "Andersson Anna (MF)"}
PICKER = "contact_person_picked"


class Teams:
    """Ada (an administrator) and others, writing to Lotsen and pressing its cards."""

    def __init__(self, client, signing_key, connector) -> None:
        self.client, self.signing_key = client, signing_key
        self.standin, self.service_url = connector

    async def send(self, user_id: str, *, text: str | None = None, value: dict[str, Any] | None = None,
                   aad_object_id: str | None = None, **extra: Any) -> None:
        token = channel_token(self.signing_key, app_id=APP_ID, service_url=self.service_url)
        sender = {"id": user_id, "name": PEOPLE[user_id], "aadObjectId": aad_object_id or f"aad-{user_id}"}
        body = activity(self.service_url, text=text, value=value, user_id=user_id, **{"from": sender}, **extra)
        response = await self.client.post("/api/messages", json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 201

    async def ada_says(self, text: str) -> None:
        self.standin.clear()
        await self.send("29:ada", text=text)

    async def ada_presses(self, value: dict[str, Any]) -> list[str]:
        self.standin.clear()
        await self.send("29:ada", value=value)
        return self.standin.texts()

    def card(self) -> dict[str, Any]:
        [card] = self.standin.cards()
        assert_fits_a_phone([card])
        return card


async def _with_ada(lotsen, signing_key, connector, database_url, **settings) -> Teams:
    teams = Teams(await lotsen(**settings), signing_key, connector)
    await teams.send("29:ada", text="hej")  # Ada has written to Lotsen; the operator made her an administrator
    await operator_places(database_url, [("29:ada", Role.ADMIN, "kommunstyrelsen")])
    return teams


def _button(card: dict[str, Any], title: str) -> dict[str, Any]:
    [data] = [action["data"] for action in card["actions"] if action["title"] == title]
    return data


def _lines(card: dict[str, Any]) -> list[str]:
    return [element["text"] for element in card["body"] if element.get("type") == "TextBlock"]


async def _registry(database_url: str, slug: str = "miljonamnden") -> ContactPerson | None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await session.scalar(select(ContactPerson).join(Organisation).where(Organisation.slug == slug))
    finally:
        await engine.dispose()


async def _reminded(database_url: str) -> dict[str, list[str]]:
    """The annual report reminders planned, by organisation slug: the recipients' Teams ids."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Organisation.slug, User.teams_user_id)
                .join(Reminder, Reminder.subject_id == Organisation.id)
                .join(User, User.id == Reminder.recipient_user_id)
                .where(Reminder.kind == ReminderKind.ANNUAL_REPORT))
            found: dict[str, list[str]] = {}
            for slug, teams_id in rows.all():
                found.setdefault(slug, []).append(teams_id)
            return found
    finally:
        await engine.dispose()


async def test_the_people_picker_stores_the_person_and_their_name_from_graph_and_reminders_reach_them(
        lotsen, connector, graph, signing_key, database_url):
    graph.users[ANNA] = DirectoryUser(displayName="Anna Andersson", mail="anna.andersson@malmo.se",
                                      department="Miljöförvaltningen")
    teams = await _with_ada(lotsen, signing_key, connector, database_url)

    await teams.ada_says("kontaktperson Miljönämnden:")
    card = teams.card()
    picker = inputs(card)[PICKER]
    assert picker["type"] == "Input.ChoiceSet" and picker["choices"] == [] and picker["isMultiSelect"] is False
    assert picker["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    assert _lines(card)[0] == "Välj kontaktperson för Miljönämnden"
    # A search that finds nobody is not a dead end: the card says how to type the name instead.
    assert "Hittar du inte personen? Skriv namnet i chatten, till exempel ”kontaktperson Miljönämnden: Anna Andersson”." \
        in _lines(card)

    # Teams sends the button's data with the picker's value: the chosen person's object id.
    [reply] = await teams.ada_presses({**_button(card, "Registrera"), PICKER: ANNA})
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    assert "har inte skrivit till Lotsen än" in reply
    assert f"GET /v1.0/users/{ANNA}?$select=id,displayName,mail,department" in graph.requests
    row = await _registry(database_url)
    assert (row.name, row.aad_object_id, row.user_id) == ("Anna Andersson", ANNA, None)

    # Anna writes to Lotsen under another name than the directory's; she is the contact person all the same.
    await teams.send("29:anna", text="hej", aad_object_id=ANNA)
    await teams.ada_presses({"action": "annual_report_remind_all", "year": 2026})
    assert (await _reminded(database_url))["miljonamnden"] == ["29:anna"]


async def test_a_typed_name_with_one_hit_is_confirmed(lotsen, connector, graph, signing_key, database_url):
    graph.users[ANNA] = DirectoryUser(displayName="Anna Andersson", mail="anna.andersson@malmo.se",
                                      department="Miljöförvaltningen")
    teams = await _with_ada(lotsen, signing_key, connector, database_url)

    await teams.ada_says("kontaktperson Miljönämnden: Anna")
    card = teams.card()
    assert _lines(card)[1:5] == ["Jag hittade en person som heter ”Anna” i stadens katalog:", "Anna Andersson",
                                 "Miljöförvaltningen · anna.andersson@malmo.se",
                                 "Ska jag registrera Anna Andersson som kontaktperson för Miljönämnden?"]
    assert [action["title"] for action in card["actions"]] == ["Ja, registrera", "Bara namnet ”Anna”"]
    # Graph's advanced query: refused by the stand-in, as by Graph, without ConsistencyLevel: eventual.
    assert any(request.startswith("GET /v1.0/users?$search=") and "$top=5" in request
               for request in graph.requests)

    # Pressed on the card Teams shows: the card is replaced by who was chosen, without its buttons.
    teams.standin.clear()
    await teams.send("29:ada", value=_button(card, "Ja, registrera"), replyToId="the-card")
    [reply] = [sent["text"] for sent in teams.standin.activities if not sent.get("attachments")]
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    chosen = teams.card()
    assert "actions" not in chosen and _lines(chosen)[1] == "Vald: Anna Andersson"
    assert [(sent.method, sent.reply_to_id) for sent in teams.standin.received if sent.activity.get("attachments")] \
        == [("PUT", "the-card")]
    row = await _registry(database_url)
    assert (row.name, row.aad_object_id) == ("Anna Andersson", ANNA)

    # The same person again: nothing changes.
    [again] = await teams.ada_presses(_button(card, "Ja, registrera"))
    assert again.startswith("Anna Andersson är redan registrerad som kontaktperson")


async def test_several_hits_are_buttons_told_apart_by_department(lotsen, connector, graph, signing_key,
                                                                 database_url):
    graph.users[ANNA] = DirectoryUser(displayName="Anna Andersson", department="Miljöförvaltningen")
    graph.users[ANNA_BERG] = DirectoryUser(displayName="Anna Berg", department="Fritidsförvaltningen")
    for number in range(5):  # more than a search shows
        graph.users[f"9f0e1d2c-3b4a-4596-8877-66554433221{number}"] = DirectoryUser(displayName=f"Annabel Ek {number}")
    teams = await _with_ada(lotsen, signing_key, connector, database_url)
    await teams.ada_says("kontaktperson Miljönämnden: Anna")
    card = teams.card()  # six buttons at most: five people and the name alone
    assert len(card["actions"]) == 6 and card["actions"][-1]["title"] == "Bara namnet ”Anna”"

    del graph.users["9f0e1d2c-3b4a-4596-8877-665544332210"], graph.users["9f0e1d2c-3b4a-4596-8877-665544332211"]
    await teams.ada_says("kontaktperson Miljönämnden: Anna")
    card = teams.card()
    assert "Jag hittade 5 personer som heter ”Anna” i stadens katalog. Vem menar du?" in _lines(card)
    assert [action["title"] for action in card["actions"]][:2] == ["Anna Andersson, Miljöförvaltningen",
                                                                   "Anna Berg, Fritidsförvaltningen"]

    [reply] = await teams.ada_presses(_button(card, "Anna Berg, Fritidsförvaltningen"))
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Berg.")
    row = await _registry(database_url)
    assert (row.name, row.aad_object_id) == ("Anna Berg", ANNA_BERG)


async def test_no_hit_says_so_and_keeps_the_name_alone(lotsen, connector, graph, signing_key, database_url):
    graph.users[ANNA] = DirectoryUser(displayName="Anna Andersson")
    teams = await _with_ada(lotsen, signing_key, connector, database_url)
    await teams.ada_says("kontaktperson Miljönämnden: Extern Person")
    card = teams.card()
    assert _lines(card)[1].startswith("Jag hittar ingen som heter ”Extern Person” i stadens katalog.")
    assert PICKER in inputs(card)  # the picker to search another way
    [reply] = await teams.ada_presses(_button(card, "Bara namnet ”Extern Person”"))
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Extern Person.")
    row = await _registry(database_url)
    assert (row.name, row.aad_object_id) == ("Extern Person", None)


async def test_a_picker_left_empty_or_a_person_gone_from_the_directory(lotsen, connector, graph, signing_key,
                                                                       database_url):
    teams = await _with_ada(lotsen, signing_key, connector, database_url)
    await teams.ada_says("kontaktperson Miljönämnden:")
    submit = _button(teams.card(), "Registrera")
    assert (await teams.ada_presses(submit))[0].startswith("Du valde ingen.")
    assert (await teams.ada_presses({**submit, PICKER: ANNA}))[0].startswith(
        "Jag hittar inte personen du valde i stadens katalog.")
    assert await _registry(database_url) is None


async def test_graph_down_takes_the_typed_name_as_before(lotsen, connector, graph, signing_key, database_url):
    teams = await _with_ada(lotsen, signing_key, connector, database_url)
    graph.down = True
    await teams.ada_says("kontaktperson Miljönämnden: Anna Andersson")
    note, reply = teams.standin.texts()
    assert note.startswith("Stadens katalog svarar inte just nu")
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    assert (await _registry(database_url)).aad_object_id is None


async def test_without_graph_contact_persons_are_names_as_before(lotsen, connector, graph, signing_key,
                                                                 database_url):
    teams = await _with_ada(lotsen, signing_key, connector, database_url, graph_enabled=False)
    await teams.ada_says("kontaktperson Miljönämnden: Anna Andersson")
    [reply] = teams.standin.texts()
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    await teams.ada_says("kontaktperson Miljönämnden:")
    assert teams.standin.texts() == ["Skriv namnet efter kolonet, till exempel ”kontaktperson Miljönämnden: "
                                     "Anna Andersson”."]
    assert graph.requests == []

    # A card pressed from before Graph was turned off: the id with the name it showed, or Graph is needed.
    organisation_id = (await _registry(database_url)).organisation_id
    chosen = {"action": "contact_choose", "organisation_id": organisation_id}
    [needed] = await teams.ada_presses({**chosen, PICKER: ANNA})
    assert needed.startswith("Att välja en person ur stadens katalog kräver att Lotsen kan läsa katalogen")
    [reply] = await teams.ada_presses({**chosen, "person": ANNA_BERG, "name": "Anna Berg"})
    assert reply.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Berg.")
    row = await _registry(database_url)
    assert (row.name, row.aad_object_id) == ("Anna Berg", ANNA_BERG)
    assert graph.requests == []


# --- the command line ------------------------------------------------------------------------------------------


def _graph_environment(graph) -> dict[str, str]:
    return {"GRAPH_ENABLED": "true", "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": APP_SECRET,
            "GRAPH_TENANT_ID": TENANT, "GRAPH_BASE_URL": f"{graph.base_url}/v1.0",
            "GRAPH_TOKEN_URL": f"{graph.base_url}/{TENANT}/oauth2/v2.0/token"}


async def test_the_command_line_takes_an_object_id(graph, engine, database_url, tmp_path):
    graph.users[ANNA] = DirectoryUser(displayName="Anna Andersson")
    status, out, err = await run_cli(database_url, tmp_path, "users", "contact", "Miljönämnden", ANNA.upper(),
                                     settings=_graph_environment(graph))
    assert status == 0, err
    assert f"Miljönämnden: Anna Andersson (object id {ANNA}; not in Lotsen yet" in out
    assert f"GET /v1.0/users/{ANNA}?$select=id,displayName,mail,department" in graph.requests

    status, out, _ = await run_cli(database_url, tmp_path, "users", "contacts")
    [line] = [line for line in out.splitlines() if line.startswith("Miljönämnden ")]
    assert f" {ANNA} Anna Andersson (not in Lotsen yet)" in line
    [named] = [line for line in out.splitlines() if line.startswith("Kulturnämnden ")]
    assert " - " in named and "saknas" in named

    nobody = await run_cli(database_url, tmp_path, "users", "contact", "Miljönämnden", ANNA_BERG,
                           settings=_graph_environment(graph))
    assert nobody[0] == 2 and "nobody in the directory" in nobody[1]

    # Without Graph, the name is given after the object id, or the command says it must be.
    without = await run_cli(database_url, tmp_path, "users", "contact", "Fritidsnämnden", ANNA_BERG)
    assert without[0] == 2 and "Graph is not configured" in without[1]
    status, out, err = await run_cli(database_url, tmp_path, "users", "contact", "Fritidsnämnden", ANNA_BERG,
                                     "Anna", "Berg")
    assert status == 0, err
    row = await _registry(database_url, "fritidsnamnden")
    assert (row.name, row.aad_object_id) == ("Anna Berg", ANNA_BERG)
