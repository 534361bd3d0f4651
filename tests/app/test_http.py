"""The app driven as Teams drives it: HTTP POSTs to /api/messages, replies read at the connector stand-in."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.db import create_engine
from storage.models import ConversationReferenceRecord, User
from tests.support.activities import activity, bot_added, channel_mention, message


def _card_texts(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_health_is_ok_with_a_reachable_database(start_app):
    client = await start_app()
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["database"] == "ok"


async def test_health_is_503_with_a_short_reason_when_the_database_is_gone(start_app):
    client = await start_app(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none", auto_migrate=False)
    response = await client.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "unavailable"
    assert body["reason"].startswith("database unreachable")
    assert "Traceback" not in json.dumps(body)


async def test_install_in_personal_chat_gets_the_swedish_welcome_card(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    response = await client.post("/api/messages", json=bot_added(service_url))
    assert response.status == 201
    [card] = standin.cards()
    assert card["body"][0]["text"] == "Hej! Jag är Lotsen"
    titles = [action["title"] for action in card["actions"]]
    assert "Hjälp" in titles
    # Buttons send their text as if typed, as plain data (Teams' imBack is dead in Agents Playground).
    assert all(action["data"]["action"] == "send_text" for action in card["actions"])


async def test_a_welcome_button_pressed_does_what_its_text_typed_does(start_app, connector):
    """Teams and Agents Playground post a button's data as the message's value, with no text: "Registrera
    EU-ansökan" starts the registration as "registrera ansökan" typed does, and "Hjälp" shows the welcome again."""
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=bot_added(service_url))
    [welcome] = standin.cards()
    pressed = {action["title"]: action["data"] for action in welcome["actions"]}
    standin.clear()
    response = await client.post("/api/messages", json=activity(service_url, value=pressed["Hjälp"]))
    assert response.status == 201
    [card] = standin.cards()
    assert card["body"][0]["text"] == "Hej! Jag är Lotsen"
    replies = {}
    for how, fields in (("typed", {"text": pressed["Registrera EU-ansökan"]["text"]}),
                        ("pressed", {"value": pressed["Registrera EU-ansökan"]})):
        standin.clear()
        await client.post("/api/messages", json=activity(service_url, conversation_id=f"a:{how}", **fields))
        replies[how] = [(reply.activity.get("text"), [attachment["content"]["body"][0]
                                                      for attachment in reply.activity.get("attachments") or []])
                        for reply in standin.received]
    assert replies["pressed"][0][0].startswith("Fyll i formuläret")  # the registration, with its form
    assert replies["pressed"] == replies["typed"]


async def test_welcome_is_in_english_for_an_english_locale(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=bot_added(service_url, locale="en-US"))
    [card] = standin.cards()
    assert card["body"][0]["text"] == "Hi! I'm Lotsen"


async def test_help_shows_the_welcome_card_again(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    for command in ("hjälp", "Hjalp!", "help"):
        standin.clear()
        response = await client.post("/api/messages", json=message(service_url, command))
        assert response.status == 201
        [card] = standin.cards()
        assert "Lotsen" in card["body"][0]["text"]


async def test_mention_in_a_channel_is_removed_before_the_command_is_read(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    response = await client.post("/api/messages", json=channel_mention(service_url, "hjälp"))
    assert response.status == 201
    [card] = standin.cards()
    assert "@Lotsen hjälp" in _card_texts(card)  # the channel hint is shown in channels
    assert standin.received[0].conversation_id == "19:channel@thread.tacv2"


async def test_installing_in_a_team_says_hello_without_the_personal_card(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=bot_added(service_url, conversation_type="channel"))
    assert standin.cards() == []
    assert "Lotsen" in standin.texts()[0]


async def test_every_turn_records_the_user_and_the_conversation_reference(start_app, connector, tmp_path):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/tracked.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "hjälp", user_id="29:berit", user_name="Berit"))
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            user = (await connection.execute(select(User).where(User.teams_user_id == "29:berit"))).one()
            reference = (await connection.execute(select(ConversationReferenceRecord))).one()
    finally:
        await engine.dispose()
    assert user.name == "Berit"
    assert user.locale == "sv-SE"
    assert reference.conversation_id == "a:conversation-29:berit"
    assert reference.service_url == service_url
    assert reference.reference["serviceUrl"] == service_url
    assert reference.user_id == user.id


async def test_a_failed_turn_tells_the_user_in_swedish(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    standin.fail_with = [500]  # the connector refuses the bot's first reply: the turn fails
    response = await client.post("/api/messages", json=message(service_url, "hjälp"))
    assert response.status == 201
    [apology] = standin.texts()
    assert apology.startswith("Något gick fel")
    assert "sparat" in apology


async def test_unanswered_questions_can_be_listed_for_review(start_app, connector, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/questions.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "Hur söker jag bygglov för ett garage?"))
    result = subprocess.run(
        [sys.executable, "-m", "cli", "unanswered"], capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2], env={**os.environ, "DATABASE_URL": database_url},
    )
    assert result.returncode == 0, result.stderr
    assert "[sv]  Hur söker jag bygglov för ett garage?" in result.stdout
    assert "29:anna" not in result.stdout and "Anna" not in result.stdout
