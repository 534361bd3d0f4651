"""`python -m cli report …`: the year's compilation for kommunfullmäktige, and one organisation's report.

    python -m cli report compile --year 2026 [--format docx|xlsx|md] [--out PATH]
    python -m cli report show --organisation ORG --year 2026 --as USER

`report show` prints what USER may see, and refuses (exit 3, nothing printed) what the access rule keeps from
them: an official sees only their own organisation's report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.command import Command
from cli.database import database_session, run_reading
from cli.lookup import USER_HELP, one_user
from cli.output import ACCESS_REFUSED, INVALID_INPUT, fail
from dialogs.applications.programmes import load_programmes
from reports.compilation import FORMATS, default_file_name, write_compilation
from reports.compilation_file import compile_year, default_eur_sek_rate, swedish_programme_names, today_in_malmo
from reports.compilation_query import build_organisation_report
from reports.organisation_report import organisation_report_text
from settings import Settings
from storage.annual_reports import can_view_report
from storage.organisations import find_organisation
from storage.user_text import terminal_line

MIN_YEAR, MAX_YEAR = 2000, 2200


def _year(text: str) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; give it like 2026") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"{year} is not a year between {MIN_YEAR} and {MAX_YEAR}; give it like 2026")
    return year


def _arguments(report: argparse.ArgumentParser) -> None:
    actions = report.add_subparsers(dest="report_command", required=True)
    compile_ = actions.add_parser("compile", help="write the year's compilation as docx (default), xlsx or md")
    compile_.add_argument("--year", type=_year, required=True, help="the year reported on, e.g. 2026")
    compile_.add_argument("--format", choices=FORMATS, default=None,
                          help="docx (default, or the --out file's own suffix), xlsx or md")
    compile_.add_argument("--out", type=Path, default=None,
                          help=f"file or directory to write (default: build/{default_file_name(2026, 'docx')})")
    show = actions.add_parser("show", help="one organisation's report and applications, as USER may see them")
    show.add_argument("--organisation", required=True, help='name or slug, e.g. "Miljönämnden" or miljonamnden')
    show.add_argument("--year", type=_year, required=True, help="the year reported on, e.g. 2026")
    show.add_argument("--as", dest="as_user", required=True, metavar="USER", help=USER_HELP + " of who is asking")


def _compilation_format(args: argparse.Namespace) -> str:
    """--format, else the --out file's suffix when it names a format, else docx; ValueError when they differ."""
    suffix = args.out.suffix.lstrip(".").lower() if args.out is not None and not args.out.is_dir() else ""
    if args.format is not None:
        if suffix in FORMATS and suffix != args.format:
            raise ValueError(f"--out {args.out} ends in .{suffix} but --format is {args.format}")
        return args.format
    return suffix if suffix in FORMATS else "docx"


async def _compile_command(settings: Settings, args: argparse.Namespace) -> int:
    try:
        fmt = _compilation_format(args)
    except ValueError as error:
        return fail(str(error), INVALID_INPUT)
    on = today_in_malmo()
    async with database_session(settings) as session:
        compilation = await compile_year(session, settings, args.year, on,
                                         swedish_programme_names(load_programmes()))
    try:
        path = write_compilation(compilation, fmt, out=args.out)  # type: ignore[arg-type]
    except OSError as error:
        return fail(f"cannot write the compilation: {error}", 1)
    print(path)
    return 0


async def _show_command(settings: Settings, args: argparse.Namespace) -> int:
    async with database_session(settings) as session:
        user = await one_user(session, args.as_user, stream=sys.stderr)
        if user is None:
            return INVALID_INPUT
        organisation = await find_organisation(session, args.organisation)
        if organisation is None:
            return fail(f"no organisation called {args.organisation!r} (see storage/data/organisations.yaml)",
                        INVALID_INPUT)
        if not can_view_report(user, organisation.id):
            return fail(f"refused: {terminal_line(user.name)} ({terminal_line(user.teams_user_id)}) may not "
                        f"see the report of "
                        f"{organisation.name}; officials see only their own organisation's", ACCESS_REFUSED)
        report = await build_organisation_report(
            session, organisation.id, args.year, programme_names=swedish_programme_names(load_programmes()),
            default_eur_sek_rate=default_eur_sek_rate(settings, today_in_malmo()))
    print(organisation_report_text(report, args.year), end="")
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    return run_reading(_compile_command if args.report_command == "compile" else _show_command, settings, args)


REPORT = Command("report", "the yearly compilation for kommunfullmäktige, and one report", _report, _arguments)
