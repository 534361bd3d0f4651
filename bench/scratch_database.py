"""A scratch PostgreSQL database for a benchmark: created on $TEST_POSTGRES_URL's server (default the local one,
as the tests use it) under a unique name, and dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

from storage.db import normalise_database_url

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def create_postgres_database() -> tuple[str, str]:
    """Creates a database on the server; returns (its URL, the admin DSN to drop it with)."""
    admin_url = make_url(normalise_database_url(os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL))
    admin_dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"lotsen_bench_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin_url.set(database=name).render_as_string(hide_password=False), admin_dsn


async def drop_postgres_database(url: str, admin_dsn: str) -> None:
    connection = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await connection.close()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """The URL of a fresh database, dropped when the block ends."""
    url, admin_dsn = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url, admin_dsn)
