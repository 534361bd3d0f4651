"""`python -m cli backup FILE` and `python -m cli restore FILE [--yes]`, run as operators run them, on SQLite and on
PostgreSQL: what was backed up comes back, and a restore that should not happen changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from cli.backup_check import BackupError
from cli.backup_postgres import find_tool, libpq_connection
from storage.application_data import ApplicationData
from storage.applications import create_application
from storage.migrate import head_revision
from storage.models import Application, User
from storage.organisations import get_organisation
from storage.users import upsert_user
from tests.support.cli_process import run_cli


@pytest.fixture
def need_postgres_tools(database_backend: str) -> None:
    if database_backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore, psql) are not installed")


async def _seed(session_factory) -> None:
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        asa = await upsert_user(session, "29:asa", aad_object_id=None, name="Åsa Öberg")
        await create_application(
            session, data=ApplicationData(project_name="Gröna tak"), organisation=miljo, created_by=asa,
            submission_key="k-1", eur_sek_rate=None, information_item_required=False, information_item_draft=None,
        )


async def _what_is_there(session_factory) -> tuple[list[str | None], list[str]]:
    async with session_factory() as session:
        projects = list((await session.scalars(select(Application.project_name))).all())
        names = list((await session.scalars(select(User.name))).all())
    return projects, names


async def _change_everything(session_factory) -> None:
    async with session_factory.begin() as session:
        await session.execute(delete(Application))
        await session.execute(update(User).values(name="Someone Else"))


async def test_a_restore_brings_back_what_the_backup_held(database_url, engine, session_factory, tmp_path,
                                                          need_postgres_tools):
    await _seed(session_factory)
    backup_file = tmp_path / "lotsen.backup"

    status, out, err = await run_cli(database_url, tmp_path, "backup", str(backup_file))
    assert status == 0, err
    assert out.splitlines()[0].startswith(f"backup written: {backup_file} (")
    assert f"migration revision {head_revision()}" in out
    assert out.splitlines()[1].startswith("applications 1, users 1, annual reports 0, reminders 0")

    await _change_everything(session_factory)
    await engine.dispose()  # this test's connections closed, as Lotsen's are when it is stopped
    status, out, err = await run_cli(database_url, tmp_path, "restore", str(backup_file), "--yes")
    assert status == 0, err
    assert out.splitlines() == [
        f"restored {backup_file} into {out.split(' into ')[1].split(' (')[0]} (backup at migration revision "
        f"{head_revision()}, now migrated to head)",
        "applications 1, users 1, annual reports 0, reminders 0",
    ]
    assert await _what_is_there(session_factory) == (["Gröna tak"], ["Åsa Öberg"])


async def test_a_restore_without_yes_says_what_it_would_do_and_changes_nothing(database_url, engine, session_factory,
                                                                              tmp_path, need_postgres_tools):
    await _seed(session_factory)
    backup_file = tmp_path / "lotsen.backup"
    assert (await run_cli(database_url, tmp_path, "backup", str(backup_file)))[0] == 0
    await _change_everything(session_factory)
    await engine.dispose()

    status, out, err = await run_cli(database_url, tmp_path, "restore", str(backup_file))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "stop Lotsen" in err and "--yes" in err and "Nothing was changed" in err
    assert await _what_is_there(session_factory) == ([], ["Someone Else"])


def _not_backups(directory: Path) -> list[Path]:
    junk = directory / "notes.txt"
    junk.write_text("inte en säkerhetskopia\n")
    empty = directory / "empty.backup"
    empty.write_bytes(b"")
    other_database = directory / "other.db"  # an SQLite database, but not Lotsen's
    with sqlite3.connect(other_database) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.close()
    return [junk, empty, other_database, directory / "missing.backup"]


async def test_a_file_that_is_not_a_lotsen_backup_is_refused_and_the_database_left_alone(
        database_url, engine, session_factory, tmp_path, need_postgres_tools):
    await _seed(session_factory)
    await engine.dispose()
    for not_a_backup in _not_backups(tmp_path):
        status, out, err = await run_cli(database_url, tmp_path, "restore", str(not_a_backup), "--yes")
        assert status == 1, (not_a_backup, out)
        assert err.count("\n") == 1 and str(not_a_backup) in err and "Traceback" not in err, err
        assert await _what_is_there(session_factory) == (["Gröna tak"], ["Åsa Öberg"])


async def test_a_backup_of_a_newer_version_is_refused_by_this_one(database_url, engine, session_factory, tmp_path,
                                                                  need_postgres_tools):
    """A newer version's database is backed up (backup refuses no data), but this version cannot restore it: it
    could not migrate it to its own head."""
    await _seed(session_factory)
    async with session_factory.begin() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    backup_file = tmp_path / "future.backup"
    status, out, err = await run_cli(database_url, tmp_path, "backup", str(backup_file))
    assert status == 0 and "migration revision 9999_future" in out, err
    async with session_factory.begin() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
    await _change_everything(session_factory)
    await engine.dispose()

    status, out, err = await run_cli(database_url, tmp_path, "restore", str(backup_file), "--yes")
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "9999_future" in err and "does not know" in err, err
    assert await _what_is_there(session_factory) == ([], ["Someone Else"])


async def test_a_restore_is_refused_while_lotsen_has_the_database_open(database_url, engine, session_factory,
                                                                       tmp_path, need_postgres_tools):
    await _seed(session_factory)
    backup_file = tmp_path / "lotsen.backup"
    assert (await run_cli(database_url, tmp_path, "backup", str(backup_file)))[0] == 0
    await _change_everything(session_factory)

    async with engine.connect() as running_lotsen:  # what a running instance holds: an open connection
        await running_lotsen.execute(text("SELECT 1"))
        status, out, err = await run_cli(database_url, tmp_path, "restore", str(backup_file), "--yes")
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "stop" in err and "Nothing was changed" in err, err
    assert await _what_is_there(session_factory) == ([], ["Someone Else"])


# --- PostgreSQL's connection and tools, as libpq's tools get them --------------------------------------------


def test_the_url_reaches_libpq_without_its_password_on_a_command_line():
    connection = libpq_connection("postgresql+asyncpg://lotsen:hemligt%21@db.example:5432/lotsen?ssl=require", 5)
    assert connection.url == "postgresql://lotsen@db.example:5432/lotsen?sslmode=require"
    assert connection.environment["PGPASSWORD"] == "hemligt!"
    assert connection.database == "lotsen"


def test_the_tools_of_the_servers_major_version_are_preferred(tmp_path):
    matching = tmp_path / "16" / "bin" / "pg_dump"
    matching.parent.mkdir(parents=True)
    matching.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 16.4'\n")
    matching.chmod(0o755)
    assert find_tool("pg_dump", 16, tmp_path) == str(matching)


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_tools_older_than_the_server_are_refused_with_what_to_install(tmp_path):
    with pytest.raises(BackupError, match="postgresql-client-99"):
        find_tool("pg_dump", 99, tmp_path)
