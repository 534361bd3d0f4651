"""Engines and sessions for SQLite (development, small installations) and PostgreSQL (production).

Every repository function in `storage/` takes an `AsyncSession` from the caller: the caller opens one
transaction a turn (`async with session_factory.begin() as session: ...`) and passes it down.

SQLite keeps the driver's default transaction handling: the transaction starts at the first write, so
writes wait for the database's single write lock (busy_timeout) instead of failing on a stale snapshot; reads
before that first write see the latest committed data rather than one snapshot. PostgreSQL runs READ
COMMITTED. Code that must read-then-write atomically uses one statement (INSERT … ON CONFLICT, conditional
UPDATE), as the repositories here do.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 5000
PING_TIMEOUT_SECONDS = 3.0


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


def create_engine(url: str) -> AsyncEngine:
    """Creates the engine for a `sqlite+aiosqlite` or `postgresql+asyncpg` URL (other spellings normalised)."""
    parsed = make_url(normalise_database_url(url))
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, json_serializer=_dumps)
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        return engine
    return create_async_engine(
        parsed,
        json_serializer=_dumps,
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        pool_recycle=1800,
        pool_pre_ping=False,
        connect_args={
            "timeout": 10,
            "server_settings": {"application_name": "lotsen", "timezone": "UTC"},
        },
    )


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
