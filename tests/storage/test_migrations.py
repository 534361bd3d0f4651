"""storage/migrate.py and storage/migrations/: from an empty database to a ready one, any number of times."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, create_session_factory
from storage.migrate import _plain_head, alembic_config, current_revision, head_revision, main, upgrade, upgrade_sync
from storage.models import Base, Organisation
from storage.organisations import load_organisation_entries

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "organisations",
    "users",
    "conversation_references",
    "bot_state",
    "turn_replies",
    "processed_activities",
    "notices",
    "unanswered_questions",
    "applications",
    "information_items",
    "application_events",
    "registration_drafts",
    "reminders",
    "reminder_pauses",
    "annual_reports",
    "annual_report_items",
    "annual_report_events",
    "contact_persons",
    "audit_events",
    "answer_feedback",
    "taught_questions",
    "clarifications",
    "directory_mappings",
    "directory_lookups",
    "alembic_version",
}


async def _tables(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def _organisation_count(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.scalar(select(func.count()).select_from(Organisation))) or 0
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_creates_tables_and_seeds(database_url: str) -> None:
    assert await current_revision(database_url) is None
    assert await _tables(database_url) == set()

    await upgrade(database_url)

    assert await current_revision(database_url) == head_revision() == "0012"
    assert await _tables(database_url) == TABLES
    assert await _organisation_count(database_url) == len(load_organisation_entries()) == 23


async def test_upgrade_is_idempotent(database_url: str) -> None:
    await upgrade(database_url)
    await upgrade(database_url)
    assert await current_revision(database_url) == head_revision()
    assert await _organisation_count(database_url) == 23


async def test_concurrent_upgrades_in_one_process_are_serialised(database_url: str) -> None:
    await asyncio.gather(upgrade(database_url), upgrade(database_url), upgrade(database_url))
    assert await current_revision(database_url) == head_revision()
    assert await _organisation_count(database_url) == 23


async def test_first_upgrades_from_several_processes_at_once(database_url: str) -> None:
    """As when several app instances start together on an empty database: one migrates, the others wait."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "storage.migrate", "--url", database_url,
            cwd=REPOSITORY_ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outcomes = [await process.communicate() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], [err.decode() for _, err in outcomes]
    assert await current_revision(database_url) == head_revision()
    assert await _organisation_count(database_url) == 23


async def test_models_match_the_migrations(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:

            def downgrade(sync_connection: Connection) -> None:
                config = alembic_config()
                config.attributes["connection"] = sync_connection
                command.downgrade(config, "base")

            await connection.run_sync(downgrade)
    finally:
        await engine.dispose()
    assert await _tables(database_url) == {"alembic_version"}
    await upgrade(database_url)
    assert await _tables(database_url) == TABLES


async def test_sync_wrapper_and_command_line_work_from_another_directory(
    database_url: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    previous = Path.cwd()
    os.chdir(elsewhere)
    try:
        await asyncio.to_thread(upgrade_sync, database_url)
        assert await asyncio.to_thread(main, ["--url", database_url]) == 0
    finally:
        os.chdir(previous)
    assert await current_revision(database_url) == head_revision()
    assert await _organisation_count(database_url) == 23


async def test_timestamps_default_on_the_server_too(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO organisations (slug, name, kind) VALUES ('raw-insert', 'Rå insättning', 'namnd')")
        )
    async with create_session_factory(engine)() as session:
        organisation = await session.scalar(select(Organisation).where(Organisation.slug == "raw-insert"))
    assert organisation is not None
    assert organisation.active is True
    assert organisation.created_at.tzinfo is not None
    assert organisation.created_at.utcoffset().total_seconds() == 0


def test_the_head_read_off_the_scripts_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head() == "0012"


def _script(folder: Path, name: str, lines: str) -> None:
    (folder / f"{name}.py").write_text(f'"""A migration.\n\nRevision ID: {name}\n"""\n\n{lines}\n\n\ndef upgrade() -> None:\n'
                                       "    pass\n", encoding="utf-8")


def test_the_head_is_left_to_alembic_when_the_scripts_say_more_than_a_plain_line(tmp_path: Path) -> None:
    _script(tmp_path, "a1", 'revision: str = "a1"\ndown_revision: str | None = None')
    _script(tmp_path, "b2", 'revision = "b2"\ndown_revision = "a1"')
    assert _plain_head(tmp_path) == "b2"
    _script(tmp_path, "c3", 'revision = "c3"\ndown_revision = "a1"')  # two heads: Alembic says what is wrong
    assert _plain_head(tmp_path) is None
    _script(tmp_path, "d4", 'revision = "d4"\ndown_revision = ("b2", "c3")')  # a merge
    assert _plain_head(tmp_path) == "d4"
    _script(tmp_path, "e5", 'revision = "e5"\ndown_revision = "d4"\nbranch_labels = ("reports",)')
    assert _plain_head(tmp_path) is None
    (tmp_path / "e5.py").unlink()
    _script(tmp_path, "f6", 'revision = "f6"\ndown_revision = PREVIOUS')  # not a literal
    assert _plain_head(tmp_path) is None
    _script(tmp_path, "f6", 'revision = "f6"\ndown_revision = "x9"')  # a parent no script has
    assert _plain_head(tmp_path) is None


async def test_a_database_at_head_is_upgraded_without_loading_alembic(database_url: str, tmp_path: Path) -> None:
    await upgrade(database_url)
    # A fresh interpreter, as a server starts: migrated already, it seeds organisations and reads both revisions.
    script = ("import asyncio, sys\n"
              "from storage.migrate import current_revision, head_revision, upgrade\n"
              f"asyncio.run(upgrade({database_url!r}))\n"
              f"assert asyncio.run(current_revision({database_url!r})) == head_revision()\n"
              "print(sorted({name.split('.')[0] for name in sys.modules} & {'alembic', 'mako'}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY_ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)}, check=True)
    assert result.stdout.strip() == "[]"

