"""SQL statements per kind of turn, counted at the driver: a count, not a time (speed is bench/'s).

A turn reads what it needs and writes in one transaction; its replies are marked delivered once they are out, on
PostgreSQL at once, on SQLite with the next turn's transaction (bot/turns.py DeliveryMarks): each kind of turn below
writes the mark of the turn before it, and a new conversation's first turn has none to write. Nothing is written when
nothing changed. These figures are held here, so that a change that
adds a round trip to every turn fails a test and has to say why. Counted over HTTP, as Teams drives the bot,
on SQLite and PostgreSQL, where a turn also takes and gives back its conversation's advisory lock.
"""

from __future__ import annotations

import pytest

from tests.support.sql_statements import KINDS_OF_TURN, count_turn

# Per kind of turn and database: the statements by kind. PostgreSQL adds the conversation's advisory lock
# (taken and given back: two SELECTs) and the pool's ping of a connection taken from it (SELECT 1).
EXPECTED = {
    "sqlite": {
        # Last replies, bot state (the conversation's and the user's, one statement), the policy-teaching
        # generation; the previous turn's replies marked delivered, the activity claimed, the replies recorded. The
        # bot state is not written: nothing in it changed.
        "policy question": {"SELECT": 3, "INSERT": 2, "UPDATE": 1},
        # Also the user read for the draft and the bot state written (the dialog moved on); a question other
        # than the organisation's reads no organisations.
        "registration answer": {"SELECT": 3, "INSERT": 3, "UPDATE": 2},
        "help": {"SELECT": 2, "INSERT": 2, "UPDATE": 1},
        # Also the user and the conversation reference recorded; the bot state, not there yet, is read once; no
        # earlier turn's mark to write.
        "first turn": {"SELECT": 2, "INSERT": 5},
    },
    "postgresql": {
        "policy question": {"SELECT": 5, "INSERT": 2, "UPDATE": 1},
        "registration answer": {"SELECT": 5, "INSERT": 3, "UPDATE": 2},
        "help": {"SELECT": 4, "INSERT": 2, "UPDATE": 1},
        "first turn": {"SELECT": 4, "INSERT": 5, "UPDATE": 1},
    },
}


# Commits per kind of turn. SQLite: the turn's one transaction. PostgreSQL: the advisory lock taken and given back, the
# turn, the mark.
COMMITS = {
    "sqlite": {"policy question": 1, "registration answer": 1, "help": 1, "first turn": 1},
    "postgresql": {"policy question": 4, "registration answer": 4, "help": 4, "first turn": 4},
}


@pytest.mark.parametrize("kind", KINDS_OF_TURN, ids=lambda kind: kind.name)
async def test_statements_of_each_kind_of_turn_are_held(kind, start_app, connector, database_url, database_backend):
    from app import ENGINE_KEY, NOTICE_OUTBOX_KEY

    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    # The notice outbox looks for pending notices at start-up and then on its own clock; whether that look fell inside
    # the counted turn was a matter of timing. It is stopped (after its first look) so that only the turn is counted.
    await client.app[NOTICE_OUTBOX_KEY].stop()

    async def post(body):
        response = await client.post("/api/messages", json=body)
        assert response.status == 201

    counted = await count_turn(kind, client.app[ENGINE_KEY], service_url, post)
    assert dict(counted.kinds) == EXPECTED[database_backend][kind.name]
    assert counted.commits == COMMITS[database_backend][kind.name]
    assert standin.received, "the counted turn was answered"
