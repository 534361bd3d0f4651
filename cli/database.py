"""Running a command that reads the database, so that one which is down or not migrated yet is one line on
stderr (exit 1), not a traceback."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.output import fail
from settings import Settings
from storage.db import create_engine, create_session_factory

Reading = Callable[[Settings, argparse.Namespace], Awaitable[int]]


def run_reading(command: Reading, settings: Settings, args: argparse.Namespace) -> int:
    try:
        return asyncio.run(command(settings, args))
    except (DBAPIError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        return fail(f"cannot read the database {where}: {reason} (is it up, and migrated with "
                    f"`python -m cli migrate`?)", 1)


@asynccontextmanager
async def database_sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on an engine of their own, disposed of afterwards: a command runs once and exits."""
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def database_session(settings: Settings, *, write: bool = False) -> AsyncIterator[AsyncSession]:
    """One session for a command; `write`: one transaction, committed when the command's work is done."""
    async with database_sessions(settings) as sessions:
        async with (sessions.begin() if write else sessions()) as session:
            yield session
