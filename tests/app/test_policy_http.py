"""Policy questions over HTTP, as Teams sends them, through the whole app: facts remembered from one question to
the next, a 👎 pressed and read back by a KS coordinator, a question taught by the coordinator that changes the
next answer for another official, "Menar du …?" pressed, and a feature asked for.

What the policy module answers is its own business (tests/policy); these take its answers as they come.
"""

from __future__ import annotations

from bot.card_text import render_attachment
from policy import ProjectFacts, answer
from policy.formatting import keep_together
from storage.db import create_engine, create_session_factory
from storage.models import Role
from storage.policy_learning import list_bad_answers, list_clarifications
from tests.support.activities import message
from tests.support.people import operator_places

PEOPLE = {"29:karin": "Karin Karlsson", "29:anna": "Anna Andersson", "29:bo": "Bo Berg"}
PARTNER = "vi är bara partner"
INFORMATION_ITEM = "måste vi skicka informationsärende?"
UNTAUGHT = "Hur funkar det med avtal?"
TAUGHT_TOPIC = "declarations"


def _says(user_id: str, service_url: str, text: str | None = None, value: dict | None = None) -> dict:
    fields = {"value": value} if value is not None else {}
    return message(service_url, text, user_id=user_id, user_name=PEOPLE[user_id], **fields)


def _lines(card: dict) -> list[str]:
    return render_attachment("application/vnd.microsoft.card.adaptive", card).lines


def _buttons(card: dict) -> dict[str, dict]:
    rendered = render_attachment("application/vnd.microsoft.card.adaptive", card)
    return {choice.label: choice.value if choice.value is not None else {"message": choice.message}
            for choice in rendered.choices}


def _card_lines_of(client, standin, service_url: str, user_id: str):
    """Posts a message as `user_id` and gives back the lines of the one card it was answered with."""
    async def post(text: str) -> list[str]:
        standin.clear()
        response = await client.post("/api/messages", json=_says(user_id, service_url, text))
        assert response.status == 201
        [card] = standin.cards()
        return _lines(card)

    return post


async def _stored(database_url: str, read):
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await read(session)
    finally:
        await engine.dispose()


async def test_questions_votes_and_a_teaching_over_http(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)

    async def post(user_id: str, text: str | None = None, value: dict | None = None) -> list[dict]:
        standin.clear()
        response = await client.post("/api/messages", json=_says(user_id, service_url, text, value))
        assert response.status == 201
        return standin.activities

    for user_id in PEOPLE:
        await post(user_id, "hej")
    await operator_places(database_url, [("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen"),
                                         ("29:anna", Role.OFFICIAL, "miljonamnden"),
                                         ("29:bo", Role.OFFICIAL, "miljonamnden")])

    # Anna tells Lotsen they are a partner; the next question is answered knowing it.
    await post("29:anna", PARTNER)
    await post("29:anna", INFORMATION_ITEM)
    [card] = standin.cards()
    as_partner = answer(INFORMATION_ITEM, facts=ProjectFacts(malmo_is_project_owner=False))
    assert keep_together(as_partner.answer) in _lines(card)  # as a card shows it: its figures never broken
    assert "Jag räknar med det du har berättat tidigare: Malmö stad är partner, inte projektägare. " \
           "Skriv ”glöm uppgifterna” för att börja om." in _lines(card)

    # She presses 👎, as Teams sends a card's Action.Submit: no text, the button's data as value.
    thumbs_down = _buttons(card)["👎 Nej"]
    await post("29:anna", value=thumbs_down)
    assert standin.texts()[0].startswith("Tack för svaret!")
    [bad] = await _stored(database_url, list_bad_answers)
    assert (bad.question, bad.answer_ref, bad.helpful) == (INFORMATION_ITEM, thumbs_down["ref"], False)

    # The coordinator reads it among the bad answers.
    await post("29:karin", "dåliga svar")
    [listed] = standin.cards()
    assert _lines(listed)[0] == "Dåliga svar"
    assert INFORMATION_ITEM in _lines(listed)

    # A question nobody wrote for: the coordinator teaches it; Bo's next question gets the taught topic.
    assert answer(UNTAUGHT).topic != TAUGHT_TOPIC
    await post("29:anna", f"lär Lotsen: {UNTAUGHT} -> {TAUGHT_TOPIC}")
    assert standin.texts()[0].startswith("Det här är till för kommunstyrelsens förvaltning")
    await post("29:karin", f"lär Lotsen: {UNTAUGHT} -> {TAUGHT_TOPIC}")
    assert standin.texts()[0].startswith(f"Klart: ”{UNTAUGHT}” handlar nu om")
    await post("29:bo", UNTAUGHT)
    [taught] = standin.cards()
    assert keep_together(answer(UNTAUGHT, topic=TAUGHT_TOPIC).answer) in _lines(taught)

    # Anna forgets her facts: the same question is answered without them.
    await post("29:anna", "glöm uppgifterna")
    assert standin.texts() == ["Okej, jag har glömt uppgifterna om ert projekt. Nästa fråga besvarar jag utan dem."]
    await post("29:anna", INFORMATION_ITEM)
    assert keep_together(answer(INFORMATION_ITEM).answer) in _lines(standin.cards()[0])


async def test_a_feature_and_menar_du_over_http(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)

    async def post(text: str | None = None, value: dict | None = None) -> list[dict]:
        standin.clear()
        response = await client.post("/api/messages", json=_says("29:anna", service_url, text, value))
        assert response.status == 201
        return standin.cards()

    [card] = await post("kan jag registrera ansökan här?")
    assert _buttons(card) == {"Registrera EU-ansökan": {"message": "registrera ansökan"}}

    unsure = answer("Vem bestämmer?")
    assert unsure.kind == "clarify"
    [card] = await post("Vem bestämmer?")
    chosen = unsure.options[-1]
    [answered] = await post(value=_buttons(card)[chosen.title])
    assert keep_together(answer("Vem bestämmer?", topic=chosen.topic).answer) in _lines(answered)
    [asked] = await _stored(database_url, list_clarifications)
    assert (asked.question, asked.chosen) == ("Vem bestämmer?", chosen.topic)


async def test_a_section_asked_for_and_a_section_named_wrongly_over_http(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)

    post = _card_lines_of(client, standin, service_url, "29:bo")

    # the section itself: its text
    lines = await post("Vad står det i avsnitt 3.4?")
    assert lines[0].startswith("Avsnitt 3.4 Helägda bolag:") and "Källa: § 3.4 Helägda bolag" in lines
    # a question with the wrong section named: answered from the one that answers it, which the card says first
    asked = "Vem gör sammanställningen av nämndernas internationella arbete? Står det i 3.4?"
    expected = answer(asked)
    assert expected.citations[0].section == "3.2.1"
    lines = await post(asked)
    note = keep_together("Du nämnde avsnitt 3.4, men det som svarar på frågan står i avsnitt 3.2.1.")
    assert lines[0].startswith(note) and keep_together(expected.answer.split("\n\n")[1][:40]) in lines[0]
    assert any(line.startswith("Källa: § 3.2.1") for line in lines)


async def test_two_projects_in_one_message_over_http(start_app, connector, database_url):
    """An official describes two projects and asks about one: the answer, and what the conversation remembers for
    the next question, are that project's (its role, its budget), not the other's."""
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)

    post = _card_lines_of(client, standin, service_url, "29:bo")

    asked = ("Vi är partner i ett Interreg-projekt på 40 mkr som Köpenhamn leder, och så koordinerar vi en "
             "ESF+-ansökan på 16 mkr. Vad gäller för ESF+-ansökan?")
    expected = answer(asked)
    assert expected.verdict is not None and expected.verdict.information_item_to_ks is True
    assert (expected.facts.programme, expected.facts.total_budget) == ("ESF+", 16_000_000)
    lines = await post(asked)
    assert keep_together(expected.answer.split("\n\n")[0]) in lines
    # the next question is answered with the ESF+ project's facts remembered
    follow_up = "Får informationsärendet skickas efter att vi lämnat in?"
    lines = await post(follow_up)
    remembered = answer(follow_up, facts=expected.facts)
    assert remembered.verdict is not None and remembered.verdict.information_item_to_ks is True
    assert any(line.startswith("Jag räknar med det du har berättat tidigare: Malmö stad är projektägare") for line in lines)
