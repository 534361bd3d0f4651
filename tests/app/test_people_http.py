"""Users, contact persons and the history through the whole app over HTTP, as Teams sends it: an administrator
gives a role and names a contact person in chat, and a KS coordinator then reads both changes in "historik"."""

from __future__ import annotations

from bot.card_text import render_attachment
from storage.models import Role
from tests.support.activities import message
from tests.support.people import operator_places

PEOPLE = {"29:ada": "Ada Admin", "29:karin": "Karin Karlsson", "29:anna": "Anna Andersson", "29:bo": "Bo Berg"}


def _says(user_id: str, service_url: str, text: str) -> dict:
    return message(service_url, text, user_id=user_id, user_name=PEOPLE[user_id])


async def test_an_admin_changes_a_role_and_a_contact_and_a_coordinator_reads_both_in_the_history(
        start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    for user_id in PEOPLE:  # everyone has written to Lotsen once, so that Lotsen knows them
        assert (await client.post("/api/messages", json=_says(user_id, service_url, "hej"))).status == 201
    await operator_places(database_url, [("29:ada", Role.ADMIN, "kommunstyrelsen"),
                                         ("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen"),
                                         ("29:anna", Role.OFFICIAL, "miljonamnden"),
                                         ("29:bo", Role.OFFICIAL, "fritidsnamnden")])

    standin.clear()
    response = await client.post("/api/messages", json=_says("29:ada", service_url, "roll Bo Berg: samordnare"))
    assert response.status == 201
    assert standin.texts() == ["Klart: Bo Berg har nu rollen KS-samordnare (tidigare tjänsteperson)."]
    assert standin.received[-1].conversation_id == "a:conversation-29:ada"

    standin.clear()
    response = await client.post(
        "/api/messages", json=_says("29:ada", service_url, "kontaktperson Miljönämnden: Anna Andersson"))
    assert response.status == 201
    [answer] = standin.texts()
    assert answer.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    assert "når Anna Andersson i Teams" in answer  # Anna is a Lotsen user placed in Miljönämnden: linked

    standin.clear()
    assert (await client.post("/api/messages", json=_says("29:karin", service_url, "historik"))).status == 201
    [card] = standin.cards()
    assert standin.received[-1].conversation_id == "a:conversation-29:karin"
    lines = render_attachment("application/vnd.microsoft.card.adaptive", card).lines
    assert lines[0] == "Historik"
    # Newest first: the contact person, then the role, both by the administrator in chat.
    contact = lines.index("Kontaktperson registrerad: Miljönämnden (ingen → Anna Andersson)")
    role = lines.index("Roll ändrad: Bo Berg (tjänsteperson → KS-samordnare)")
    assert contact < role
    assert lines[contact - 1].endswith(" · Ada Admin · Miljönämnden")
    assert lines[role - 1].endswith(" · Ada Admin · Fritidsnämnden")

    # An official asking for the history is refused over HTTP too (Bo is a coordinator now; Anna is not).
    standin.clear()
    assert (await client.post("/api/messages", json=_says("29:anna", service_url, "historik"))).status == 201
    assert standin.texts() == ["Historiken kan bara KS-samordnare och administratörer läsa."]
