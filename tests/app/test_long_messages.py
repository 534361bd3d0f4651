"""The bounded cost of one message, over HTTP as Teams sends it: a pasted document is answered "för lång" while
other conversations go on, a question longer than the policy answers is told so, the policy answer runs off
the event loop, and card forms with long fields are not refused.

No test here measures time (bench/long_messages.py does): they assert what was answered, and in which order.
"""

from __future__ import annotations

import asyncio
import json
import threading

import dialogs.policy_questions.answers
from bot.message_limits import MAX_MESSAGE_CHARACTERS, too_long_reply
from dialogs.policy_questions.answers import max_question_length, question_too_long_reply
from tests.app.test_registration_http import FORM
from tests.support.activities import channel_mention, message

# Twice a handshake with the event loop should ever need; only a blocked loop makes it run out.
LOOP_HANDSHAKE_TIMEOUT_SECONDS = 60


def _conversation(standin, conversation_id: str) -> list[dict]:
    return [item.activity for item in standin.received if item.conversation_id == conversation_id]


def _card_json(activity: dict) -> str:
    return json.dumps([attachment["content"] for attachment in activity.get("attachments") or []],
                      ensure_ascii=False)


def _utf8(body: dict) -> bytes:
    """The body as Teams sends it: UTF-8, not \\u-escaped."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _text_of_bytes(size: int) -> str:
    text = ("Här är hela vår projektansökan, vad säger policyn om den? " * (size // 40)).encode("utf-8")[:size]
    return text.decode("utf-8", errors="ignore")


async def test_a_200_kb_message_is_answered_too_long_while_another_conversation_gets_help(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    long_body = message(service_url, _text_of_bytes(200 * 1024), user_id="29:anna", conversation_id="a:anna")
    help_body = message(service_url, "hjälp", user_id="29:bo", user_name="Bo Berg", conversation_id="a:bo")

    headers = {"Content-Type": "application/json"}
    long_response, help_response = await asyncio.gather(
        client.post("/api/messages", data=_utf8(long_body), headers=headers),
        client.post("/api/messages", data=_utf8(help_body), headers=headers))

    assert (long_response.status, help_response.status) == (201, 201)
    [refusal] = _conversation(standin, "a:anna")
    assert refusal["text"] == too_long_reply("sv")
    assert "5 000 tecken" in refusal["text"] and "Dela gärna upp det" in refusal["text"]
    [welcome] = _conversation(standin, "a:bo")
    assert "Hej! Jag är Lotsen" in _card_json(welcome)


async def test_the_refusal_speaks_the_users_language_in_a_channel_too(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    body = channel_mention(service_url, "x" * (MAX_MESSAGE_CHARACTERS + 1), locale="en-US")
    response = await client.post("/api/messages", json=body)
    assert response.status == 201
    assert standin.texts() == [too_long_reply("en")]
    assert "5,000 characters" in standin.texts()[0]


async def test_a_message_at_the_limit_is_read(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "hjälp" + " " * (MAX_MESSAGE_CHARACTERS - 5)))
    assert "Hej! Jag är Lotsen" in _card_json(standin.activities[0])


async def test_a_question_longer_than_the_policy_answers_is_told_so_and_a_shorter_one_answered(start_app,
                                                                                               connector):
    standin, service_url = connector
    client = await start_app()
    question = " Måste vi informera kommunstyrelsen om vår EU-ansökan?"
    background = "Vi har arbetat länge med projektet tillsammans med våra partner. "

    padding = (background * 100)[: max_question_length() - len(question)].rstrip() + "."
    too_long = padding.ljust(max_question_length() + 1 - len(question), ".") + question
    await client.post("/api/messages", json=message(service_url, too_long))
    assert standin.texts() == [question_too_long_reply("sv")]
    assert "högst 1 000 tecken" in standin.texts()[0]

    standin.clear()
    await client.post("/api/messages", json=message(service_url, too_long[-max_question_length():]))
    assert "§ 4.1" in _card_json(standin.activities[0]) or "4.1" in _card_json(standin.activities[0])


async def test_the_event_loop_serves_others_while_a_question_is_being_answered(start_app, connector, monkeypatch,
                                                                                database_url, database_backend):
    """The policy answer runs in a worker thread. While it is in progress (held there until the other request
    is done), the event loop serves another request: on PostgreSQL a whole turn of another conversation; on
    SQLite the health check, because there one turn's transaction holds the single write lock until it
    commits, so another conversation's turn waits for the question's turn anyway. Were the answer on the event
    loop, the other request could not run until the answer returned, and the handshake would run out instead."""
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    answering_threads: list[int] = []
    other_request: list[int] = []
    real_answer = dialogs.policy_questions.answers.answer

    async def other() -> int:
        if database_backend == "sqlite":
            return (await client.get("/healthz")).status
        help_body = message(service_url, "hjälp", user_id="29:bo", user_name="Bo Berg", conversation_id="a:bo")
        return (await client.post("/api/messages", json=help_body)).status

    def answer_while_another_request_runs(*args, **kwargs):
        answering_threads.append(threading.get_ident())
        handshake = asyncio.run_coroutine_threadsafe(other(), loop)
        other_request.append(handshake.result(timeout=LOOP_HANDSHAKE_TIMEOUT_SECONDS))
        return real_answer(*args, **kwargs)

    monkeypatch.setattr(dialogs.policy_questions.answers, "answer", answer_while_another_request_runs)
    worst_case = ("Vi är projektägare, budget 12 000 000 kr, tio tio tio " * 40)[: max_question_length()]
    response = await client.post("/api/messages", json=message(service_url, worst_case, conversation_id="a:anna"))

    assert response.status == 201 and other_request in ([200], [201])
    assert answering_threads and loop_thread not in answering_threads
    assert _conversation(standin, "a:anna")  # the question was answered
    if database_backend == "postgresql":
        # Bo's welcome reached Teams first, while Anna's answer was still being worked out.
        assert [item.conversation_id for item in standin.received][0] == "a:bo"


async def test_a_card_form_with_long_fields_is_not_refused(start_app, connector):
    """Card submissions carry their fields in the value, not as typed text: the registration checks them."""
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    description = ("Återbruk av byggmaterial i stadens fastigheter. " * 100)[:4000]
    standin.clear()
    await client.post("/api/messages", json=message(service_url, None, value={**FORM, "description": description}))
    review = _card_json(standin.activities[-1])
    assert "Stämmer det här?" in review and description[:60] in review
    assert too_long_reply("sv") not in standin.texts()
