"""A turn is atomic with what the user saw: Lotsen is killed (SIGKILL, a real process) at the moment a reply
reaches the connector, started again on the same database, and the user answers what was last shown.
Every field must end right: no answer is ever filed under a question the user was not answering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage.db import create_engine
from storage.models import Application
from tests.support.activities import message
from tests.support.bot_process import BotProcess
from tests.support.connector_standin import ConnectorStandIn, Received

# What Anna answers, by the beginning of the question Lotsen shows (the registration one question at a time).
ANSWERS = {
    "Vad heter projektet": "Cirkulära Malmö",
    "Beskriv kort projektet": "Återbruk av byggmaterial i stadens fastigheter.",
    "Vilket EU-program": "LIFE",
    "Vilken utlysning": "LIFE-2027-CIRC",
    "Vilken nämnd eller vilket bolag": "Servicenämnden",
    "Är Malmö stad projektägare": "projektägare",
    "Vilken är projektets totalbudget": "15 000 000 kr",
    "Hur stor är Malmö stads andel": "4 000 000 kr",
    "När planerar ni att lämna in": "2027-03-01",
    "När är sista ansökningsdag": "2027-03-15",
    "När väntas beslut": "2027-06-30",
    "När startar projektet": "2027-09-01",
    "När slutar projektet": "2029-08-31",
    "Vem är kontaktperson": "jag",
    "Ligger projektet i linje": "ja",
    "Har nämnden fattat beslut": "ja",
    "Vilket diarienummer": "SN-2026-77",
    "Stämmer det här?": "spara",
}
REVIEW = "Stämmer det här?"
SAVED = "är registrerad"


def _shown(received: Received) -> str:
    """What one reply shows: its text and its cards' JSON."""
    activity = received.activity
    return (activity.get("text") or "") + json.dumps(activity.get("attachments") or [], ensure_ascii=False)


def _answer_to_last_question(standin: ConnectorStandIn) -> str | None:
    """The answer to the newest question on the screen; None once the receipt is the newest thing shown."""
    for received in reversed(standin.received):
        shown = _shown(received)
        if SAVED in shown:
            return None
        for question, answer in ANSWERS.items():
            if question in shown:
                return answer
    raise AssertionError("no question has been shown")


def _killer(bot: BotProcess, trigger: str, standin: ConnectorStandIn):
    """Kills the bot when the first reply showing `trigger` arrives, before the bot hears that it arrived."""
    def on_receive(received: Received) -> None:
        if trigger in _shown(received):
            standin.on_receive = None
            bot.kill()
    return on_receive


async def _register_with_a_crash(database_url: str, tmp_path: Path, standin: ConnectorStandIn, service_url: str,
                                 trigger: str) -> None:
    bot = await BotProcess(database_url, tmp_path).start()
    try:
        standin.on_receive = _killer(bot, trigger, standin)
        await bot.post(message(service_url, "registrera ansökan"))
        await bot.post(message(service_url, "en fråga i taget"))  # typed: the questions come one at a time
        for _ in range(60):
            if standin.on_receive is None:
                break  # killed
            answer = _answer_to_last_question(standin)
            assert answer is not None, "saved before the kill point"
            await bot.post(message(service_url, answer))
        assert standin.on_receive is None, f"never showed {trigger!r}"
    finally:
        await bot.stop()

    restarted = await BotProcess(database_url, tmp_path).start()
    try:
        for _ in range(60):
            answer = _answer_to_last_question(standin)
            if answer is None:
                break
            assert await restarted.post(message(service_url, answer)) == 201
        else:
            raise AssertionError("the registration never ended")
    finally:
        await restarted.stop()


async def _applications(database_url: str) -> list[Application]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(select(Application))).all())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("trigger", [
    "Vilket EU-program",               # the reply to the project's description
    "Hur stor är Malmö stads andel",   # the reply to the total budget (15 MSEK must not become the share)
    "Vilket diarienummer",             # the reply to "ja" (the diarienummer must not become "spara")
    REVIEW,                            # the review card
    SAVED,                             # the receipt: the application is saved once
])
async def test_every_field_ends_right_when_killed_as_a_reply_arrives(database_url, tmp_path, connector, trigger):
    standin, service_url = connector
    await _register_with_a_crash(database_url, tmp_path, standin, service_url, trigger)
    [application] = await _applications(database_url)
    assert application.project_name == "Cirkulära Malmö"
    assert application.call_identifier == "LIFE-2027-CIRC"
    assert (application.total_budget_minor, application.total_budget_currency) == (15_000_000_00, "SEK")
    assert (application.malmo_share_minor, application.malmo_share_currency) == (4_000_000_00, "SEK")
    assert str(application.planned_submission_date) == "2027-03-01"
    assert str(application.project_end) == "2029-08-31"
    assert application.decision_reference == "SN-2026-77"
    assert application.information_item_required is True  # 15 MSEK: the informationsärende is not lost


async def _rename_table(database_url: str, old: str, new: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))
    finally:
        await engine.dispose()


async def test_after_a_failed_turn_the_pending_question_is_asked_again(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, "en fråga i taget"))
    await client.post("/api/messages", json=message(service_url, "Cirkulära Malmö"))
    assert "Beskriv kort projektet" in standin.texts()[-1]
    # The draft cannot be saved: the turn fails, and nothing of it may be kept.
    await _rename_table(database_url, "registration_drafts", "registration_drafts_away")
    standin.clear()
    await client.post("/api/messages", json=message(service_url, "Återbruk av byggmaterial."))
    texts = standin.texts()
    assert texts[0].startswith("Något gick fel")
    assert texts[1] == "Här är frågan jag väntar svar på igen:"
    assert "Beskriv kort projektet" in texts[2]
    await _rename_table(database_url, "registration_drafts_away", "registration_drafts")
    await client.post("/api/messages", json=message(service_url, "Återbruk av byggmaterial."))  # the retry
    # Filed as the description, and the dialog goes on: the programme's question (a dropdown card in Teams).
    assert standin.cards()[-1]["body"][0]["text"] == "Vilket EU-program eller vilken fond söker ni från?"
