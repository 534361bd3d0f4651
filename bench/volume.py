"""Cost at decades of data: the hourly reminder planner, the application lists and the compilation, on a database
holding 100 000 applications over 30 years and 1 000 000 reminder rows, on SQLite and on PostgreSQL.

    python bench/volume.py [--applications 100000] [--reminders 1000000] [--backends sqlite postgresql]
                           [--explain]

For each database: a fresh one (a temporary SQLite file; a temporary database on $TEST_POSTGRES_URL's server,
default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres, dropped afterwards), migrated, then filled in
bulk (sqlite3's executemany, asyncpg's COPY): ~500 users of the 23 seeded organisations, the applications one
after the other over 30 years (the last half year's still drafts; 30 % with an informationsärende, of the older
ones 2 % never marked sent) and the reminders their life would have left (three before each call deadline, then
weekly ones for each informationsärende, sent, done or cancelled). Then, timed:

- planner: `reminders.planner.plan_recurring_reminders` with the app's session factory, twice — the first run
  plans what the data asks for, the second finds nothing new (what every hour costs). "blocked" is the longest
  the event loop went without running a 5 ms ticker task while the planner ran.
- turns: while the planner runs (and, for comparison, while nothing else does), four simulated conversations
  take turns one after the other. A "turn" here is NOT a bot turn over HTTP (the full bot on top of a million
  rows does not fit a quick bench): it is one short transaction touching what a turn touches — the user looked
  up by Teams id, their upcoming reminders read, the user row written. Turns that fail (SQLite's "database is
  locked") are counted.
- lists: a KS coordinator's "mina ansökningar" (first page and its count: every application), a nämnd
  official's (one organisation's), as `storage.applications.list_applications_page` reads them.
- compilation: `reports.compilation_query.build_compilation` for the latest full year.

`--explain` prints the query plans of the queries the indexes of migration 0011 serve. `--gc-freeze` moves what
start-up loaded (the policy, its classifier, the catalogs) out of the garbage collector's reach (`gc.freeze()`)
before measuring: without it, a full collection walks all of that, a pause of a few hundred milliseconds
that any allocation-heavy work (a planner run, a long list) sets off sooner.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from dialogs.preload import load_data_files  # noqa: E402
from reminders.planner import plan_recurring_reminders  # noqa: E402
from reports.compilation_query import build_compilation  # noqa: E402
from storage.applications import list_applications_page  # noqa: E402
from storage.db import create_engine, create_session_factory  # noqa: E402
from bench.scratch_database import create_postgres_database, drop_postgres_database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Organisation, Role, User, utc_now  # noqa: E402
from storage.reminders import list_upcoming_for_user  # noqa: E402

YEARS = 30
OFFICIALS_PER_ORGANISATION = 20
COORDINATORS = 5
PAGE = 25
CONVERSATIONS = 4
TICK_SECONDS = 0.005
DEADLINE_MMDD = "03-31"
HOUR = 9
STATUSES_AFTER = ("submitted", "granted", "rejected", "ongoing", "closed")

APPLICATION_COLUMNS = (
    "id", "organisation_id", "created_by_user_id", "submission_key", "project_name", "programme", "malmo_role",
    "total_budget_minor", "total_budget_currency", "planned_submission_date", "call_deadline",
    "contact_teams_user_id", "status", "information_item_required", "created_at", "updated_at",
)
ITEM_COLUMNS = ("id", "application_id", "status", "sent_on", "created_at", "updated_at")
REMINDER_COLUMNS = (
    "kind", "subject_type", "subject_id", "recipient_user_id", "due_at", "state", "attempts", "idempotency_key",
    "cycle", "sent_at", "done_at", "details", "created_at", "updated_at",
)


# --- the data ---------------------------------------------------------------------------------------------


@dataclass
class People:
    officials: dict[int, list[tuple[int, str]]]  # organisation id -> (user id, Teams id)
    coordinator_id: int
    official_id: int  # of the first organisation, for the nämnd list and the turns


@dataclass
class Data:
    applications: list[tuple[Any, ...]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    reminders: list[tuple[Any, ...]] = field(default_factory=list)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc)


def generate(people: People, applications: int, reminders: int, now: datetime, seed: int = 7) -> Data:
    """The applications one after the other over YEARS years, and about `reminders` reminder rows for them."""
    rng = random.Random(seed)
    today = now.date()
    first = today - timedelta(days=365 * YEARS)
    step = (today - first) / applications
    organisations = sorted(people.officials)
    data = Data()
    item_ids: list[tuple[int, int, date, int, bool]] = []  # item id, app id, start, recipient, still to do
    for number in range(applications):
        application_id = number + 1
        created = first + step * number
        organisation_id = organisations[number % len(organisations)]
        creator_id, creator_teams = rng.choice(people.officials[organisation_id])
        planned = created + timedelta(days=30) if rng.random() < 0.8 else None
        deadline = created + timedelta(days=rng.randint(30, 150))
        recent = (today - created).days < 180
        status = "draft" if recent else rng.choice(STATUSES_AFTER)
        required = rng.random() < 0.3
        data.applications.append((
            application_id, organisation_id, creator_id, f"vol-{application_id}", f"Projekt {application_id}",
            rng.choice(("interreg", "horizon", "erasmus", "life")), rng.choice(("owner", "partner")),
            rng.randint(10_000, 5_000_000) * 100, rng.choice(("SEK", "EUR")), planned, deadline,
            creator_teams if rng.random() < 0.5 else None, status, required, _at(created), _at(created),
        ))
        if required:
            item_id = len(data.items) + 1
            open_item = recent or rng.random() < 0.02
            sent_on = None if open_item else (planned or deadline) + timedelta(days=rng.randint(0, 60))
            data.items.append((item_id, application_id, "todo" if open_item else "sent", sent_on,
                               _at(created), _at(created)))
            item_ids.append((item_id, application_id, planned or deadline, creator_id, open_item))
        for days_before in (14, 7, 2):
            due = _at(deadline - timedelta(days=days_before))
            state = "pending" if due > now else ("sent" if rng.random() < 0.7 else "cancelled")
            data.reminders.append((
                "application_deadline", "application", application_id, creator_id, due, state, 0,
                f"application_deadline:{application_id}:{deadline.isoformat()}:{days_before}",
                deadline.isoformat(), due if state == "sent" else None, None,
                json.dumps({"application_id": application_id, "days_before": days_before}), due, due,
            ))
    # The rest of the rows: the weekly informationsärende reminders, spread over the items.
    remaining = max(reminders - len(data.reminders), 0)
    per_item = remaining // max(len(item_ids), 1)
    extra = remaining - per_item * len(item_ids)
    for index, (item_id, application_id, start, recipient, open_item) in enumerate(item_ids):
        weeks = per_item + (1 if index < extra else 0)
        # The last weeks before now for an open item (it is still being reminded); from its start otherwise.
        begin = today - timedelta(weeks=weeks) if open_item and start < today - timedelta(weeks=weeks) else start
        for week in range(weeks):
            occurrence = begin + timedelta(weeks=week)
            due = _at(occurrence)
            if due > now:
                state = "pending"
            elif not open_item and week == weeks - 1:
                state = "done"
            else:
                state = "sent"
            data.reminders.append((
                "information_item", "information_item", item_id, recipient, due, state, 1 if state != "pending" else 0,
                f"information_item:{item_id}:{occurrence.isoformat()}", "", due if state != "pending" else None,
                due if state == "done" else None,
                json.dumps({"application_id": application_id, "occurrence": occurrence.isoformat()}), due, due,
            ))
    return data


# --- loading it in bulk -------------------------------------------------------------------------------------


async def _people(session_factory: async_sessionmaker[AsyncSession]) -> People:
    async with session_factory.begin() as session:
        organisations = list((await session.scalars(select(Organisation).order_by(Organisation.id))).all())
        now = utc_now()
        officials: dict[int, list[tuple[int, str]]] = {}
        for organisation in organisations:
            for number in range(OFFICIALS_PER_ORGANISATION):
                teams_id = f"29:vol-{organisation.id}-{number}"
                user = User(teams_user_id=teams_id, name=f"Tjänsteperson {organisation.id}-{number}",
                            organisation_id=organisation.id, role=Role.OFFICIAL, created_at=now, updated_at=now)
                session.add(user)
                await session.flush()
                officials.setdefault(organisation.id, []).append((user.id, teams_id))
        coordinators = []
        for number in range(COORDINATORS):
            user = User(teams_user_id=f"29:vol-ks-{number}", name=f"KS {number}", role=Role.KS_COORDINATOR,
                        created_at=now, updated_at=now)
            session.add(user)
            await session.flush()
            coordinators.append(user.id)
    first = organisations[0].id
    return People(officials=officials, coordinator_id=coordinators[0], official_id=officials[first][0][0])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _load_sqlite(path: Path, data: Data) -> None:
    connection = sqlite3.connect(path)
    try:
        for table, columns, rows in _tables(data):
            marks = ", ".join("?" for _ in columns)
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                ([_sqlite_value(value) for value in row] for row in rows),
            )
        connection.commit()
    finally:
        connection.close()


async def _load_postgres(dsn: str, data: Data) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        for table, columns, rows in _tables(data):
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        for table in ("applications", "information_items", "reminders"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _tables(data: Data) -> Iterator[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    yield "applications", APPLICATION_COLUMNS, data.applications
    yield "information_items", ITEM_COLUMNS, data.items
    yield "reminders", REMINDER_COLUMNS, data.reminders


# --- what is measured ---------------------------------------------------------------------------------------


class LoopWatch:
    """The longest the event loop went without running a task that asks to run every TICK_SECONDS."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            moment = time.perf_counter()
            self.longest = max(self.longest, moment - last - TICK_SECONDS)
            last = moment

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.create_task(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


@dataclass
class Turns:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    def p(self, quantile: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


async def _turn(session_factory: async_sessionmaker[AsyncSession], teams_id: str) -> None:
    """What a turn touches: the user by Teams id, their upcoming reminders, the user row written."""
    async with session_factory.begin() as session:
        user = await session.scalar(select(User).where(User.teams_user_id == teams_id))
        assert user is not None
        await list_upcoming_for_user(session, user.id, now=utc_now())
        await session.execute(update(User).where(User.id == user.id).values(updated_at=utc_now()))


async def _turns_while(session_factory: async_sessionmaker[AsyncSession], people: People,
                       work: Awaitable[Any]) -> tuple[Any, Turns]:
    """Runs `work` while CONVERSATIONS simulated conversations take turns; its result and the turns' figures."""
    turns = Turns()
    done = asyncio.Event()
    teams_ids = [teams_id for users in people.officials.values() for _, teams_id in users][:CONVERSATIONS]

    async def conversation(teams_id: str) -> None:
        while not done.is_set():
            started = time.perf_counter()
            try:
                await _turn(session_factory, teams_id)
            except Exception:  # "database is locked", a timeout: a turn the user saw fail
                turns.failures += 1
            else:
                turns.latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.01)  # the next message of the conversation

    tasks = [asyncio.create_task(conversation(teams_id)) for teams_id in teams_ids]
    try:
        result = await work
    finally:
        done.set()
        await asyncio.gather(*tasks)
    return result, turns


async def _timed(call: Callable[[], Awaitable[Any]]) -> tuple[Any, float, float]:
    """(result, seconds, longest event-loop stall)."""
    with LoopWatch() as watch:
        started = time.perf_counter()
        result = await call()
        elapsed = time.perf_counter() - started
        await asyncio.sleep(TICK_SECONDS * 2)
    return result, elapsed, watch.longest


@dataclass
class Row:
    what: str
    seconds: float
    blocked: float | None = None
    note: str = ""


async def measure(session_factory: async_sessionmaker[AsyncSession], people: People, now: datetime,
                  freeze: bool) -> list[Row]:
    rows: list[Row] = []
    await asyncio.to_thread(load_data_files)  # as the app does at start-up: no first read on the loop
    if freeze:
        gc.freeze()

    async def plan() -> int:
        return await plan_recurring_reminders(session_factory, now=now, deadline_mmdd=DEADLINE_MMDD, hour=HOUR)

    # Turns with nothing else running, for comparison.
    _, idle = await _turns_while(session_factory, people, asyncio.sleep(2))
    rows.append(Row("turns, idle (2 s)", idle.p(0.99),
                    note=f"{len(idle.latencies)} turns, p50 {idle.p(0.5) * 1000:.1f} ms, {idle.failures} failed"))
    for label in ("planner, first run", "planner, again (nothing new)"):
        (planned, elapsed, blocked), turns = await _turns_while(session_factory, people, _timed(plan))
        rows.append(Row(label, elapsed, blocked, f"{planned} planned"))
        rows.append(Row("  turns meanwhile: p99", turns.p(0.99),
                        note=f"{len(turns.latencies)} turns, p50 {turns.p(0.5) * 1000:.1f} ms, "
                             f"{turns.failures} failed"))

    async def listing(user_id: int) -> tuple[int, int]:
        async with session_factory() as session:
            viewer = await session.get(User, user_id)
            assert viewer is not None
            page = await list_applications_page(session, viewer, page=1, per_page=PAGE)
            return len(page.applications), page.total

    viewers = (("list, KS coordinator", people.coordinator_id), ("list, nämnd official", people.official_id))
    for label, user_id in viewers:
        await listing(user_id)  # warm the connection and caches; the second is measured
        (shown, total), elapsed, blocked = await _timed(lambda: listing(user_id))
        rows.append(Row(label, elapsed, blocked, f"{shown} of {total}"))

    year = now.year - 1

    async def compile_year() -> int:
        async with session_factory() as session:
            compilation = await build_compilation(session, year, programme_names={}, default_eur_sek_rate=11.0,
                                                  generated_on=now.date())
        return sum(len(organisation.applications) for organisation in compilation.organisations)

    lines, elapsed, blocked = await _timed(compile_year)
    rows.append(Row(f"compilation {year}", elapsed, blocked, f"{lines} applications"))
    return rows


# --- query plans ------------------------------------------------------------------------------------------


def explained_queries(people: People, now: datetime) -> dict[str, str]:
    """The queries the indexes of 0011 serve, as the code issues them (values written in)."""
    moment = now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    year = now.year - 1
    return {
        "applications by creator": (
            f"SELECT id FROM applications WHERE created_by_user_id = {people.official_id} "
            "ORDER BY created_at DESC, id DESC LIMIT 25"),
        "coordinator's first page": "SELECT id FROM applications ORDER BY created_at DESC, id DESC LIMIT 25",
        "official's first page": (
            "SELECT id FROM applications WHERE organisation_id = 1 ORDER BY created_at DESC, id DESC LIMIT 25"),
        "claim order": (
            "SELECT candidate.id FROM reminders AS candidate WHERE candidate.state IN ('pending', 'snoozed') "
            f"AND candidate.due_at <= '{moment}' AND (candidate.lease_expires_at IS NULL OR "
            f"candidate.lease_expires_at <= '{moment}') AND NOT (EXISTS (SELECT reminder_pauses.id FROM "
            "reminder_pauses WHERE reminder_pauses.user_id = candidate.recipient_user_id AND "
            "reminder_pauses.kind = candidate.kind)) ORDER BY candidate.due_at, candidate.id LIMIT 100"),
        "cancel_resolved (deadlines)": (
            "SELECT id FROM reminders WHERE kind = 'application_deadline' AND subject_type = 'application' "
            "AND state IN ('pending', 'snoozed') AND EXISTS (SELECT * FROM applications "
            "WHERE applications.id = reminders.subject_id AND applications.status != 'draft')"),
        "planner's applications": (
            f"SELECT id FROM applications WHERE status = 'draft' AND call_deadline >= '{now.date().isoformat()}' "
            "UNION SELECT application_id FROM information_items WHERE status = 'todo'"),
        "done cycles of a chunk": (
            "SELECT DISTINCT subject_type, subject_id, kind, cycle FROM reminders WHERE state = 'done' "
            "AND subject_type = 'information_item' AND subject_id IN (1, 2, 3)"),
        f"compilation {year}": (
            f"SELECT id FROM applications WHERE planned_submission_date BETWEEN '{year}-01-01' AND '{year}-12-31' "
            f"OR (planned_submission_date IS NULL AND created_at >= '{year - 1}-12-31 23:00:00' "
            f"AND created_at < '{year}-12-31 23:00:00')"),
    }


async def explain(session_factory: async_sessionmaker[AsyncSession], backend: str, people: People,
                  now: datetime) -> None:
    prefix = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    async with session_factory() as session:
        for label, sql in explained_queries(people, now).items():
            plan = (await session.execute(text(prefix + sql))).all()
            lines = [row[-1] for row in plan]
            print(f"  -- {label}")
            for line in lines:
                print(f"     {line}")
        if backend == "postgresql":
            # asyncpg prepares its statements: the plan PostgreSQL may keep for them is the generic one.
            await session.execute(text("SET plan_cache_mode = force_generic_plan"))
            await session.execute(text(
                "PREPARE claim(text, text, timestamptz) AS SELECT candidate.id FROM reminders AS candidate "
                "WHERE candidate.state IN ($1, $2) AND candidate.due_at <= $3 AND (candidate.lease_expires_at "
                "IS NULL OR candidate.lease_expires_at <= $3) ORDER BY candidate.due_at, candidate.id LIMIT 100"))
            moment = now.astimezone(timezone.utc).isoformat()
            plan = (await session.execute(text(f"EXPLAIN EXECUTE claim('pending', 'snoozed', '{moment}')"))).all()
            print("  -- claim order, generic plan")
            for row in plan:
                print(f"     {row[-1]}")


# --- one backend ------------------------------------------------------------------------------------------






async def bench(backend: str, applications: int, reminders: int, show_plans: bool, freeze: bool) -> None:
    directory = tempfile.TemporaryDirectory(prefix="lotsen-volume-")
    admin_dsn = None
    now = datetime.now(timezone.utc)
    try:
        if backend == "sqlite":
            path = Path(directory.name) / "volume.db"
            database_url = f"sqlite+aiosqlite:///{path}"
        else:
            database_url, admin_dsn = await create_postgres_database()
        try:
            await upgrade(database_url)
            engine = create_engine(database_url)
            try:
                session_factory = create_session_factory(engine)
                people = await _people(session_factory)
                started = time.perf_counter()
                data = generate(people, applications, reminders, now)
                if backend == "sqlite":
                    await asyncio.to_thread(_load_sqlite, path, data)
                else:
                    await _load_postgres(make_url(database_url).set(drivername="postgresql").render_as_string(
                        hide_password=False), data)
                seeded = time.perf_counter() - started
                print(f"\n{backend}: {len(data.applications)} applications, {len(data.items)} informationsärenden, "
                      f"{len(data.reminders)} reminders, seeded in {seeded:.1f} s")
                del data
                if show_plans:
                    await explain(session_factory, backend, people, now)
                rows = await measure(session_factory, people, now, freeze)
            finally:
                await engine.dispose()
        finally:
            if admin_dsn is not None:
                await drop_postgres_database(database_url, admin_dsn)
    finally:
        directory.cleanup()
    print(f"  {'':32} {'seconds':>9} {'blocked':>9}")
    for row in rows:
        blocked = f"{row.blocked * 1000:7.0f}ms" if row.blocked is not None else ""
        print(f"  {row.what:32} {row.seconds * 1000:7.0f}ms {blocked:>9}  {row.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--explain", action="store_true", help="print the plans of the indexed queries")
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after loading the data files")
    args = parser.parse_args()
    for backend in args.backends:
        asyncio.run(bench(backend, args.applications, args.reminders, args.explain, args.gc_freeze))


if __name__ == "__main__":
    main()
