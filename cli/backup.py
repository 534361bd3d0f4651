"""`python -m cli backup FILE` and `python -m cli restore FILE [--yes]`: the database to a file and back.

SQLite: a consistent copy of the database file, taken while Lotsen may run (cli/backup_sqlite.py).
PostgreSQL: a `pg_dump --format=custom` archive, restored with `pg_restore` (cli/backup_postgres.py).

A restore replaces everything in the database. It checks the file first (a Lotsen backup at a migration revision
this version knows) and without --yes only says what it would restore. It needs Lotsen stopped, every instance:
it refuses while Lotsen has the database open. After it, the migrations bring an older backup to head.
Each command says what it wrote or restored and counts the main tables' rows; an error is one line, exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli import backup_postgres, backup_sqlite
from cli.backup_check import BackupError, check_revision, count_line, row_counts
from cli.command import Command
from cli.output import fail
from settings import Settings
from storage.db import DatabaseUnavailable, normalise_database_url
from storage.migrate import current_revision, upgrade


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="where to write the backup (replaced if it exists)")


def _restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a file written by `backup`")
    parser.add_argument("--yes", action="store_true",
                        help="replace the database's contents (without it: only check the file and say what)")


def _where(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)


async def _backup_sqlite(settings: Settings, database_url: str, file: Path) -> str:
    database = backup_sqlite.database_file(database_url)
    _not_itself(file, database)
    revision = _lotsen_revision(await asyncio.to_thread(backup_sqlite.revision, database), str(database))
    await asyncio.to_thread(backup_sqlite.backup, database, file)
    counts = await asyncio.to_thread(backup_sqlite.row_counts, file)
    return f"backup written: {file} (SQLite {database}, migration revision {revision})\n{count_line(counts)}"


def _not_itself(file: Path, database: Path) -> None:
    if file.resolve() == database.resolve():
        raise BackupError(f"{file} is the database itself: name another file")


def _lotsen_revision(revision: str | None, where: str) -> str:
    """A backup is made of any Lotsen database, a newer version's too; one never migrated is none."""
    if revision is None:
        raise BackupError(f"{where} is not a Lotsen database (never migrated: run `python app.py migrate`)")
    return revision


async def _backup_postgresql(settings: Settings, database_url: str, file: Path) -> str:
    timeouts = settings.database_timeouts.for_migrations()
    revision = _lotsen_revision(await current_revision(database_url), _where(database_url))
    connection = backup_postgres.libpq_connection(database_url, settings.database_connect_timeout)
    major = await backup_postgres.server_major_version(database_url, timeouts)
    pg_dump = backup_postgres.find_tool("pg_dump", major)
    await asyncio.to_thread(backup_postgres.dump, connection, pg_dump, file)
    counts = await row_counts(database_url, timeouts)
    return (f"backup written: {file} (PostgreSQL database {connection.database}, migration revision {revision})\n"
            f"{count_line(counts)} (in the database just after the backup)")


def _stop_first(file: Path, revision: str, counts: dict[str, int] | None, where: str) -> str:
    holds = f" ({count_line(counts)})" if counts is not None else ""
    return (f"{file} is a Lotsen backup at migration revision {revision}{holds}. Restoring replaces everything in "
            f"{where}: stop Lotsen (every instance), then run again with --yes. Nothing was changed.")


async def _restore_sqlite(settings: Settings, database_url: str, file: Path, yes: bool) -> str:
    database = backup_sqlite.database_file(database_url)
    _not_itself(file, database)
    revision = check_revision(await asyncio.to_thread(backup_sqlite.revision, file), str(file))
    counts = await asyncio.to_thread(backup_sqlite.row_counts, file)
    if not yes:
        raise BackupError(_stop_first(file, revision, counts, str(database)))
    await asyncio.to_thread(backup_sqlite.restore, file, database)
    return await _after_restore(settings, database_url, file, revision, f"SQLite {database}")


async def _restore_postgresql(settings: Settings, database_url: str, file: Path, yes: bool) -> str:
    timeouts = settings.database_timeouts.for_migrations()
    connection = backup_postgres.libpq_connection(database_url, settings.database_connect_timeout)
    major = await backup_postgres.server_major_version(database_url, timeouts)
    pg_restore = backup_postgres.find_tool("pg_restore", major)
    archive = await asyncio.to_thread(backup_postgres.read_archive, pg_restore, connection, file)
    revision = check_revision(archive.revision, str(file))
    if not yes:
        raise BackupError(_stop_first(file, revision, None, f"the database {connection.database}"))
    if sessions := await backup_postgres.other_lotsen_sessions(database_url, timeouts):
        raise BackupError(f"Lotsen has {sessions} connection(s) open to the database {connection.database}: stop "
                          "every instance and run the restore again. Nothing was changed.")
    psql = backup_postgres.find_tool("psql", major)
    await asyncio.to_thread(backup_postgres.restore, connection, pg_restore, psql, file, archive)
    return await _after_restore(settings, database_url, file, revision, f"PostgreSQL database {connection.database}")


async def _after_restore(settings: Settings, database_url: str, file: Path, revision: str, where: str) -> str:
    """Migrates the restored database to this version's head; what the operator is told."""
    await upgrade(database_url)
    counts = await row_counts(database_url, settings.database_timeouts.for_migrations())
    return (f"restored {file} into {where} (backup at migration revision {revision}, now migrated to head)\n"
            f"{count_line(counts)}")


def _run(settings: Settings, work: Callable[[Settings, str], Awaitable[str]]) -> int:
    """Runs `work` on the normalised DATABASE_URL; prints what it says, or why it stopped (exit status 1)."""
    try:
        print(asyncio.run(work(settings, normalise_database_url(settings.database_url))))
    except BackupError as error:
        return fail(str(error), 1)
    except DatabaseUnavailable as error:
        return fail(f"cannot reach the database {_where(settings.database_url)}: {error.reason}", 1)
    except (DBAPIError, OSError, sqlite3.Error, ValueError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        return fail(f"{type(error).__name__}: {reason[0] if reason else 'no message'} "
                    f"(database {_where(settings.database_url)})", 1)
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    backup = _backup_sqlite if settings.is_sqlite else _backup_postgresql
    return _run(settings, lambda settings, url: backup(settings, url, args.file))


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    restore = _restore_sqlite if settings.is_sqlite else _restore_postgresql
    return _run(settings, lambda settings, url: restore(settings, url, args.file, args.yes))


BACKUP = Command("backup", "write the database to a file (SQLite: a copy; PostgreSQL: pg_dump)", _backup,
                 _backup_arguments)
RESTORE = Command("restore", "replace the database with a backup (Lotsen stopped; --yes)", _restore,
                  _restore_arguments)
