"""Fifty officials at once on one instance: every one is answered, none is told that something went wrong."""

from __future__ import annotations

import asyncio

from tests.support.activities import message

USERS = 50


async def test_fifty_users_at_once_are_all_answered(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    standin.delay_seconds = 0.05  # a connector that takes its time, as Teams' does

    async def official(number: int) -> int:
        response = await client.post("/api/messages", json=message(
            service_url, "Måste vi informera KS om en EU-ansökan på 14 miljoner där vi är projektägare?",
            user_id=f"29:official-{number}", user_name=f"Tjänsteperson {number}"))
        return response.status

    statuses = await asyncio.gather(*(official(number) for number in range(USERS)))
    assert statuses == [201] * USERS
    answered = {item.conversation_id for item in standin.received}
    assert answered == {f"a:conversation-29:official-{number}" for number in range(USERS)}
    assert not any(text.startswith("Något gick fel") for text in standin.texts())
