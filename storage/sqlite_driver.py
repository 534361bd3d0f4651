"""aiosqlite with at most one thread hop a statement instead of four, and most statements without any.

aiosqlite runs every sqlite3 call on the connection's own thread and waits for it from the event loop; each
such hop wakes that thread and hands the GIL back and forth, and costs far more than the statement itself
(a turn's statements take microseconds in SQLite). SQLAlchemy's aiosqlite adapter makes four hops for one
statement: open a cursor, execute, fetch the rows, close the cursor; and a commit or a rollback hops even when
no transaction is open (the pool rolls back every connection it is given back).

`OneHopConnection` is aiosqlite's connection whose cursors do all of a statement in one call (execute, read the
rows, note the row count, close), and whose commit and rollback do nothing when sqlite3 has no transaction
open. SQLAlchemy gets it through `create_async_engine(async_creator=…)` (storage/db.py); what it runs and the
results it sees are the same as with aiosqlite's own cursors.

The hop exists so that a statement that *waits* does not stop the event loop. In WAL mode (storage/db.py) the
one wait is for the database's single write lock, which sqlite3 takes at the first write of a transaction (its
implicit BEGIN is deferred). So a statement runs in place, on the event loop, when it cannot wait: a SELECT,
and every statement of a transaction that has written already (it holds the lock; its commit and rollback
too). Any other statement (a transaction's first write, DDL) is tried in place without waiting for the lock;
when another connection holds it, that attempt is undone (it was the transaction's first statement) and the
statement goes to the connection's thread, to wait there as it always did. A turn makes no hop unless
another writer is at work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

_NO_PARAMETERS: tuple[Any, ...] = ()
_Result = tuple[Sequence[Any] | None, int, int | None, list[Any]]


class OneHopCursor:
    """The part of aiosqlite's cursor that SQLAlchemy uses; rows are read with the statement."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Sequence[Any] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneHopCursor:
        self._take(await self._connection.run(sql, parameters or _NO_PARAMETERS, False))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneHopCursor:
        self._take(await self._connection.run(sql, list(parameters), True))
        return self

    def _take(self, result: _Result) -> None:
        self.description, self.rowcount, self.lastrowid, self._rows = result

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


def _reads_only(sql: str) -> bool:
    """A plain SELECT or a PRAGMA that only reads a setting: it takes no lock that another connection's writer could
    hold (WAL), so never waits."""
    return sql.lstrip()[:6].upper() == "SELECT" or (_is_pragma(sql) and _is_setting_read(sql))


def _is_setting_read(sql: str) -> bool:
    return "=" not in sql and not any(word in sql.lower() for word in _PRAGMAS_THAT_MAY_WAIT)


def _is_pragma(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "PRAGMA"


# PRAGMAs that take locks (and so may wait for another connection): they go to the thread like a first write.
_PRAGMAS_THAT_MAY_WAIT = ("wal_checkpoint", "optimize", "incremental_vacuum", "integrity_check", "quick_check")


def _execute(raw: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Result:
    """The whole statement, as aiosqlite's cursor would do it in four calls."""
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _pragma(raw: sqlite3.Connection, pragma: str) -> Any:
    cursor = raw.execute(f"PRAGMA {pragma}")
    try:
        row = cursor.fetchone()
        return row[0] if row else None
    finally:
        cursor.close()


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY


class OneHopConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        # As SQLAlchemy's own aiosqlite dialect does: a connection nobody closed must not keep the process alive.
        self._thread.daemon = True
        # The wait for the write lock the connection was configured with (storage/db.py), read on first need.
        self._busy_timeout_ms: int | None = None

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection, used one statement at a time: on the connection's thread or in place."""
        return self._conn

    async def run(self, sql: str, parameters: Any, many: bool) -> _Result:
        """One statement: in place when it cannot wait for the write lock, else tried in place without waiting
        and, when the lock is taken, on the connection's thread (see the module's docstring)."""
        raw = self._conn
        if raw.in_transaction or (not many and _reads_only(sql)):
            return _execute(raw, sql, parameters, many)
        if _is_pragma(sql):
            # Run with the connection's own busy_timeout: trying it with none would change what it sets or reads.
            return await self._execute(_execute, raw, sql, parameters, many)
        result = self._run_unless_busy(raw, sql, parameters, many)
        if result is not None:
            return result
        return await self._execute(_execute, raw, sql, parameters, many)

    def _run_unless_busy(self, raw: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Result | None:
        """The statement in place, or None (and nothing done) when another connection holds the write lock."""
        if self._busy_timeout_ms is None:
            self._busy_timeout_ms = int(_pragma(raw, "busy_timeout"))
        _pragma(raw, "busy_timeout=0")
        try:
            return _execute(raw, sql, parameters, many)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            # It was the transaction's first statement (none had written): undone, it leaves nothing behind.
            if raw.in_transaction:
                raw.rollback()
            return None
        finally:
            _pragma(raw, f"busy_timeout={self._busy_timeout_ms}")

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        # A cursor costs nothing to make: its sqlite3 cursor lives only for the statement.
        return OneHopCursor(self)

    async def commit(self) -> None:
        # In WAL mode a commit holds the write lock already and waits for nothing: done in place.
        raw = self._conn
        if raw.in_transaction:
            raw.commit()

    async def rollback(self) -> None:
        raw = self._conn
        if raw.in_transaction:
            raw.rollback()


async def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """What `aiosqlite.connect` does, with the connection above; SQLAlchemy passes it the same arguments."""
    kwargs.pop("loop", None)

    # Opened on the connection's thread and used from the event loop's too, never by both at once: SQLAlchemy
    # awaits each statement of a connection before it sends the next.
    kwargs["check_same_thread"] = False

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    return await OneHopConnection(connector, 64)
