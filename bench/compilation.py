"""How long the compilation for kommunfullmäktige takes: built from the database, then written in each format.

    python bench/compilation.py [--applications 20] [--items 12] [--rounds 5] [--backends sqlite postgresql]

For each database: a fresh one (a temporary SQLite file; a temporary database on $TEST_POSTGRES_URL's server,
default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres, dropped afterwards), migrated and seeded with a
year in which every active organisation (23) has submitted a report of N items and registered M applications
(every fourth in euro, every third granted). Timed, per round: the query that fills the compilation
(`reports.compilation_query.build_compilation`), and writing it as Markdown, Word and Excel. This is what a
coordinator waits for when opening a download link; the figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch_database import create_postgres_database, drop_postgres_database  # noqa: E402
from dialogs.applications.programmes import load_programmes  # noqa: E402
from reports.compilation import FORMATS, write_compilation  # noqa: E402
from reports.compilation_file import swedish_programme_names  # noqa: E402
from reports.compilation_query import build_compilation  # noqa: E402
from storage.annual_reports import add_item, get_or_create_draft, submit  # noqa: E402
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money  # noqa: E402
from storage.applications import create_application, set_status  # noqa: E402
from storage.db import create_engine, create_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AnnualReportItemKind, Role, User  # noqa: E402
from storage.organisations import list_organisations  # noqa: E402

YEAR = 2026
KINDS = list(AnnualReportItemKind)
PROGRAMMES = ["interreg_oks", "erasmus_plus", "horizon_europe", "life", "urbact", "esf_plus"]


async def _seed(database_url: str, applications: int, items: int) -> int:
    """Every active organisation reports and registers; returns how many organisations."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            organisations = await list_organisations(session)
            for number, organisation in enumerate(organisations):
                official = User(teams_user_id=f"29:bench-{number}", name=f"Tjänsteperson {number}",
                                organisation_id=organisation.id, role=Role.OFFICIAL)
                session.add(official)
                await session.flush()
                for index in range(applications):
                    currency = "EUR" if index % 4 == 0 else "SEK"
                    application, _ = await create_application(
                        session, data=ApplicationData(
                            project_name=f"Projekt {number}-{index}", programme=PROGRAMMES[index % len(PROGRAMMES)],
                            organisation_slug=organisation.slug,
                            malmo_role=MalmoRole.OWNER if index % 2 else MalmoRole.PARTNER,
                            total_budget=Money.of(1_000_000 + 250_000 * index, currency),
                            planned_submission_date=date(YEAR, 1 + index % 12, 10)),
                        organisation=organisation, created_by=official, submission_key=f"bench-{number}-{index}",
                        eur_sek_rate=11.2 if currency == "EUR" else None, information_item_required=False,
                        information_item_draft=None)
                    if index % 3 == 0:
                        await set_status(session, application, ApplicationStatus.GRANTED, official,
                                         granted_amount=Money.of(500_000 + 100_000 * index, currency))
                report = await get_or_create_draft(session, organisation.id, YEAR, official)
                for index in range(items):
                    await add_item(session, report, official, kind=KINDS[index % len(KINDS)],
                                   title=f"Arbete {index}", description="Beskrivning av arbetet. " * 5,
                                   focus_areas=["2a", "2c"] if index % 2 else ["2b"], results="Resultat. " * 3)
                for item in report.items:
                    if not item.focus_areas:  # the prefilled EU projects
                        item.focus_areas = ["2a"]
                await submit(session, report, official)
            return len(organisations)
    finally:
        await engine.dispose()


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


async def _measure(database_url: str, rounds: int) -> dict[str, float]:
    engine = create_engine(database_url)
    names = swedish_programme_names(load_programmes())
    timings: dict[str, list[float]] = {"query": [], **{fmt: [] for fmt in FORMATS}}
    try:
        session_factory = create_session_factory(engine)
        with tempfile.TemporaryDirectory() as directory:
            for _ in range(rounds):
                started = time.perf_counter()
                async with session_factory() as session:
                    compilation = await build_compilation(session, YEAR, programme_names=names,
                                                          default_eur_sek_rate=11.0, generated_on=date(2027, 4, 1))
                timings["query"].append((time.perf_counter() - started) * 1000)
                for fmt in FORMATS:
                    timings[fmt].append(_timed(lambda: write_compilation(compilation, fmt, out=Path(directory))))
        applications = sum(len(organisation.applications) for organisation in compilation.organisations)
        items = sum(len(organisation.items) for organisation in compilation.organisations)
    finally:
        await engine.dispose()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    medians["applications"], medians["items"] = applications, items
    return medians


async def _run(backend: str, args: argparse.Namespace) -> None:
    drop: str | None = None
    with tempfile.TemporaryDirectory() as directory:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{directory}/bench.db"
        else:
            database_url, drop = await create_postgres_database()
        try:
            await upgrade(database_url)
            organisations = await _seed(database_url, args.applications, args.items)
            result = await _measure(database_url, args.rounds)
        finally:
            if drop is not None:
                await drop_postgres_database(database_url, drop)
    print(f"{backend:10} {organisations} organisations, {result['applications']:.0f} applications, "
          f"{result['items']:.0f} items: query {result['query']:.0f} ms, "
          + ", ".join(f"{fmt} {result[fmt]:.0f} ms" for fmt in FORMATS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=20, help="applications per organisation (default 20)")
    parser.add_argument("--items", type=int, default=12, help="report items per organisation (default 12)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; medians are shown (default 5)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    for backend in args.backends:
        asyncio.run(_run(backend, args))


if __name__ == "__main__":
    main()
