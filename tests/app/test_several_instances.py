"""Two instances of Lotsen (`python app.py` twice) on one PostgreSQL database, as behind a load balancer
without session affinity: the turns of one conversation are serialised across them, and an activity that
Teams delivers twice has one effect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Application
from tests.support.activities import message
from tests.support.bot_process import BotProcess

pytestmark = pytest.mark.parametrize("database_backend", ["postgresql"])  # SQLite serves one instance

FORM = {
    "action": "registration_form", "project_name": "Cirkulära Malmö", "description": "Återbruk av byggmaterial.",
    "programme": "life", "programme_other": "", "call_identifier": "LIFE-2027-CIRC",
    "organisation_slug": "servicenamnden", "malmo_role": "owner", "total_budget": "14 500 000 kr",
    "malmo_share": "", "planned_submission_date": "2027-03-01", "call_deadline": "2027-03-15",
    "expected_decision_date": "", "project_start": "2027-09-01", "project_end": "2029-08-31",
    "contact_name": "Anna Andersson", "aligned_with_policy": "true", "decision_anchored": "true",
    "decision_reference": "SN-2026-77",
}


@pytest.fixture
async def two_instances(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, BotProcess]]:
    first = await BotProcess(database_url, tmp_path).start()
    second = await BotProcess(database_url, tmp_path).start()
    try:
        yield first, second
    finally:
        await first.stop()
        await second.stop()


def _save_key(standin) -> str:
    for activity in reversed(standin.activities):
        for attachment in activity.get("attachments") or []:
            for action in attachment["content"].get("actions", []):
                if action.get("data", {}).get("action") == "registration_save":
                    return action["data"]["submission_key"]
    raise AssertionError("no review card was shown")


async def _count_applications(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(select(func.count()).select_from(Application))).scalar_one()
    finally:
        await engine.dispose()


async def test_save_pressed_twice_on_two_instances_saves_once_and_fails_no_one(
        two_instances, connector, database_url):
    first, second = two_instances
    standin, service_url = connector
    await first.post(message(service_url, "registrera ansökan"))
    await second.post(message(service_url, None, value=FORM))
    save = {"action": "registration_save", "submission_key": _save_key(standin)}
    standin.clear()
    standin.delay_seconds = 0.3  # each turn is still delivering its replies when the other press arrives
    statuses = await asyncio.gather(first.post(message(service_url, None, value=save)),
                                    second.post(message(service_url, None, value=save)))
    assert statuses == [201, 201]
    assert await _count_applications(database_url) == 1
    # What the chat shows (a card's notification preview, its `summary`, repeats its first text: left out).
    shown = json.dumps([{key: value for key, value in activity.items() if key != "summary"}
                        for activity in standin.activities], ensure_ascii=False)
    assert "Något gick fel" not in shown
    assert shown.count("är registrerad") == 1  # one receipt, and the other press is told it is saved
    assert "redan sparad" in shown


async def test_two_answers_at_once_on_two_instances_are_answered_in_turn(two_instances, connector):
    first, second = two_instances
    standin, service_url = connector
    await first.post(message(service_url, "registrera ansökan"))
    await first.post(message(service_url, "en fråga i taget"))
    assert "Vad heter projektet" in standin.texts()[-1]
    standin.clear()
    standin.delay_seconds = 0.3
    statuses = await asyncio.gather(first.post(message(service_url, "Cirkulära Malmö")),
                                    second.post(message(service_url, "Återbruk av byggmaterial.")))
    assert statuses == [201, 201]
    texts = standin.texts()
    shown = [json.dumps(activity, ensure_ascii=False) for activity in standin.activities]  # cards too
    assert not any(text.startswith("Något gick fel") for text in texts)
    # One answered the name, the other the description: the next question is the programme (a dropdown card in
    # Teams), asked once.
    assert sum("Beskriv kort projektet" in text for text in texts) == 1
    assert sum("Vilket EU-program" in activity for activity in shown) == 1
    assert "Vilket EU-program" in shown[-1]


async def test_an_activity_delivered_twice_has_one_effect(two_instances, connector):
    first, second = two_instances
    standin, service_url = connector
    await first.post(message(service_url, "registrera ansökan"))
    await first.post(message(service_url, "en fråga i taget"))
    standin.clear()
    answer = message(service_url, "Cirkulära Malmö")  # Teams times out and sends the same activity again
    statuses = await asyncio.gather(first.post(answer), second.post(answer))
    assert statuses == [201, 201]
    await second.post(answer)
    assert [text for text in standin.texts() if text] == [
        text for text in standin.texts() if "Beskriv kort projektet" in text]
    assert len(standin.texts()) == 1
    await second.post(message(service_url, "Återbruk av byggmaterial."))
    # The description was filed as the description: the programme is asked (a dropdown card in Teams).
    assert "Vilket EU-program" in json.dumps(standin.activities[-1], ensure_ascii=False)


async def test_a_turn_waits_for_a_slow_turn_on_the_other_instance_longer_than_a_statement_may_take(
        two_instances, connector):
    first, second = two_instances
    standin, service_url = connector
    await first.post(message(service_url, "registrera ansökan"))
    await first.post(message(service_url, "en fråga i taget"))
    standin.clear()
    standin.delay_seconds = 3.5  # longer than DATABASE_LOCK_TIMEOUT (3 s): the wait must not count as one lock
    statuses = await asyncio.gather(first.post(message(service_url, "Cirkulära Malmö")),
                                    second.post(message(service_url, "Återbruk av byggmaterial.")))
    assert statuses == [201, 201]
    assert not any(text.startswith("Något gick fel") for text in standin.texts())
    assert "Vilket EU-program" in json.dumps(standin.activities[-1], ensure_ascii=False)  # the programme's card
