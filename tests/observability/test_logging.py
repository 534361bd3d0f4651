"""Log lines as the app writes them when it serves: one JSON object a line, the turn's ids on each line logged
during a turn, the user only as a keyed hash, the turn's duration on its closing line, and never what was written."""

from __future__ import annotations

import io
import json
import logging

from observability.logging_setup import configure_logging
from observability.turn_context import hash_user, observed_turn, set_user_hash_key
from settings import Settings
from tests.support.activities import message

SECRET_WORDS = "Gröna tak i Rosengård, budget 14 miljoner"


def _turn_body(**fields) -> dict:
    body = {"type": "message", "id": "activity-7", "from": {"id": "29:anna"}, "conversation": {"id": "a:chat-1"}}
    body.update(fields)
    return body


def test_a_line_logged_during_a_turn_carries_its_ids_and_the_users_hash(captured_log):
    set_user_hash_key("the instances' shared secret")
    with observed_turn(_turn_body()) as outcome:
        logging.getLogger("lotsen.test").warning("looked up %d applications", 3)
        outcome.status = 201
    looked_up, finished = captured_log.lines()
    assert looked_up["message"] == "looked up 3 applications"
    assert looked_up["level"] == "WARNING" and looked_up["logger"] == "lotsen.test"
    assert looked_up["activity_id"] == "activity-7" and looked_up["conversation_id"] == "a:chat-1"
    assert looked_up["user"] == hash_user("29:anna") and len(looked_up["user"]) == 16
    assert "29:anna" not in captured_log.text
    assert finished["message"] == "turn finished" and finished["status"] == 201
    assert finished["activity_type"] == "message" and finished["duration_ms"] >= 0
    assert finished["activity_id"] == "activity-7" and finished["user"] == looked_up["user"]


def test_the_users_hash_depends_on_the_shared_secret():
    set_user_hash_key("one secret")
    first = hash_user("29:anna")
    assert hash_user("29:anna") == first and hash_user("29:bertil") != first
    set_user_hash_key("another secret")
    assert hash_user("29:anna") != first


def test_outside_a_turn_a_line_has_no_turn_fields_and_an_exception_its_traceback(captured_log):
    with observed_turn(_turn_body()):
        pass
    try:
        raise RuntimeError("the connector said no")
    except RuntimeError:
        logging.getLogger("lotsen.test").exception("could not post")
    line = captured_log.lines()[-1]
    assert not {"activity_id", "conversation_id", "user"} & set(line)
    assert "RuntimeError: the connector said no" in line["exception"]


def test_a_turn_that_raises_is_logged_as_failed_with_its_ids(captured_log):
    try:
        with observed_turn(_turn_body(type="somethingNew")):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    [finished] = captured_log.lines()
    assert finished["status"] == 500 and finished["activity_type"] == "other"
    assert finished["conversation_id"] == "a:chat-1"


def test_a_malformed_body_gives_a_turn_without_ids(captured_log):
    for body in (["not", "an", "activity"], {"type": ["message"], "id": 7, "conversation": "a:chat", "from": None}):
        with observed_turn(body):
            logging.getLogger("lotsen.test").info("refused")
    lines = captured_log.lines()
    assert [line["message"] for line in lines] == ["refused", "turn finished"] * 2
    assert not any({"activity_id", "conversation_id", "user"} & set(line) for line in lines)
    assert lines[-1]["activity_type"] == "other"


def test_the_level_comes_from_the_settings_and_the_text_format_keeps_the_turn_fields():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        configure_logging(Settings(_env_file=None, LOG_LEVEL="warning").log_level, "json", stream)
        logging.getLogger("lotsen.test").info("not shown")
        logging.getLogger("lotsen.test").warning("shown")
        assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == ["shown"]
        text = io.StringIO()
        configure_logging("INFO", "text", text)
        with observed_turn(_turn_body()):
            logging.getLogger("lotsen.test").info("in a turn")
        first = text.getvalue().splitlines()[0]
        assert first.endswith(f"INFO lotsen.test: in a turn [activity_id=activity-7 conversation_id=a:chat-1 "
                              f"user={hash_user('29:anna')}]")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_log_format_is_read_from_the_settings():
    assert Settings(_env_file=None).log_format is None
    assert Settings(_env_file=None, LOG_FORMAT="text").log_format == "text"
    assert Settings(_env_file=None, LOG_FORMAT="json").log_format == "json"


async def test_a_message_over_http_logs_its_turn_as_json_without_its_text(start_app, connector, captured_log):
    standin, service_url = connector
    client = await start_app()
    body = message(service_url, f"Måste jag informera KS om {SECRET_WORDS}?", user_id="29:cecilia",
                   conversation_id="a:personal-chat-7")
    response = await client.post("/api/messages", json=body)
    assert response.status == 201
    assert standin.received  # the bot answered
    lines = captured_log.lines()  # every line is one JSON object
    [finished] = [line for line in lines if line["message"] == "turn finished"]
    assert finished["activity_id"] == body["id"] and finished["conversation_id"] == body["conversation"]["id"]
    assert finished["user"] == hash_user("29:cecilia") and finished["status"] == 201
    assert isinstance(finished["duration_ms"], float)
    for words in (SECRET_WORDS, "Rosengård", "14 miljoner", "29:cecilia"):
        assert words not in captured_log.text


def test_an_id_cannot_forge_a_log_line(captured_log):
    forged = 'a:chat\n2026-12-06 INFO lotsen.app: "admin logged in"'
    with observed_turn(_turn_body(conversation={"id": forged}, id="x" * 1000)):
        logging.getLogger("lotsen.test").info("in a turn")
    line = captured_log.lines()[0]
    assert line["conversation_id"] == 'a:chat2026-12-06 INFO lotsen.app: "admin logged in"'
    assert line["activity_id"] == "x" * 200
