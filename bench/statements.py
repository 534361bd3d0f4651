"""SQL statements per kind of turn, on SQLite and PostgreSQL: a policy question, a registration answer, help and
a new user's first message, each sent over HTTP to Lotsen's app as Teams sends it (replies to a local connector
stand-in), counted at the driver. tests/app/test_statements_per_turn.py holds the same figures.

    python bench/statements.py [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from app import ENGINE_KEY, NOTICE_OUTBOX_KEY, create_app  # noqa: E402
from bench.scratch_database import postgres_database  # noqa: E402
from settings import Settings  # noqa: E402
from tests.support.connector_standin import ConnectorStandIn  # noqa: E402
from tests.support.sql_statements import KINDS_OF_TURN, KindOfTurn, StatementCounter, count_turn  # noqa: E402


async def _count(database_url: str, kind: KindOfTurn) -> StatementCounter:
    """One kind of turn, in a fresh app on a fresh database, as the test counts it."""
    standin_server = TestServer(ConnectorStandIn().app())
    await standin_server.start_server()
    service_url = str(standin_server.make_url("")).rstrip("/")
    settings = Settings(_env_file=None, database_url=database_url, auto_migrate=True, reminder_poll_seconds=0,
                        log_level="WARNING")
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    # as the test does: the notice outbox's own looks (at start-up, then on its clock) are not the turn's
    await client.app[NOTICE_OUTBOX_KEY].stop()
    try:
        async def post(body: dict) -> None:
            async with client.post("/api/messages", json=body) as response:
                if response.status != 201:
                    raise RuntimeError(f"the app answered {response.status}")

        return await count_turn(kind, client.app[ENGINE_KEY], service_url, post)
    finally:
        await client.close()
        await standin_server.close()


async def _on_sqlite(kind: KindOfTurn) -> StatementCounter:
    with tempfile.TemporaryDirectory() as directory:
        return await _count(f"sqlite+aiosqlite:///{directory}/lotsen.db", kind)


async def _on_postgres(kind: KindOfTurn) -> StatementCounter:
    async with postgres_database() as url:
        return await _count(url, kind)


async def main(backends: list[str]) -> None:
    print("| kind of turn | database | statements | of which | commits |")
    print("| --- | --- | ---: | --- | ---: |")
    for backend in backends:
        for kind in KINDS_OF_TURN:
            counter = await (_on_sqlite(kind) if backend == "sqlite" else _on_postgres(kind))
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(counter.kinds.items()))
            print(f"| {kind.name} | {backend} | {counter.statements} | {kinds} | {counter.commits} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    asyncio.run(main(parser.parse_args().backends))
