"""Brings a database up to date: Alembic migrations to head, then the organisations seed.

    python -m storage.migrate [--url URL]      (default: $DATABASE_URL, else ./data/lotsen.db)

Works from any working directory; safe to run again (and, on PostgreSQL, from two processes at once).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import logging
import os
import re
import sys
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import DatabaseTimeouts, create_engine, create_session_factory
from storage.organisations import seed_organisations

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (about 0.1 s of imports, its script templates among them) is imported only to migrate: the server's
# start-up and its readiness probe need only the head revision, read off the scripts, and the database's, read
# off its alembic_version table.

MIGRATIONS_PATH = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps
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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    return config


def head_revision() -> str | None:
    """The head of storage/migrations: read off the scripts' `revision` and `down_revision` lines when they are
    plain (one line each, one head, no branch labels or dependencies), else asked of Alembic."""
    return _plain_head(MIGRATIONS_PATH / "versions") or _alembic_head()


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# `name = value` or `name: annotation = value` at the start of a line, the value a literal on that line.
_ASSIGNMENT = re.compile(r"^(revision|down_revision|branch_labels|depends_on)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def _plain_head(versions: Path) -> str | None:
    """The one head of the scripts in `versions`; None when a script says more than revision and down_revision
    (or says them otherwise), so that Alembic, which knows every form, decides."""
    parents: dict[str, tuple[str, ...]] = {}
    for script in versions.glob("*.py"):
        if script.name.startswith("_"):
            continue
        try:
            fields = {name: ast.literal_eval(value)
                      for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8"))}
        except (ValueError, SyntaxError):
            return None
        revision, down = fields.get("revision"), fields.get("down_revision")
        if (not isinstance(revision, str) or revision in parents or fields.get("branch_labels") is not None
                or fields.get("depends_on") is not None):
            return None
        if down is None or isinstance(down, str):
            parents[revision] = () if down is None else (down,)
        elif isinstance(down, tuple) and all(isinstance(d, str) for d in down):
            parents[revision] = down
        else:
            return None
    children = {parent for downs in parents.values() for parent in downs}
    heads = [revision for revision in parents if revision not in children]
    return heads[0] if len(heads) == 1 and children <= set(parents) else None


def database_revision(connection: Connection) -> str | None:
    """The revision the database on `connection` is at (None: never migrated), as Alembic records it."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revisions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return ", ".join(sorted(revisions)) or None  # several rows only for several heads, which this code never has


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = create_engine(database_url, timeouts=_MIGRATION_TIMEOUTS)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(database_revision)
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection, config: Config) -> None:
    from alembic import command

    config.attributes["connection"] = connection
    with _thread_lock:
        command.upgrade(config, "head")


async def upgrade(database_url: str, *, organisations_path: Path | str | None = None) -> None:
    """Migrates to head and adds missing organisations (from `organisations_path`, default the packaged file)."""
    engine = create_engine(database_url, timeouts=_MIGRATION_TIMEOUTS)
    try:
        async with _loop_lock():
            # At head already (every start but a new version's first): nothing for Alembic to do, so it is not
            # loaded. On its own connection: the migration's must run no statement before env.py takes its lock.
            async with engine.connect() as connection:
                at_head = await connection.run_sync(database_revision) == head_revision()
            if not at_head:
                async with engine.begin() as connection:
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
