"""When a turn's replies are marked delivered (bot/turns.py): on PostgreSQL at once, before the conversation's lock is
let go; on SQLite, where one instance serves the database, with the next turn's transaction, on their own a moment
later when no turn comes, and when Lotsen stops. Driven over HTTP as Teams drives the bot; the marks are read from the
database itself."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

import bot.turns
from storage.db import create_engine
from storage.models import TurnReplies
from storage.turns import conversation_key
from tests.support.activities import message
from tests.support.bot_process import BotProcess

REPEATED = "Mitt förra svar kom kanske inte fram"


async def _delivered(database_url: str, user_id: str) -> bool:
    """Whether the conversation's last replies are marked delivered in the database."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            key = conversation_key("msteams", f"a:conversation-{user_id}")
            at = (await connection.execute(select(TurnReplies.delivered_at)
                                           .where(TurnReplies.conversation_key == key))).scalar_one()
            return at is not None
    finally:
        await engine.dispose()


async def _say(client, service_url: str, text: str, user_id: str) -> None:
    response = await client.post("/api/messages", json=message(service_url, text, user_id=user_id))
    assert response.status == 201


def _texts(standin) -> list[str]:
    return [received.activity.get("text") or "" for received in standin.received]


async def test_on_sqlite_the_next_turn_writes_the_mark_and_nothing_is_shown_again(start_app, connector, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setattr(bot.turns, "DELIVERY_MARK_DELAY_SECONDS", 3600.0)  # only turns and the stop write marks here
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/lotsen.db"
    client = await start_app(database_url=database_url, auto_migrate=True)

    await _say(client, service_url, "hej", "29:anna")
    assert standin.received, "Anna was answered"
    assert not await _delivered(database_url, "29:anna")  # known in the process, not yet written

    await _say(client, service_url, "hej", "29:bo")  # another conversation's turn carries Anna's mark
    assert await _delivered(database_url, "29:anna")
    assert not await _delivered(database_url, "29:bo")

    shown_before = len(standin.received)
    await _say(client, service_url, "hjälp", "29:bo")  # Bo's next message: his last replies count as delivered
    assert not any(REPEATED in text for text in _texts(standin)[shown_before:])

    await client.close()  # Lotsen stops: what is only known in the process is written
    assert await _delivered(database_url, "29:bo")


async def test_on_sqlite_a_mark_no_turn_carries_is_written_on_its_own(start_app, connector, tmp_path, monkeypatch):
    monkeypatch.setattr(bot.turns, "DELIVERY_MARK_DELAY_SECONDS", 0.01)
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/lotsen.db"
    client = await start_app(database_url=database_url, auto_migrate=True)
    await _say(client, service_url, "hej", "29:anna")
    for _ in range(500):  # waits for the background write, however slow the machine
        if await _delivered(database_url, "29:anna"):
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the delivery mark was never written")


async def test_on_sqlite_a_mark_lost_with_the_process_shows_the_replies_again(connector, tmp_path):
    """Lotsen is killed (SIGKILL, a real process) right after its replies went out, before their mark was written (it
    waits DELIVERY_MARK_DELAY_SECONDS for a turn to carry it): the next message gets them again, as after any delivery
    Lotsen cannot be sure of; what was shown and what is stored still agree."""
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/lotsen.db"
    bot_process = await BotProcess(database_url, tmp_path).start()
    try:
        assert await bot_process.post(message(service_url, "hej", user_id="29:anna")) == 201
        bot_process.kill()
    finally:
        await bot_process.stop()
    assert not await _delivered(database_url, "29:anna")

    restarted = await BotProcess(database_url, tmp_path).start()
    try:
        shown_before = len(standin.received)
        assert await restarted.post(message(service_url, "hjälp", user_id="29:anna")) == 201
        assert any(REPEATED in text for text in _texts(standin)[shown_before:])
    finally:
        await restarted.stop()


@pytest.mark.parametrize("database_backend", ["postgresql"])  # SQLite defers the mark (the tests above)
async def test_on_postgresql_the_mark_is_written_before_the_turn_ends(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    await _say(client, service_url, "hej", "29:anna")
    assert await _delivered(database_url, "29:anna")
