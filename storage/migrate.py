"""Brings a database up to date: Alembic migrations to head, then the organisations seed.

    python -m storage.migrate [--url URL]      (default: $DATABASE_URL, else ./data/lotsen.db)

Works from any working directory; safe to run again (and, on PostgreSQL, from two processes at once).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import threading
import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import DatabaseTimeouts, create_engine, create_session_factory
from storage.organisations import seed_organisations

MIGRATIONS_PATH = Path(__file__).parent / "migrations"
# Same default as settings.DEFAULT_DATABASE_URL (storage/ does not import the application's settings).
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/lotsen.db"

logger = logging.getLogger(__name__)
# A migration may take longer than a turn's statements may, and waits for another migrator's advisory lock.
_MIGRATION_TIMEOUTS = DatabaseTimeouts().for_migrations()

# Alembic keeps the running migration's context in a module global, so two upgrades in one process must not
# overlap: one lock per event loop for coroutines, and one for threads with their own loops. Between
# processes, PostgreSQL serialises migrators with an advisory lock (see migrations/env.py).
_thread_lock = threading.Lock()
_loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _loop_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _loop_locks.get(loop)
    if lock is None:
        lock = _loop_locks[loop] = asyncio.Lock()
    return lock


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = create_engine(database_url, timeouts=_MIGRATION_TIMEOUTS)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync_connection: MigrationContext.configure(sync_connection).get_current_revision()
            )
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    with _thread_lock:
        command.upgrade(config, "head")


async def upgrade(database_url: str, *, organisations_path: Path | str | None = None) -> None:
    """Migrates to head and adds missing organisations (from `organisations_path`, default the packaged file)."""
    engine = create_engine(database_url, timeouts=_MIGRATION_TIMEOUTS)
    try:
        async with _loop_lock(), engine.begin() as connection:
            await connection.run_sync(_upgrade_on, alembic_config())
        async with create_session_factory(engine).begin() as session:
            added = await seed_organisations(session, organisations_path)
        if added:
            logger.info("Added %d organisation(s)", added)
    finally:
        await engine.dispose()


def upgrade_sync(database_url: str, *, organisations_path: Path | str | None = None) -> None:
    """`upgrade` for synchronous callers (command line, scripts); not from inside a running event loop."""
    asyncio.run(upgrade(database_url, organisations_path=organisations_path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--organisations", type=Path, default=None, help="organisations YAML file to seed from")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    upgrade_sync(arguments.url, organisations_path=arguments.organisations)
    print(f"Database is at revision {head_revision()}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
