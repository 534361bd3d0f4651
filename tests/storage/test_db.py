"""storage/db.py: URL handling, engine settings, ping."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import DatabaseUnavailable, create_engine, normalise_database_url, ping


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/lotsen", "postgresql+asyncpg://u:p@db.example:5432/lotsen"),
        ("postgresql://u@db/lotsen", "postgresql+asyncpg://u@db/lotsen"),
        ("postgresql+psycopg2://u@db/lotsen", "postgresql+asyncpg://u@db/lotsen"),
        ("postgresql+asyncpg://u@db/lotsen", "postgresql+asyncpg://u@db/lotsen"),
        ("postgresql://u@db/lotsen?sslmode=require", "postgresql+asyncpg://u@db/lotsen?ssl=require"),
        ("sqlite:///./data/lotsen.db", "sqlite+aiosqlite:///./data/lotsen.db"),
        ("sqlite+aiosqlite:///./data/lotsen.db", "sqlite+aiosqlite:///./data/lotsen.db"),
    ],
)
def test_normalise_database_url(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported"):
        normalise_database_url("mysql://u@db/lotsen")


async def test_sqlite_file_gets_its_directory_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "lotsen.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert path.exists()
        assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}
    finally:
        await engine.dispose()


async def test_ping_succeeds_on_a_reachable_database(engine: AsyncEngine) -> None:
    await ping(engine)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_ping_gives_a_short_reason_when_postgresql_is_unreachable() -> None:
    engine = create_engine(f"postgresql://lotsen:secret-password@127.0.0.1:{_closed_port()}/lotsen")
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            await ping(engine)
    finally:
        await engine.dispose()
    reason = raised.value.reason
    assert reason and "\n" not in reason and len(reason) <= 200
    assert "secret-password" not in reason
    assert "Connect" in reason or "refused" in reason.lower()


async def test_ping_gives_a_short_reason_when_the_sqlite_file_cannot_be_opened(tmp_path: Path) -> None:
    directory_as_file = tmp_path / "a-directory"
    directory_as_file.mkdir()
    engine = create_engine(f"sqlite+aiosqlite:///{directory_as_file}")
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            await ping(engine)
    finally:
        await engine.dispose()
        # aiosqlite stops the worker thread of a failed connection without waiting for it; let it finish
        # while this test's event loop still runs, or it reports to a closed loop.
        await asyncio.to_thread(_join_aiosqlite_workers)
    assert "unable to open database file" in raised.value.reason


def _join_aiosqlite_workers() -> None:
    for thread in threading.enumerate():
        if "_connection_worker_thread" in thread.name:
            thread.join(timeout=5)
