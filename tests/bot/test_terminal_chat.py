"""The terminal chat talks to the real bot and database, and numbered choices act like the buttons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.assembly import build_bot
from bot.terminal_chat import TerminalAdapter, TerminalConversation
from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.policy_learning import list_bad_answers

ROOT = Path(__file__).resolve().parents[2]


async def test_numbered_choices_press_the_buttons(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path}/chat.db"
    await upgrade(database_url)
    engine = create_engine(database_url)
    output: list[str] = []
    try:
        services = build_bot(Settings(_env_file=None, database_url=database_url), create_session_factory(engine))
        adapter = TerminalAdapter(output.append)
        conversation = TerminalConversation(adapter, services.bot.on_turn, "29:chat", "Chatt", "sv-SE")
        await conversation.start()
        assert "Hej! Jag är Lotsen" in output[-1]
        assert "[6] Hjälp" in output[-1]  # six buttons: all that Teams shows in a row
        output.clear()
        await conversation.say("6")  # the help button: the same card again
        assert "Hej! Jag är Lotsen" in output[-1]
    finally:
        await engine.dispose()


async def test_an_answers_vote_stands_under_its_question_and_a_number_casts_it(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path}/chat.db"
    await upgrade(database_url)
    engine = create_engine(database_url)
    output: list[str] = []
    try:
        session_factory = create_session_factory(engine)
        services = build_bot(Settings(_env_file=None, database_url=database_url), session_factory)
        adapter = TerminalAdapter(output.append)
        conversation = TerminalConversation(adapter, services.bot.on_turn, "29:chat", "Chatt", "sv-SE")
        await conversation.say("Vem beslutar om nya partnerstäder?")
        lines = [line.strip() for line in output[-1].splitlines()]
        question = lines.index("Hjälpte svaret?")
        assert lines[question + 1:question + 3] == ["[1] 👍 Ja", "[2] 👎 Nej"]
        assert "[3] Visa policytext" in lines[question + 3:]  # the card's own buttons follow, numbered on
        output.clear()
        await conversation.say("2")
        assert output[-1].startswith("Lotsen: Tack för svaret!")
        async with session_factory() as session:
            [vote] = await list_bad_answers(session)
        assert vote.question == "Vem beslutar om nya partnerstäder?"
    finally:
        await engine.dispose()


def test_make_chat_runs_in_a_terminal_session(tmp_path):
    """`python -m cli chat` as a person uses it: lines typed on standard input, answers on standard output."""
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/chat.db", "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "chat"],
        input="hjälp\n6\navsluta\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Hej! Jag är Lotsen") >= 3  # on start, for "hjälp" and for choice 6
    assert "Hej då!" in result.stdout
    assert "Traceback" not in result.stderr
