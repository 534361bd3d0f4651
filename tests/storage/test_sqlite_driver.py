"""storage/sqlite_driver.py: aiosqlite with at most one thread hop a statement gives SQLAlchemy what aiosqlite's own
cursors give (rows, row counts, last row ids, errors), a write waits for another writer without stopping the
event loop, and a connection nobody closed does not keep the process alive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import SQLITE_BUSY_TIMEOUT_MS, create_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    yield engine
    await engine.dispose()


async def test_rows_counts_and_ids_come_back_as_from_aiosqlite(engine):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES (:name)"), {"name": "Malmö"})
        assert inserted.lastrowid == 1
        many = await connection.execute(text("INSERT INTO t (name) VALUES (:name)"),
                                        [{"name": "Lund"}, {"name": "Ystad"}])
        assert many.rowcount == 2
        updated = await connection.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        rows = (await connection.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "Malmö"), (2, "Lund!"), (3, "Ystad!")]
        assert (await connection.execute(text("SELECT name FROM t WHERE id = 9"))).first() is None


async def test_a_failed_statement_raises_and_its_transaction_rolls_back(engine):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
        await connection.execute(text("INSERT INTO t (name) VALUES ('Malmö')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (name) VALUES ('Lund')"))
            await connection.execute(text("INSERT INTO t (name) VALUES ('Malmö')"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 1


async def test_rows_are_streamed_in_parts_when_asked(engine):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        await connection.execute(text("INSERT INTO t (n) VALUES (:n)"), [{"n": n} for n in range(250)])
    async with engine.connect() as connection:
        result = await connection.stream(text("SELECT n FROM t ORDER BY n"))
        seen = [row.n async for row in result]
    assert seen == list(range(250))


def test_a_connection_left_open_does_not_keep_the_process_alive(tmp_path):
    script = f"""
import asyncio, sys
sys.path.insert(0, {str(ROOT)!r})
from sqlalchemy import text
from storage.db import SQLITE_BUSY_TIMEOUT_MS, create_engine

async def main():
    engine = create_engine("sqlite+aiosqlite:///{tmp_path / 'open.db'}")
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    # never disposed: the pooled connection and its thread are still there at exit

asyncio.run(main())
"""
    # A hang, not a time, is what is tested: the bound is far above a start-up's seconds.
    finished = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr


async def test_a_write_waits_for_another_writer_off_the_event_loop(engine, tmp_path):
    """A transaction's first write, while another connection holds SQLite's write lock, waits for it on the
    connection's thread: the event loop goes on meanwhile, and the write lands once the lock is free."""
    import asyncio
    import sqlite3

    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock, held by another connection

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM t"))  # a read never waits
            await connection.execute(text("INSERT INTO t (n) VALUES (1)"))
            await connection.execute(text("INSERT INTO t (n) VALUES (2)"))

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.2)  # reached only if the loop runs while the write waits
    assert not writing.done(), "the write waits for the lock"
    other.execute("COMMIT")
    other.close()
    await writing
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2
        # The connection's own wait is as it was configured (storage/db.py), not the in-place attempt's.
        raw = (await connection.get_raw_connection()).driver_connection.raw
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == SQLITE_BUSY_TIMEOUT_MS
