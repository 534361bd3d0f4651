"""Database fixtures for every test package (registered in tests/conftest.py: `pytest_plugins = [...]`).

- `database_backend`: "sqlite" or "postgresql"; every test using the fixtures below runs once on each.
- `database_url`: a fresh, EMPTY database of that backend — a file in `tmp_path`, or a uniquely named
  database (`lotsen_test_<hex>`) on the server at $TEST_POSTGRES_URL, dropped after the test.
- `engine`: an AsyncEngine on `database_url`, migrated to head and seeded with the organisations; disposed
  after the test.
- `session_factory`: `async_sessionmaker` bound to `engine`.

PostgreSQL not reachable: its tests are skipped, or fail when REQUIRE_POSTGRES=1 (CI).
A test package that wants only one backend overrides `database_backend` in its conftest.py.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory, normalise_database_url
from storage.migrate import upgrade

DEFAULT_TEST_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
_CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class PostgresServer:
    """The server test databases are created on; `unavailable` says why it cannot be used, if it cannot."""

    admin_url: str
    unavailable: str | None

    @property
    def admin_dsn(self) -> str:
        """The admin URL in the form asyncpg itself accepts."""
        return make_url(self.admin_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)


def _run_in_own_loop(coroutine_factory: Callable[[], Awaitable[str | None]]) -> str | None:
    """Runs a coroutine to completion in a private thread and event loop, apart from any test's loop."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(lambda: asyncio.run(coroutine_factory())).result()  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    admin_url = normalise_database_url(os.environ.get("TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL)
    server = PostgresServer(admin_url, None)

    async def probe() -> str | None:
        try:
            connection = await asyncpg.connect(server.admin_dsn, timeout=_CONNECT_TIMEOUT_SECONDS)
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError) as error:
            where = make_url(admin_url).render_as_string()  # password hidden
            return f"PostgreSQL at {where} not reachable: {type(error).__name__}: {error}"
        try:
            await connection.fetchval("SELECT 1")
        finally:
            await connection.close()
        return None

    return PostgresServer(admin_url, _run_in_own_loop(probe))


@pytest.fixture(params=BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _require_postgres(server: PostgresServer) -> None:
    if server.unavailable is None:
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but {server.unavailable}", pytrace=False)
    pytest.skip(server.unavailable)


@pytest.fixture
async def database_url(
    database_backend: str, tmp_path: Path, postgres_server: PostgresServer
) -> AsyncIterator[str]:
    if database_backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
        return

    _require_postgres(postgres_server)
    name = f"lotsen_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server.admin_dsn, timeout=_CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield postgres_server.url_for(name)
    finally:
        admin = await asyncpg.connect(postgres_server.admin_dsn, timeout=_CONNECT_TIMEOUT_SECONDS)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)

