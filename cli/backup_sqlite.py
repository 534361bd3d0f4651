"""Backup and restore of an SQLite database file.

Backup: sqlite3's online backup API copies one consistent snapshot while the app may be writing (it reads under a
shared lock, which WAL lets writers go on beside), into a file beside the target that is renamed over it when
complete, so a backup interrupted halfway leaves no half file under the target's name.

Restore: only while no process has the database open (the app stopped). That is checked, not assumed: switching
the live database out of WAL mode needs every other connection gone, and it also writes the WAL's last changes
into the file and removes the -wal and -shm files. The backup is copied beside the database, flushed to disk and
renamed over it in one step, so the database is either the old one or the restored one whatever moment the
process dies.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from cli.backup_check import BackupError, count_statements


def database_file(database_url: str) -> Path:
    """The file of a `sqlite+aiosqlite:///path` URL."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"DATABASE_URL names no SQLite file ({database or 'in memory'}): nothing to back up")
    return Path(database)


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """The file opened read-only (a file that does not exist is an error, not a new empty database)."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Lotsen SQLite database: {error}") from error
    finally:
        connection.close()


def revision(path: Path) -> str | None:
    """The migration revision of the Lotsen database in `path` (None: it has none, so it is no Lotsen database)."""
    with _read_only(path) as connection:
        if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path} is damaged (PRAGMA quick_check fails)")
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def row_counts(path: Path) -> dict[str, int]:
    """The main tables' rows in the Lotsen database in `path`, read without changing the file."""
    with _read_only(path) as connection:
        return {table: connection.execute(sql).fetchone()[0] for table, sql in count_statements().items()}


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """The whole of `source` into a new file `target`, as one self-contained file (no -wal beside it), on disk."""
    target.unlink(missing_ok=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    _fsync(target)


def _replace(temporary: Path, target: Path) -> None:
    os.replace(temporary, target)
    _fsync(target.parent)


def _beside(target: Path, purpose: str) -> Path:
    return target.with_name(f".{target.name}.{purpose}")


def backup(database: Path, file: Path) -> None:
    """A consistent copy of `database` written to `file` (replaced if it exists). Run it off the event loop."""
    temporary = _beside(file, "writing")
    try:
        with _read_only(database) as source:
            _copy(source, temporary)
        _replace(temporary, file)
    finally:
        temporary.unlink(missing_ok=True)


def _take_from_every_other_process(database: Path) -> sqlite3.Connection:
    """The live database, with every change of its WAL in the file and no other process using it, locked
    until the returned connection is closed."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode != "delete":
            raise sqlite3.OperationalError(f"journal mode stays {mode}")
        connection.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as error:
        connection.close()
        raise BackupError(f"{database} is in use by another process ({error}): stop Lotsen (every process using "
                          "this database) and run the restore again. Nothing was changed.") from error
    return connection


def restore(file: Path, database: Path) -> None:
    """Replaces `database` with the backup in `file`, which the caller has checked (`revision`)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    temporary = _beside(database, "restoring")
    live = _take_from_every_other_process(database) if database.exists() else None
    try:
        with _read_only(file) as source:
            _copy(source, temporary)
        _replace(temporary, database)
        for stale in (Path(f"{database}-wal"), Path(f"{database}-shm"), Path(f"{database}-journal")):
            stale.unlink(missing_ok=True)
    finally:
        temporary.unlink(missing_ok=True)
        if live is not None:
            live.close()
