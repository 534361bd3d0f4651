"""One transaction a turn, and one turn at a time per conversation, across every instance.

`TurnSessions` is what dialogs and commands are given in place of a bare `async_sessionmaker`. Outside a
turn (the scheduler, the command line, botbuilder's TestAdapter) `begin()` and `()` open transactions and
sessions of their own, as a sessionmaker does. Inside a turn both hand out the turn's one session: whatever
the turn changes (bot state, a draft, an application, its history) commits together or not at all, and no
code path needs a second pooled connection while it holds the first.

`serialised(key)` keeps the turns of one conversation apart: an asyncio lock within the process and, on
PostgreSQL, a session-level advisory lock on the connection the turn uses, held until the turn's replies are
delivered and recorded. A second instance's turn for the same conversation waits for it, then reads the
state the first one committed. SQLite serves one instance (README), so the process lock is enough there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

# How long a turn waits for the same conversation's turn on another instance before it gives up.
CONVERSATION_LOCK_WAIT_SECONDS = 30
LOCK_POLL_SECONDS = 0.02

_current_turn: ContextVar[_TurnScope | None] = ContextVar("lotsen_turn", default=None)


def conversation_lock_key(key: str) -> int:
    """A stable signed 64-bit number for `key`, the argument PostgreSQL's advisory locks take."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "big", signed=True)


@dataclass
class _TurnScope:
    session: AsyncSession
    after_commit: list[Callable[[], None]] = field(default_factory=list)


class SerialisedTurn:
    """The lock of one conversation, held; `transaction()` opens the turn's transactions under it."""

    def __init__(self, sessions: TurnSessions, connection: AsyncConnection | None) -> None:
        self._sessions = sessions
        self._connection = connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction, committed when the block ends normally and rolled back when it raises; inside it
        every `TurnSessions.begin()` and `()` yields this session. Callbacks given to `after_commit` run
        only once the commit has succeeded."""
        if self._connection is not None:
            session = AsyncSession(bind=self._connection, expire_on_commit=False)
        else:
            session = self._sessions.factory()
        scope = _TurnScope(session)
        token = _current_turn.set(scope)
        try:
            async with self._sessions.writer_gate(), session:
                async with session.begin():
                    yield session
        finally:
            _current_turn.reset(token)
        for callback in scope.after_commit:
            callback()


class TurnSessions:
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self.factory = factory
        engine = factory.kw.get("bind")
        if not isinstance(engine, AsyncEngine):
            raise TypeError("TurnSessions needs a sessionmaker bound to an AsyncEngine")
        self.engine: AsyncEngine = engine
        self._uses_advisory_locks = engine.dialect.name == "postgresql"
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # SQLite has one writer at a time, and a waiting writer polls with sleeps (busy_timeout): turns that
        # queue here instead wait without polling and take the write lock at once when it is their turn.
        self._sqlite_turns = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @property
    def single_instance(self) -> bool:
        """SQLite: one instance serves the database (README), so what this process knows no other process needs."""
        return self._sqlite_turns is not None

    def writer_gate(self) -> contextlib.AbstractAsyncContextManager[object]:
        """One turn transaction at a time on SQLite; nothing on PostgreSQL, where rows lock, not the database."""
        return self._sqlite_turns if self._sqlite_turns is not None else contextlib.nullcontext()

    @asynccontextmanager
    async def serialised(self, key: str) -> AsyncIterator[SerialisedTurn]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            if not self._uses_advisory_locks:
                yield SerialisedTurn(self, None)
                return
            async with self.engine.connect() as connection:
                number = conversation_lock_key(key)
                await _wait_for_advisory_lock(connection, number)
                await connection.commit()
                try:
                    yield SerialisedTurn(self, connection)
                finally:
                    await _unlock(connection, number)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        scope = _current_turn.get()
        if scope is None:
            async with self.factory.begin() as session:
                yield session
            return
        yield scope.session
        # Written now, so that a constraint fails here, where its cause is, and later reads see the change.
        await scope.session.flush()

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        scope = _current_turn.get()
        if scope is None:
            async with self.factory() as session:
                yield session
            return
        yield scope.session



async def _wait_for_advisory_lock(connection: AsyncConnection, number: int) -> None:
    """Polls `pg_try_advisory_lock` rather than blocking in `pg_advisory_lock`: waiting for another instance's
    turn of this conversation (its replies included) may take longer than the statement, lock and command
    timeouts that bound ordinary statements (storage/db.py), and a poll never holds a statement open."""
    deadline = asyncio.get_running_loop().time() + CONVERSATION_LOCK_WAIT_SECONDS
    while True:
        got = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": number})
        if got:
            return
        if asyncio.get_running_loop().time() > deadline:
            waited = CONVERSATION_LOCK_WAIT_SECONDS
            raise TimeoutError(f"the conversation's turn on another instance took over {waited} s")
        await asyncio.sleep(LOCK_POLL_SECONDS)


def after_commit(callback: Callable[[], None]) -> None:
    """Runs `callback` once the current turn has committed (at once outside a turn): for caches that must
    not remember what a rolled-back turn wrote."""
    scope = _current_turn.get()
    if scope is None:
        callback()
    else:
        scope.after_commit.append(callback)


async def _unlock(connection: AsyncConnection, number: int) -> None:
    if connection.closed or connection.invalidated:
        return  # the server drops a lost connection's advisory locks itself
    try:
        if connection.in_transaction():
            await connection.rollback()
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": number})
        await connection.commit()
    except Exception:
        # A connection that cannot even unlock is not given back to the pool with the lock still held.
        await connection.invalidate()
        raise
