"""SQL statements counted at the driver, by kind of turn: what tests/app/test_statements_per_turn.py holds and
bench/statements.py prints. Each kind of turn is one message after the set-up that brings the conversation to
where that kind of turn happens (a policy question whose facts the conversation already knows, the second
question of a registration typed one question at a time, a new user's first message, help)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.activities import message


class StatementCounter:
    """Every statement the engine sends, by its first word (SELECT, INSERT, …), and the commits."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.commits = 0

    def _statement(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        self.kinds[statement.split(None, 1)[0].upper()] += 1

    def _commit(self, conn: Any) -> None:
        self.commits += 1

    @property
    def statements(self) -> int:
        return sum(self.kinds.values())


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    sync_engine = engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", counter._statement)
    event.listen(sync_engine, "commit", counter._commit)
    try:
        yield counter
    finally:
        event.remove(sync_engine, "before_cursor_execute", counter._statement)
        event.remove(sync_engine, "commit", counter._commit)


@dataclass(frozen=True)
class KindOfTurn:
    name: str
    user: str
    setup: tuple[str, ...]
    counted: str


KINDS_OF_TURN = (
    KindOfTurn("policy question", "29:asks", ("Måste vi informera KS om vår EU-ansökan för Gröna hamnar?", "ja",
                                              "8 miljoner kronor"),
               "Måste vi informera KS om vår EU-ansökan för Blå hamnar?"),
    KindOfTurn("registration answer", "29:registers", ("registrera ansökan", "Jag skriver hellre", "Gröna hamnar"),
               "Vi vill ställa om hamnens färjetrafik till el tillsammans med Köpenhamn."),
    KindOfTurn("help", "29:helped", ("hej",), "hjälp"),
    KindOfTurn("first turn", "29:new", (), "hej"),
)

Post = Callable[[dict[str, Any]], Awaitable[None]]


async def count_turn(kind: KindOfTurn, engine: AsyncEngine, service_url: str, post: Post) -> StatementCounter:
    """Sends the set-up, then counts the statements of the turn that is measured."""
    for text in kind.setup:
        await post(message(service_url, text, user_id=kind.user))
    with counting(engine) as counter:
        await post(message(service_url, kind.counted, user_id=kind.user))
    return counter
