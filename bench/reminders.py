"""Reminders delivered per second: N due reminders sent by the scheduler, on SQLite and on PostgreSQL.

    python bench/reminders.py [--reminders 10000] [--backends sqlite postgresql] [--instances 1]

For each database: a fresh one (a temporary SQLite file; a temporary database on $TEST_POSTGRES_URL's server,
default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres, dropped afterwards), migrated, with 100 users
whose Teams chats point at a local connector stand-in and N reminders due now, and the data files read as the
app reads them at start-up (`dialogs.preload`). Then the timed part: `ReminderScheduler.run_due` claims them in
batches, sends each card through the real `TeamsReminderDeliverer` (LotsenAdapter's pooled connector clients,
HTTP to the stand-in) and marks them sent. The stand-in runs in a process of its own: Teams' connector does its
work elsewhere, and in this process its HTTP server would take a good share of the one core Lotsen's event loop
has. A run counts only if the stand-in received every reminder exactly once and the database shows all of them
sent.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.preload import load_data_files  # noqa: E402
from reminders.scheduler import BATCH_SIZE, SEND_CONCURRENCY, RunStats  # noqa: E402
from bench.scratch_database import create_postgres_database, drop_postgres_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from storage.db import create_engine, create_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Reminder, ReminderState  # noqa: E402
from storage.reminders import schedule_many  # noqa: E402
from tests.support.connector_standin import ConnectorStandIn  # noqa: E402
from tests.support.reminder_setup import (  # noqa: E402
    Clock,
    add_user,
    deadline_spec,
    malmo,
    reminder_ids_received,
    teams_scheduler,
)

USERS = 100
DUE = malmo("2027-03-01 09:00")






async def _seed(database_url: str, service_url: str, count: int) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory.begin() as session:
            users = [await add_user(session, f"29:bench-{number}", f"Bench User {number}", service_url=service_url)
                     for number in range(USERS)]
            await schedule_many(session, [
                deadline_spec(user_id=users[number % USERS].id, due_at=DUE, key=f"bench-{number}",
                              application_id=number)
                for number in range(count)
            ])
    finally:
        await engine.dispose()


async def _deliver(database_url: str, instances: int, batch: int, concurrency: int) -> tuple[float, list[RunStats]]:
    """The timed part: `instances` schedulers, each with its own engine and adapter, at once."""
    engines = [create_engine(database_url) for _ in range(instances)]
    clock = Clock(DUE)
    try:
        async with AsyncExitStack() as stack:
            schedulers = [
                await stack.enter_async_context(teams_scheduler(
                    create_session_factory(engine), clock, owner=f"bench-{index}", batch=batch,
                    concurrency=concurrency))
                for index, engine in enumerate(engines)
            ]
            started = time.perf_counter()
            stats = await asyncio.gather(*(scheduler.run_due() for scheduler in schedulers))
            elapsed = time.perf_counter() - started
    finally:
        for engine in engines:
            await engine.dispose()
    return elapsed, list(stats)


def _serve_standin(ports: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The connector stand-in in a process of its own, until terminated; GET /bench/received says what came."""
    standin = ConnectorStandIn()
    app = standin.app()

    async def received(_request: web.Request) -> web.Response:
        counts = reminder_ids_received(standin.cards())
        return web.json_response({"activities": len(standin.received), "counts": list(counts.values())})

    app.router.add_get("/bench/received", received)

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(serve())


async def _check(database_url: str, service_url: str, count: int) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{service_url}/bench/received") as response:
        received = await response.json()
    counts = received["counts"]
    if received["activities"] != count or len(counts) != count or set(counts) != {1}:
        raise SystemExit(f"wrong delivery: {received['activities']} activities for {len(counts)} reminders")
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            sent = await session.scalar(select(func.count()).where(Reminder.state == ReminderState.SENT))
    finally:
        await engine.dispose()
    if sent != count:
        raise SystemExit(f"only {sent} of {count} reminders are marked sent")


async def bench(backend: str, count: int, instances: int, batch: int, concurrency: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue[int] = spawn.Queue()
    standin = spawn.Process(target=_serve_standin, args=(ports,), daemon=True)
    standin.start()
    service_url = f"http://127.0.0.1:{await asyncio.to_thread(ports.get, True, 60)}"
    directory = tempfile.TemporaryDirectory(prefix="lotsen-bench-")
    admin_dsn = None
    try:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{Path(directory.name) / 'bench.db'}"
        else:
            database_url, admin_dsn = await create_postgres_database()
        try:
            await _seed(database_url, service_url, count)
            load_data_files()
            elapsed, stats = await _deliver(database_url, instances, batch, concurrency)
            await _check(database_url, service_url, count)
        finally:
            if admin_dsn is not None:
                await drop_postgres_database(database_url, admin_dsn)
    finally:
        directory.cleanup()
        standin.terminate()
        standin.join()
    delivered = sum(stat.delivered for stat in stats)
    shares = " + ".join(str(stat.delivered) for stat in stats)
    print(f"{backend:10} {instances} instance(s)  {delivered:6d} reminders in {elapsed:6.2f} s  "
          f"{delivered / elapsed:7.0f} reminders/s" + (f"   ({shares})" if instances > 1 else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--instances", type=int, default=1, help="schedulers running at once (default 1)")
    parser.add_argument("--batch", type=int, default=BATCH_SIZE,
                        help=f"reminders claimed at a time (default: the scheduler's, {BATCH_SIZE})")
    parser.add_argument("--concurrency", type=int, default=SEND_CONCURRENCY,
                        help=f"sends at once per instance (default: the scheduler's, {SEND_CONCURRENCY})")
    args = parser.parse_args()
    for backend in args.backends:
        asyncio.run(bench(backend, args.reminders, args.instances, args.batch, args.concurrency))


if __name__ == "__main__":
    main()
