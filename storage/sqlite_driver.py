"""aiosqlite with one thread hop a statement instead of four.

aiosqlite runs every sqlite3 call on the connection's own thread and waits for it from the event loop; each
such hop wakes that thread and hands the GIL back and forth, and costs far more than the statement itself
(a turn's statements take microseconds in SQLite). SQLAlchemy's aiosqlite adapter makes four hops for one
statement: open a cursor, execute, fetch the rows, close the cursor; and a commit or a rollback hops even when
no transaction is open (the pool rolls back every connection it is given back).

`OneHopConnection` is aiosqlite's connection whose cursors do all of a statement in one call on that thread
(execute, read the rows, note the row count, close), and whose commit and rollback do nothing when sqlite3 has
no transaction open. SQLAlchemy gets it through `create_async_engine(async_creator=…)` (storage/db.py); what
it runs and the results it sees are the same as with aiosqlite's own cursors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

_NO_PARAMETERS: tuple[Any, ...] = ()


class OneHopCursor:
    """The part of aiosqlite's cursor that SQLAlchemy uses; rows are read with the statement, in its hop."""

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
        raw = self._connection.raw
        result = await self._connection._execute(_execute, raw, sql, parameters or _NO_PARAMETERS, False)
        self._take(result)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneHopCursor:
        raw = self._connection.raw
        self._take(await self._connection._execute(_execute, raw, sql, parameters, True))
        return self

    def _take(self, result: tuple[Sequence[Any] | None, int, int | None, list[Any]]) -> None:
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


def _execute(raw: sqlite3.Connection, sql: str, parameters: Any,
             many: bool) -> tuple[Sequence[Any] | None, int, int | None, list[Any]]:
    """On the connection's thread: the whole statement, as aiosqlite's cursor would do it in four calls."""
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


class OneHopConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        # As SQLAlchemy's own aiosqlite dialect does: a connection nobody closed must not keep the process alive.
        self._thread.daemon = True

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection, to be used on the connection's thread only (inside `_execute`)."""
        return self._conn

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        # A cursor costs nothing to make: its sqlite3 cursor lives only for the statement, on the thread.
        return OneHopCursor(self)

    async def commit(self) -> None:
        if self.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self.in_transaction:
            await super().rollback()


async def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """What `aiosqlite.connect` does, with the connection above; SQLAlchemy passes it the same arguments."""
    kwargs.pop("loop", None)

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    return await OneHopConnection(connector, 64)
