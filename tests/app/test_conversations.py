"""Whole conversations over HTTP: policy answers, a consultation across a restart, simultaneous messages."""

from __future__ import annotations

import asyncio
import json

from tests.support.activities import message


async def test_a_policy_question_gets_an_answer_card_with_its_citation(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    response = await client.post("/api/messages", json=message(service_url, "vem beslutar om nya partnerstäder?"))
    assert response.status == 201
    [card] = standin.cards()
    text = json.dumps(card, ensure_ascii=False)
    assert "Kommunstyrelsen" in text
    assert "§ 3.2" in text
    assert any(action["type"] == "Action.ToggleVisibility" for action in card["actions"])


async def test_an_english_question_is_answered_in_english(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "Who decides on new partner cities?", locale="en-US"))
    [card] = standin.cards()
    assert "City Executive Board" in json.dumps(card)


async def test_the_consultation_survives_a_restart_of_the_app(start_app, connector, database_url):
    standin, service_url = connector
    first = await start_app(database_url=database_url, auto_migrate=True)
    await first.post("/api/messages", json=message(service_url, "Måste vi informera KS om vår ansökan?"))
    assert "projektägare" in standin.texts()[-1]
    await first.post("/api/messages", json=message(service_url, "ja"))
    assert "EU:s program" in standin.texts()[-1]
    await first.close()

    standin.clear()
    second = await start_app(database_url=database_url, auto_migrate=True)
    await second.post("/api/messages", json=message(service_url, "ja"))
    assert "totalbudget" in standin.texts()[-1]
    await second.post("/api/messages", json=message(service_url, "11 999 999 kr"))
    verdict = json.dumps(standin.cards()[-1], ensure_ascii=False)
    assert "§ 4.1" in verdict


async def test_undelivered_replies_are_shown_again_before_an_answer_is_taken(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "Måste vi informera KS om vår ansökan?"))
    standin.fail_with = [503]  # the reply to the next answer cannot be delivered (the turn itself was saved)
    await client.post("/api/messages", json=message(service_url, "ja"))
    assert standin.texts()[-1].startswith("Något gick fel")
    standin.clear()
    # The user never saw the programme question, so this "ja" may answer the previous one: it is not filed,
    # the question is shown again with a request to answer it.
    await client.post("/api/messages", json=message(service_url, "ja"))
    texts = standin.texts()
    assert texts[0].startswith("Mitt förra svar kom kanske inte fram")
    assert any("EU:s program" in line for line in texts[1:-1])
    assert texts[-1].startswith("Svara på frågan ovan igen")
    standin.clear()
    await client.post("/api/messages", json=message(service_url, "ja"))  # now it answers the programme question
    assert "totalbudget" in standin.texts()[-1]


async def test_simultaneous_messages_in_one_conversation_are_taken_in_turn(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "Måste vi informera KS om vår ansökan?"))
    standin.clear()
    standin.delay_seconds = 0.2
    # Two quick answers in the same conversation: both change the conversation's state, and overlap.
    responses = await asyncio.gather(
        client.post("/api/messages", json=message(service_url, "ja")),
        client.post("/api/messages", json=message(service_url, "ja")),
    )
    assert [response.status for response in responses] == [201, 201]
    texts = standin.texts()
    assert not any(text.startswith("Något gick fel") for text in texts)
    assert any("EU:s program" in text for text in texts)
    assert any("totalbudget" in text for text in texts)
