"""What both backends' backup and restore share: the one-line error an operator reads, whether a revision is one
this version of Lotsen knows (so that a restored database can be migrated to head), and the rows counted so that
the operator sees it is the data they expect."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import DatabaseTimeouts, create_engine
from storage.migrate import alembic_config

# The main tables, and how the count line names them.
COUNTED_TABLES: tuple[tuple[str, str], ...] = (
    ("applications", "applications"),
    ("users", "users"),
    ("annual_reports", "annual reports"),
    ("reminders", "reminders"),
)


class BackupError(Exception):
    """Why a backup or restore stops, in one line for the operator; nothing was changed unless it says so."""


def known_revisions() -> frozenset[str]:
    """Every Alembic revision of storage/migrations: a backup at one of them can be migrated to head."""
    from alembic.script import ScriptDirectory  # here: `python app.py` (which serves) loads this module too

    return frozenset(script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions())


def check_revision(revision: str | None, source: str) -> str:
    """The backup's revision, if this version of Lotsen can restore it."""
    if revision is None:
        raise BackupError(f"{source} is not a Lotsen backup: it has no migration revision (alembic_version)")
    if revision not in known_revisions():
        raise BackupError(f"{source} is at migration revision {revision}, which this version of Lotsen does not "
                          "know (a backup of a newer version?): restore it with the version that made it")
    return revision


def count_line(counts: dict[str, int]) -> str:
    """ "applications 3, users 5, annual reports 1, reminders 2" """
    return ", ".join(f"{label} {counts[table]}" for table, label in COUNTED_TABLES)


def count_statements() -> dict[str, str]:
    """The SQL that counts each table's rows (names from COUNTED_TABLES, nothing from outside)."""
    return {table: f"SELECT count(*) FROM {table}" for table, _ in COUNTED_TABLES}


async def row_counts(database_url: str, timeouts: DatabaseTimeouts) -> dict[str, int]:
    """The main tables' rows in the database at `database_url`."""
    engine = create_engine(database_url, timeouts=timeouts)
    try:
        async with engine.connect() as connection:
            return {table: int(await connection.scalar(text(sql))) for table, sql in count_statements().items()}
    finally:
        await engine.dispose()
