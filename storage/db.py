"""Engines and sessions for SQLite (development, small installations) and PostgreSQL (production).

Every repository function in `storage/` takes an `AsyncSession` from the caller: the caller opens one
transaction a turn (`async with session_factory.begin() as session: ...`) and passes it down.

SQLite keeps the driver's default transaction handling: the transaction starts at the first write, so
writes wait for the database's single write lock (busy_timeout) instead of failing on a stale snapshot; reads
before that first write see the latest committed data rather than one snapshot. PostgreSQL runs READ
COMMITTED. Code that must read-then-write atomically uses one statement (INSERT … ON CONFLICT, conditional
UPDATE), as the repositories here do.

On PostgreSQL, `DatabaseTimeouts` bound every wait, so that a database that stops answering (a network
partition, a statement stuck behind a lock) fails the turn with a clear error within seconds instead of
holding it for minutes: the server cancels a statement or lock wait that takes too long, the driver gives up
on a server that says nothing at all, and a pooled connection is pinged before it is used.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 5000
PING_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long PostgreSQL work may take, in seconds. Settings (settings.py) may change each.

    `connect`: opening a connection (0: asyncpg's default, 60 s). `statement` and `lock`: the server's
    statement_timeout and lock_timeout, which cancel a statement with a message saying which (0: no limit).
    `command`: asyncpg's command_timeout, for a server that does not answer at all (0: no limit); longer than
    `statement`, so that a server that does answer says why itself, and `lock` shorter, so that a statement
    waiting for a lock says so. A turn's statements take milliseconds, and Teams waits about 15 s for a turn's
    answer: in a network partition the first turn fails after about `command` + 2 s (the pool's ping, then
    its goodbye to the connection) + `connect`, and later turns after `connect`.
    """

    connect: float = 5.0
    statement: float = 5.0
    lock: float = 3.0
    command: float = 8.0

    def for_migrations(self) -> "DatabaseTimeouts":
        """Only the connect timeout: a migration may rebuild a table, and waits for another migrator's lock."""
        return replace(self, statement=0, lock=0, command=0)

    def connect_args(self) -> dict[str, Any]:
        """asyncpg's `connect()` arguments for these timeouts."""
        args: dict[str, Any] = {
            "server_settings": {"statement_timeout": _milliseconds(self.statement),
                                "lock_timeout": _milliseconds(self.lock)},
        }
        if self.connect:
            args["timeout"] = self.connect
        if self.command:
            args["command_timeout"] = self.command
        return args


def _milliseconds(seconds: float) -> str:
    return str(round(seconds * 1000))


class DatabaseUnavailable(Exception):
    """The database could not be reached; `reason` is short enough for a health check response."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_database_url(url: str) -> str:
    """Maps the URL spellings people paste to the async drivers Lotsen uses.

    `postgres://`, `postgresql://` and `postgresql+<driver>://` become `postgresql+asyncpg://`
    (libpq's `sslmode=` becomes asyncpg's `ssl=`); `sqlite://` becomes `sqlite+aiosqlite://`.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
        if "sslmode" in parsed.query:
            query = dict(parsed.query)
            query.setdefault("ssl", query["sslmode"])
            del query["sslmode"]
            parsed = parsed.set(query=query)
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"Unsupported database URL scheme {parsed.drivername!r}: use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database)


def create_engine(url: str, *, timeouts: DatabaseTimeouts | None = None) -> AsyncEngine:
    """Creates the engine for a `sqlite+aiosqlite` or `postgresql+asyncpg` URL (other spellings normalised).

    `timeouts` apply to PostgreSQL (default: `DatabaseTimeouts()`); SQLite waits for its write lock for
    SQLITE_BUSY_TIMEOUT_MS and has nothing to time out on a network."""
    timeouts = timeouts or DatabaseTimeouts()
    parsed = make_url(normalise_database_url(url))
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, json_serializer=_dumps, async_creator=_one_hop_sqlite(parsed))
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        return engine
    engine = create_async_engine(
        parsed,
        json_serializer=_dumps,
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        pool_recycle=1800,
        # A connection the network has dropped since it was last used fails its ping (within `command`) and is
        # replaced, rather than failing the turn that happens to take it from the pool.
        pool_pre_ping=True,
        connect_args=_postgresql_connect_args(timeouts),
    )
    event.listen(engine.sync_engine, "handle_error", _explain_silence(timeouts.command))
    event.listen(engine.sync_engine, "do_connect", _connect_or_explain(timeouts.connect))
    _silent_ping_fails(engine.sync_engine.dialect)
    return engine


def _explain_silence(command_timeout: float) -> Callable[[ExceptionContext], BaseException | None]:
    """asyncpg gives up on a silent server with a bare TimeoutError; the turn's error says what happened."""

    def explain(context: ExceptionContext) -> BaseException | None:
        if not isinstance(context.original_exception, TimeoutError):
            return None
        context.is_disconnect = True  # the connection is not given back to the pool
        return DatabaseUnavailable(f"PostgreSQL gave no answer within {command_timeout:g} s "
                                   "(DATABASE_COMMAND_TIMEOUT)")

    return explain


def _silent_ping_fails(dialect: Any) -> None:
    """A pre-ping the server does not answer (asyncpg's TimeoutError) counts as a failed ping, as a refused one
    does: the pool drops its connections and opens a new one, which either works or says why it cannot."""
    ping = dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        try:
            return ping(dbapi_connection)
        except TimeoutError:
            return False

    dialect.do_ping = do_ping


def _connect_or_explain(connect_timeout: float) -> Callable[..., Any]:
    """Opens a connection as the dialect does; a server that does not answer in time is said to be so."""

    def connect(dialect: Any, _connection_record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except TimeoutError as error:
            raise DatabaseUnavailable(f"PostgreSQL did not answer a new connection within {connect_timeout:g} s "
                                      "(DATABASE_CONNECT_TIMEOUT)") from error

    return connect


def _postgresql_connect_args(timeouts: DatabaseTimeouts) -> dict[str, Any]:
    args = timeouts.connect_args()
    args["server_settings"] = {"application_name": "lotsen", "timezone": "UTC", **args["server_settings"]}
    return args


def _one_hop_sqlite(url: URL) -> Callable[[], Awaitable[sqlite_driver.OneHopConnection]]:
    """aiosqlite's connection with one thread hop a statement (storage/sqlite_driver.py), opened with the
    arguments SQLAlchemy's aiosqlite dialect would give it."""
    args, kwargs = url.get_dialect()().create_connect_args(url)

    async def connect() -> sqlite_driver.OneHopConnection:
        return await sqlite_driver.connect(*args, **kwargs)

    return connect


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers continue while one writer writes; busy_timeout makes a second writer wait for
        # the lock instead of failing at once with "database is locked".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def ping(engine: AsyncEngine, timeout: float = PING_TIMEOUT_SECONDS) -> None:
    """Runs `SELECT 1`; raises `DatabaseUnavailable` with a one-line reason when that fails or takes too long."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except TimeoutError as error:
        raise DatabaseUnavailable(f"no answer within {timeout:g} s") from error
    except (DBAPIError, OSError) as error:
        raise DatabaseUnavailable(_short_reason(error)) from error


def _short_reason(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    # asyncpg errors reach us wrapped by SQLAlchemy's adapter; the innermost one has the useful message.
    cause = cause.__cause__ or cause
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    reason = f"{type(cause).__name__}: {message}" if message else type(cause).__name__
    return reason[:200]
