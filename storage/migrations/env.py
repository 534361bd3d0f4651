"""Alembic environment for Lotsen, async-aware.

Two ways in:
- `storage.migrate.upgrade()` passes an open (sync-facade) connection in `config.attributes["connection"]`;
  the migrations run on it, inside the caller's transaction.
- The `alembic` command line (alembic.ini at the repository root) gives no connection: the URL comes from
  `config.attributes["database_url"]`, `-x url=...`, the `sqlalchemy.url` option or `DATABASE_URL`, and an
  async engine is created here.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base

# Same default as settings.DEFAULT_DATABASE_URL (storage/ does not import the application's settings).
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/lotsen.db"
# Serialises concurrent migrators on PostgreSQL (two app instances starting at once): "LOTS".
_ADVISORY_LOCK_ID = 0x4C4F5453

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    return (
        config.attributes.get("database_url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        _exclude_other_migrators(connection)
        context.run_migrations()


def _exclude_other_migrators(connection: Connection) -> None:
    """Makes a second process that migrates the same database wait, then find it at head.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: its write lock, taken up front with BEGIN
    IMMEDIATE; this also makes the migration one transaction (pysqlite would run DDL outside any). Both entry
    points hand over a connection that has run no statement yet, so no transaction is open at this point.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK_ID})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def _run_async_migrations() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_migrations(connection)
    else:
        asyncio.run(_run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
