"""What the readiness probe asks: does the database answer, and is its schema the one this code was built for
(its Alembic revision the head of storage/migrations)? An instance that is not ready is taken out of the load
balancer until it is, rather than restarted: restarting every instance does not bring a database back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import DatabaseUnavailable, ping
from storage.migrate import database_revision


@dataclass(frozen=True)
class Readiness:
    ready: bool
    body: dict[str, Any]


async def check_readiness(engine: AsyncEngine, expected_revision: str | None, timeout: float) -> Readiness:
    try:
        await ping(engine, timeout=timeout)
        revision = await _current_revision(engine, timeout)
    except DatabaseUnavailable as error:
        return _unavailable(f"database unreachable: {error.reason}")
    if revision != expected_revision:
        return _unavailable(f"database not migrated: at revision {revision or 'none'}, this version needs "
                            f"{expected_revision} (python -m cli migrate)", database="ok")
    return Readiness(True, {"status": "ok", "database": "ok", "revision": revision})


def _unavailable(reason: str, **fields: str) -> Readiness:
    return Readiness(False, {"status": "unavailable", **fields, "reason": reason})


async def _current_revision(engine: AsyncEngine, timeout: float) -> str | None:
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            return await connection.run_sync(database_revision)  # as Alembic records it, without loading Alembic
    except TimeoutError as error:
        raise DatabaseUnavailable(f"no answer within {timeout:g} s") from error
    except (DBAPIError, OSError) as error:
        raise DatabaseUnavailable(type(getattr(error, "orig", None) or error).__name__) from error
