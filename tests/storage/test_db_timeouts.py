"""storage/db.py on PostgreSQL: a database that stops answering fails a statement with a clear error, not a hang.

Each test gives the engine tiny timeouts and the database something that would otherwise wait far longer
(pg_sleep, a lock held by another connection, a network partition). A timeout that did not work would end in a
different error (the driver's own, much later) or not at all, so the tests assert which error comes, not when.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from storage.db import DatabaseTimeouts, DatabaseUnavailable, create_engine
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("database_backend", ["postgresql"])  # SQLite has no network to lose

# Far longer than the timeout under test, so that only that timeout can end the statement first.
LONG_SECONDS = 60


async def test_the_engine_sets_the_timeouts_on_every_connection(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            settings = {name: (await connection.execute(text(f"SHOW {name}"))).scalar_one()
                        for name in ("statement_timeout", "lock_timeout", "application_name")}
    finally:
        await engine.dispose()
    assert settings == {"statement_timeout": "5s", "lock_timeout": "3s", "application_name": "lotsen"}
    assert engine.pool._pre_ping  # a connection the network dropped is replaced, not handed to a turn


async def test_a_statement_longer_than_statement_timeout_is_cancelled_by_the_server(database_url: str) -> None:
    engine = create_engine(database_url, timeouts=DatabaseTimeouts(statement=0.1, command=LONG_SECONDS / 2))
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="canceling statement due to statement timeout"):
                await connection.execute(text(f"SELECT pg_sleep({LONG_SECONDS})"))
    finally:
        await engine.dispose()


async def test_waiting_for_a_lock_longer_than_lock_timeout_fails_saying_so(database_url: str) -> None:
    holder = create_engine(database_url)
    waiter = create_engine(database_url, timeouts=DatabaseTimeouts(statement=LONG_SECONDS, lock=0.1,
                                                                   command=LONG_SECONDS * 2))
    try:
        async with holder.connect() as holding:
            await holding.execute(text("SELECT pg_advisory_lock(4711)"))
            async with waiter.connect() as waiting:
                with pytest.raises(DBAPIError, match="canceling statement due to lock timeout"):
                    await waiting.execute(text("SELECT pg_advisory_lock(4711)"))
            await holding.execute(text("SELECT pg_advisory_unlock(4711)"))
    finally:
        await holder.dispose()
        await waiter.dispose()


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


def _through(database_url: str, proxy: TcpProxy) -> str:
    return make_url(database_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


async def test_a_statement_the_partitioned_server_never_answers_fails_clearly(database_url: str,
                                                                              proxy: TcpProxy) -> None:
    engine = create_engine(_through(database_url, proxy), timeouts=DatabaseTimeouts(command=0.3))
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
            proxy.partition()
            with pytest.raises(DatabaseUnavailable, match=r"gave no answer within 0\.3 s \(DATABASE_COMMAND_TIMEOUT\)"):
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def test_after_a_partition_the_next_turn_fails_clearly_instead_of_hanging(database_url: str,
                                                                                proxy: TcpProxy) -> None:
    engine = create_engine(_through(database_url, proxy), timeouts=DatabaseTimeouts(connect=0.3, command=0.3))
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # a pooled connection, that the partition will cut
        proxy.partition()
        for _ in range(2):  # the pooled connection's ping goes unanswered, then every new connection too
            with pytest.raises(DatabaseUnavailable, match=r"within 0\.3 s \(DATABASE_CONNECT_TIMEOUT\)"):
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()

