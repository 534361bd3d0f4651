"""Backup and restore of a PostgreSQL database with PostgreSQL's own tools.

Backup: `pg_dump --format=custom` of DATABASE_URL's database, written beside the target and renamed over it when
complete. Restore: `pg_restore --clean --if-exists --no-owner` of such an archive, as one transaction (psql
`--single-transaction` with ON_ERROR_STOP), together with dropping the tables a newer version of Lotsen added
that the archive does not have, so that the migrations afterwards can bring an older backup to head. A restore
that fails anywhere leaves the database as it was.

The tools: the server's major version's (/usr/lib/postgresql/<major>/bin, as Debian and Ubuntu install them)
when installed, else those on PATH, which must not be older than the server (pg_dump refuses a newer server).
The password goes to them in PGPASSWORD, never on a command line (which `ps` shows to everyone).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from cli.backup_check import BackupError
from storage.db import DatabaseTimeouts, create_engine
from storage.models import Base

DEBIAN_TOOLS = Path("/usr/lib/postgresql")
# asyncpg's ssl= values that are libpq sslmode values as they are; ssl=true means require.
_SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
_TABLE_IN_LIST = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")
_TOOL_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class Connection:
    """How libpq's tools reach DATABASE_URL's database: a URL without the password, and their environment."""

    url: str
    environment: dict[str, str]
    database: str


def libpq_connection(database_url: str, connect_timeout: float) -> Connection:
    """`postgresql+asyncpg://u:p@h/db?ssl=require` as libpq takes it: `postgresql://u@h/db?sslmode=require`,
    the password in PGPASSWORD."""
    parsed = make_url(database_url)
    ssl = parsed.query.get("ssl")
    query = {}
    if isinstance(ssl, str):
        query["sslmode"] = "require" if ssl.lower() == "true" else ssl
        if query["sslmode"] not in _SSL_MODES:
            raise BackupError(f"DATABASE_URL's ssl={ssl} has no libpq sslmode")
    environment = {**os.environ, "PGAPPNAME": "lotsen-backup"}
    environment.pop("PGPASSWORD", None)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    if connect_timeout:
        environment["PGCONNECT_TIMEOUT"] = str(max(2, round(connect_timeout)))  # libpq: whole seconds, at least 2
    # URL.set(password=None) would keep the password: a new URL is made without it.
    libpq = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                       database=parsed.database, query=query)
    return Connection(libpq.render_as_string(hide_password=False), environment, parsed.database or "")


async def server_major_version(database_url: str, timeouts: DatabaseTimeouts) -> int:
    engine = create_engine(database_url, timeouts=timeouts)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text("SHOW server_version_num"))) // 10000
    finally:
        await engine.dispose()


def _tool_major(path: str) -> int | None:
    try:
        shown = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    found = _TOOL_VERSION.search(shown)
    return int(found.group(1)) if found else None


def find_tool(name: str, server_major: int, tools_root: Path = DEBIAN_TOOLS) -> str:
    """The `name` (pg_dump, pg_restore, psql) to use with a server of `server_major`."""
    matching = tools_root / str(server_major) / "bin" / name
    if os.access(matching, os.X_OK):
        return str(matching)
    on_path = shutil.which(name)
    if on_path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL {server_major} client tools "
                          f"(Debian/Ubuntu: postgresql-client-{server_major})")
    major = _tool_major(on_path)
    if major is None or major < server_major:
        raise BackupError(f"{on_path} is PostgreSQL {major or 'of unknown version'}, older than the server "
                          f"({server_major}): install postgresql-client-{server_major}")
    return on_path


def _run(command: list[str], connection: Connection, what: str) -> str:
    """Runs a tool; its first line of complaint becomes the error."""
    finished = subprocess.run(command, env=connection.environment, capture_output=True, text=True)
    if finished.returncode != 0:
        complaint = next((line for line in finished.stderr.splitlines() if line.strip()), "no message")
        raise BackupError(f"{what} failed: {complaint}")
    return finished.stdout


def dump(connection: Connection, pg_dump: str, file: Path) -> None:
    temporary = file.with_name(f".{file.name}.writing")
    try:
        _run([pg_dump, "--format=custom", f"--file={temporary}", f"--dbname={connection.url}"], connection,
             "pg_dump")
        os.replace(temporary, file)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Archive:
    """What a pg_dump archive holds, read without touching any database."""

    tables: frozenset[str]
    revision: str | None


def read_archive(pg_restore: str, connection: Connection, file: Path) -> Archive:
    if not file.is_file():
        raise BackupError(f"{file} does not exist or is not a file")
    try:
        listing = _run([pg_restore, "--list", str(file)], connection, "reading the archive")
    except BackupError as error:
        raise BackupError(f"{file} is not a Lotsen backup made by pg_dump --format=custom ({error})") from error
    tables = frozenset(found.group(2) for line in listing.splitlines()
                       if (found := _TABLE_IN_LIST.match(line)) and found.group(1) == "public")
    if "alembic_version" not in tables:
        return Archive(tables, None)
    data = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(file)], connection,
                "reading the archive's revision")
    return Archive(tables, _copied_value(data))


def _copied_value(script: str) -> str | None:
    """The first value of the one-column COPY in a pg_restore script."""
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY "):
            value = next(lines, "\\.")
            return None if value == "\\." else value
    return None


async def other_lotsen_sessions(database_url: str, timeouts: DatabaseTimeouts) -> int:
    """How many connections of Lotsen (application_name lotsen, storage/db.py) the database has besides this."""
    engine = create_engine(database_url, timeouts=timeouts)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'lotsen' AND pid <> pg_backend_pid()")))
    finally:
        await engine.dispose()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def restore(connection: Connection, pg_restore: str, psql: str, file: Path, archive: Archive) -> None:
    """The archive into the database, in one transaction. The whole script is written out first, so that an
    archive that cannot be read to its end fails before the database is touched."""
    newer = sorted(set(Base.metadata.tables) - archive.tables)
    with tempfile.TemporaryDirectory(prefix="lotsen-restore-") as directory:
        script = Path(directory) / "restore.sql"
        script.write_text("".join(f"DROP TABLE IF EXISTS public.{_quoted(table)} CASCADE;\n" for table in newer))
        with script.open("a") as appended:
            appended.flush()
            finished = subprocess.run(
                [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(file)],
                stdout=appended, stderr=subprocess.PIPE, text=True, env=connection.environment)
        if finished.returncode != 0:
            complaint = next((line for line in finished.stderr.splitlines() if line.strip()), "no message")
            raise BackupError(f"{file} cannot be read to its end, the database is unchanged: {complaint}")
        try:
            _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                  "--output=/dev/null", f"--file={script}", f"--dbname={connection.url}"], connection, "psql")
        except BackupError as error:
            raise BackupError(f"restore failed, the database is unchanged: {error}") from error
