"""`python -m cli unanswered`, run as operators run it: a separate process on a SQLite file made by migrating
and adding unanswered questions, 👎 answers and clarifications."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import AnswerFeedback, Clarification, UnansweredQuestion
from storage.policy_learning import record_clarification, record_clarification_choice, record_feedback, teach
from storage.questions import record_unanswered_question
from storage.users import Role
from tests.support.cli_process import run_cli
from tests.support.people import make_user

# 08:00 UTC is 10:00 in Malmö in May (summer time).
BASE = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)


async def _seed(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            coordinator = await make_user(session, "29:karin", "Karin KS", None, Role.KS_COORDINATOR)
            await teach(session, question="Vänorter?", normalised="vanorter", topic="partner_cities",
                        actor=coordinator)
            await record_unanswered_question(session, "Hur söker jag bygglov för ett garage?", "sv")
            await record_unanswered_question(session, "Var är parkeringen?\x1b[2J\nrad två", "sv")
            await record_feedback(session, answer_ref="a-1", question="Vem beslutar om vänorter?",
                                  topic="partner_cities", lang="sv", helpful=False)
            await record_feedback(session, answer_ref="a-2", question="Who decides?", topic=None, lang="en",
                                  helpful=False)
            await record_feedback(session, answer_ref="a-3", question="Bra svar", topic="ks_role", lang="sv",
                                  helpful=True)
            await record_clarification(session, ref="c-1", question="Måste vi informera KS?",
                                       offered=["eu_routine", "ks_role"], lang="sv")
            await record_clarification_choice(session, ref="c-1", chosen="eu_routine")
            await record_clarification(session, ref="c-2", question="Budget?", offered=["eu_routine"], lang="en")
            # One day apart, in the order added: the newest is the last one of each kind.
            for days, match in enumerate(("Hur%", "Var%")):
                await session.execute(update(UnansweredQuestion).where(UnansweredQuestion.text.like(match))
                                      .values(asked_at=BASE + timedelta(days=days)))
            for days, ref in enumerate(("a-1", "a-2", "a-3")):
                await session.execute(update(AnswerFeedback).where(AnswerFeedback.answer_ref == ref)
                                      .values(created_at=BASE + timedelta(days=days)))
            for days, ref in enumerate(("c-1", "c-2")):
                await session.execute(update(Clarification).where(Clarification.ref == ref)
                                      .values(asked_at=BASE + timedelta(days=days)))
    finally:
        await engine.dispose()


async def test_three_lists_newest_first_with_language_and_date(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    await _seed(database_url)
    status, output, errors = await run_cli(database_url, tmp_path, "unanswered")
    assert status == 0, errors
    assert output.splitlines() == [
        "Obesvarade frågor",
        "2026-05-05 10:00  [sv]  Var är parkeringen?\ufffd[2J rad två",
        "2026-05-04 10:00  [sv]  Hur söker jag bygglov för ett garage?",
        "",
        "Dåliga svar (👎)",
        "2026-05-05 10:00  [en]  Who decides?  (ämne: -)",
        "2026-05-04 10:00  [sv]  Vem beslutar om vänorter?  (ämne: partner_cities)",
        "",
        "Osäkra frågor",
        "2026-05-05 10:00  [en]  Budget?  (erbjudna: eu_routine; valt: inget val)",
        "2026-05-04 10:00  [sv]  Måste vi informera KS?  (erbjudna: eu_routine, ks_role; valt: eu_routine)",
    ]
    # Nobody's identity is shown (the only person in the database taught a question).
    assert "Karin" not in output and "29:" not in output and "\x1b" not in output

    status, output, errors = await run_cli(database_url, tmp_path, "unanswered", "--limit", "1")
    assert status == 0, errors
    assert [line for line in output.splitlines() if line[:1].isdigit()] == [
        "2026-05-05 10:00  [sv]  Var är parkeringen?\ufffd[2J rad två",
        "2026-05-05 10:00  [en]  Who decides?  (ämne: -)",
        "2026-05-05 10:00  [en]  Budget?  (erbjudna: eu_routine; valt: inget val)",
    ]

    status, output, errors = await run_cli(database_url, tmp_path, "unanswered", "--limit", "0")
    assert (status, output) == (2, "")
    assert "--limit must be at least 1" in errors


async def test_empty_lists_say_so(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    await upgrade(database_url)
    status, output, errors = await run_cli(database_url, tmp_path, "unanswered")
    assert status == 0, errors
    assert output.splitlines() == [
        "Obesvarade frågor", "(inga)", "", "Dåliga svar (👎)", "(inga)", "", "Osäkra frågor", "(inga)",
    ]
