"""The annual report, killed (SIGKILL, a real process) as a reply reaches the connector, at several points:
restarted on the same database, the official answers or presses what was shown last, and the report that
reaches kommunstyrelsen holds exactly what she gave."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import AnnualReport
from tests.support.annual_report_walk import YEAR, card_actions, seed_report_year
from tests.support.activities import message
from tests.support.bot_process import BotProcess
from tests.support.connector_standin import ConnectorStandIn, Received

SUBMITTED = "är inskickad"
# Typed answers, by the beginning of the question shown.
TYPED = {
    "Beskriv kort vad ni gjorde": "behåll",
    "Vilka resultat": "Tak på tolv skolor.",
    "verksamhetsplanen?": "ja",
    "Vem är nämndens kontaktperson": "jag",
    "Stämmer det?": "ja",
}
# Buttons, in the order they are preferred on one card.
BUTTONS = ("Skicka in", "Spara inriktning", "Nästa", "Inget att redovisa här")


def _shown(received: Received) -> str:
    activity = received.activity
    return (activity.get("text") or "") + json.dumps(activity.get("attachments") or [], ensure_ascii=False)


def _next_step(standin: ConnectorStandIn) -> tuple[str | None, dict[str, Any] | None] | None:
    """What Anna types or presses for the newest thing shown; None once the report is submitted."""
    for received in reversed(standin.received):
        activity = received.activity
        if SUBMITTED in _shown(received):
            return None
        for question, answer in TYPED.items():
            if question in (activity.get("text") or ""):
                return answer, None
        for attachment in reversed(activity.get("attachments") or []):
            actions = {action.get("title"): action.get("data") for action in card_actions(attachment["content"])}
            for title in BUTTONS:
                if title in actions:
                    data = dict(actions[title])
                    if title == "Spara inriktning":
                        data["focus_areas"] = "2a,2c"
                    return None, data
    raise AssertionError("nothing to answer has been shown")


def _killer(bot: BotProcess, trigger: str, standin: ConnectorStandIn):
    def on_receive(received: Received) -> None:
        if trigger in _shown(received):
            standin.on_receive = None
            bot.kill()
    return on_receive


async def _walk(bot: BotProcess, standin: ConnectorStandIn, service_url: str, *, stop_when_killed: bool) -> None:
    for _ in range(40):
        if stop_when_killed and standin.on_receive is None:
            return
        step = _next_step(standin)
        if step is None:
            return
        typed, value = step
        status = await bot.post(message(service_url, typed, value=value))
        assert stop_when_killed or status == 201
    raise AssertionError("the annual report never ended")


async def _report(database_url: str) -> AnnualReport:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.execute(
                select(AnnualReport).options(selectinload(AnnualReport.items)))).scalar_one()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("trigger", ["Vilka resultat", "Del 3 av 6", "verksamhetsplanen?",
                                     "Granska årsredovisningen", SUBMITTED])
async def test_the_report_ends_right_when_killed_as_a_reply_arrives(database_url, tmp_path: Path, connector,
                                                                     trigger):
    standin, service_url = connector
    await upgrade(database_url)
    await seed_report_year(database_url)
    bot = await BotProcess(database_url, tmp_path).start()
    try:
        standin.on_receive = _killer(bot, trigger, standin)
        await bot.post(message(service_url, f"årsredovisning {YEAR}"))
        await _walk(bot, standin, service_url, stop_when_killed=True)
        assert standin.on_receive is None, f"never showed {trigger!r}"
    finally:
        await bot.stop()
    restarted = await BotProcess(database_url, tmp_path).start()
    try:
        await _walk(restarted, standin, service_url, stop_when_killed=False)
    finally:
        await restarted.stop()
    report = await _report(database_url)
    assert report.status == "submitted"
    assert report.in_verksamhetsplan is True
    assert report.contact_name == "Anna Andersson"
    stored = json.dumps([{column: str(getattr(item, column)) for column in item.__table__.columns.keys()}
                         for item in report.items], ensure_ascii=False)
    assert "Tak på tolv skolor." in stored
    assert "Gröna tak på skolor." in stored  # the description kept ("behåll")
