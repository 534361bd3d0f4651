"""`python -m cli unanswered`: for kommunstyrelsens förvaltning to review what officials ask that the policy
does not answer, the answers they marked 👎, and the questions Lotsen was unsure about with the topic they chose.
Newest first; no identities are kept for any of them, so none can be shown."""

from __future__ import annotations

import argparse
import asyncio
import sys

from cli.command import Command
from cli.database import database_session
from cli.output import local_minute
from settings import Settings
from storage.policy_learning import list_bad_answers, list_clarifications
from storage.questions import list_unanswered_questions
from storage.user_text import terminal_line


def _arguments(unanswered: argparse.ArgumentParser) -> None:
    unanswered.add_argument("--limit", type=int, default=50, help="how many of each (default 50)")


def _print_section(heading: str, lines: list[str]) -> None:
    print(heading)
    for line in lines or ["(inga)"]:
        print(line)


async def _print_unanswered(settings: Settings, limit: int) -> int:
    """The three lists, `limit` each."""
    if limit < 1:
        print("--limit must be at least 1, e.g. --limit 100", file=sys.stderr)
        return 2
    async with database_session(settings) as session:
        questions = await list_unanswered_questions(session, limit)
        bad_answers = await list_bad_answers(session, limit)
        clarifications = await list_clarifications(session, limit)
    _print_section("Obesvarade frågor", [
        f"{local_minute(question.asked_at)}  [{question.lang}]  {terminal_line(question.text)}"
        for question in questions
    ])
    print()
    _print_section("Dåliga svar (👎)", [
        f"{local_minute(answer.created_at)}  [{answer.lang}]  {terminal_line(answer.question)}"
        f"  (ämne: {terminal_line(answer.topic or '-')})"
        for answer in bad_answers
    ])
    print()
    _print_section("Osäkra frågor", [
        f"{local_minute(clarification.asked_at)}  [{clarification.lang}]  {terminal_line(clarification.question)}"
        f"  (erbjudna: {terminal_line(', '.join(clarification.offered) or '-')};"
        f" valt: {terminal_line(clarification.chosen) if clarification.chosen else 'inget val'})"
        for clarification in clarifications
    ])
    return 0


def _unanswered(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_print_unanswered(settings, args.limit))


UNANSWERED = Command("unanswered", "unanswered questions, answers marked 👎 and unsure questions, newest first",
                     _unanswered, _arguments)
