"""`python app.py report …` and `python app.py applications show …`, and the year's compilation built from the
database, which the download route in app.py serves too.

    python app.py report compile --year 2026 [--format docx|xlsx|md] [--out PATH]
    python app.py report show --organisation ORG --year 2026 --as USER
    python app.py applications show EU-2026-0007 --as USER

`report show` and `applications show` print what USER may see, and refuse (exit 3, nothing printed) what the
access rule keeps from them: an official sees only their own organisation's report and applications.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from admin_cli import one_user
from dialogs.programmes import load_programmes
from policy import load_policy, parameter_value
from policy.dates import MALMO_TIME
from reports.compilation import (
    FORMATS,
    Compilation,
    OrganisationReport,
    answer,
    application_status,
    compilation_text,
    default_file_name,
    headers,
    labels,
    write_compilation,
)
from reports.compilation_query import build_compilation, build_organisation_report, programme_name, to_sek
from settings import Settings
from storage.access import AccessDenied, NotFound
from storage.annual_reports import can_view_report
from storage.application_data import Money
from storage.applications import Application, application_reference, find_application_by_reference
from storage.db import create_engine, create_session_factory
from storage.organisations import find_organisation
from storage.user_text import terminal_line


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}


def programme_names() -> dict[str, str]:
    """Programme keys → Swedish names: the compilation goes to kommunfullmäktige in Swedish."""
    return {programme.key: programme.name_sv for programme in load_programmes()}


def default_eur_sek_rate(settings: Settings, on: date) -> float:
    """EUR_SEK_RATE, else the default kept with the policy parameters (for applications stored without a rate)."""
    if settings.eur_sek_rate is not None:
        return settings.eur_sek_rate
    return float(parameter_value("eur_sek_default_rate", on))


def today_in_malmo() -> date:
    return datetime.now(MALMO_TIME).date()


async def compile_year(session: AsyncSession, settings: Settings, year: int, on: date) -> Compilation:
    return await build_compilation(session, year, programme_names=programme_names(),
                                   default_eur_sek_rate=default_eur_sek_rate(settings, on), generated_on=on)


def compilation_bytes(compilation: Compilation, fmt: str) -> bytes:
    """The file's bytes, written in a directory of its own that is gone afterwards (nothing stays on disk)."""
    with tempfile.TemporaryDirectory(prefix="lotsen-compilation-") as directory:
        return write_compilation(compilation, fmt, out=Path(directory)).read_bytes()  # type: ignore[arg-type]



INVALID_INPUT = 2
ACCESS_REFUSED = 3
MIN_YEAR, MAX_YEAR = 2000, 2200


def _year(text: str) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; give it like 2026") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"{year} is not a year between {MIN_YEAR} and {MAX_YEAR}; give it like 2026")
    return year


def add_arguments(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="the yearly compilation for kommunfullmäktige, and one report")
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
    show.add_argument("--as", dest="as_user", required=True, metavar="USER",
                      help="Teams user id, Entra object id, e-mail or display name of who is asking")
    applications = commands.add_parser("applications", help="one EU application, as a user may see it")
    application_actions = applications.add_subparsers(dest="applications_command", required=True)
    application_show = application_actions.add_parser("show", help="an application by its reference")
    application_show.add_argument("reference", help="e.g. EU-2026-0007")
    application_show.add_argument("--as", dest="as_user", required=True, metavar="USER",
                                  help="Teams user id, Entra object id, e-mail or display name of who is asking")


def _fail(message: str, status: int) -> int:
    print(message, file=sys.stderr)
    return status


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
        return _fail(str(error), INVALID_INPUT)
    on = today_in_malmo()
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine)() as session:
            compilation = await compile_year(session, settings, args.year, on)
    finally:
        await engine.dispose()
    try:
        path = write_compilation(compilation, fmt, out=args.out)  # type: ignore[arg-type]
    except OSError as error:
        return _fail(f"cannot write the compilation: {error}", 1)
    print(path)
    return 0


def _money_text(money: Money, eur_sek_rate: float | None, default_rate: float) -> str:
    texts = load_policy().texts
    shown = texts.money(money.amount, money.currency, "sv")
    if money.currency == "SEK":
        return shown
    sek = texts.money(to_sek(money, eur_sek_rate, default_rate), "SEK", "sv")
    return compilation_text("converted", eur=shown, sek=sek)


def _cell(text: str) -> str:
    return terminal_line(text).replace("|", "\\|")


def organisation_report_text(report: OrganisationReport, year: int) -> str:
    """One organisation's report and applications as Markdown, in the compilation's own words."""
    texts = load_policy().texts
    contact = terminal_line(report.contact_name or compilation_text("no_contact"))
    lines = [f"# {report.name} ({labels('kinds')[report.kind].lower()}), {year}", "",
             "- " + compilation_text("status", status=report.status_label),
             "- " + compilation_text(f"contacts.{report.kind}", name=contact),
             "- " + compilation_text("verksamhetsplan", answer=answer(report.in_verksamhetsplan)), ""]
    if report.status == "not_started":
        # A bolag that has not reported is not behind: it has no duty to (3.4).
        lines += [compilation_text("no_report" if report.must_report else "no_voluntary_report"), ""]
    elif not report.items:
        lines += [compilation_text("no_items"), ""]
    for kind, label in labels("item_kinds").items():
        items = [item for item in report.items if item.kind == kind]
        if items:
            lines += [f"## {label}", ""]
        for item in items:
            lines.append(f"- **{terminal_line(item.title)}**")
            if item.description:
                lines.append(f"  {terminal_line(item.description)}")
            if item.focus_areas:
                names = labels("focus_area_names")
                lines.append("  " + compilation_text(
                    "focus_areas", areas=", ".join(f"{area} {names[area].lower()}" for area in item.focus_areas)))
            if item.results:
                lines.append("  " + compilation_text("results", results=terminal_line(item.results)))
        if items:
            lines.append("")
    lines += [f"## {compilation_text('applications')}", ""]
    if not report.applications:
        lines.append(compilation_text("no_applications"))
    else:
        columns = headers("headers.applications")
        del columns[2]  # the organisation: the report's own
        lines += ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        for a in report.applications:
            budget = texts.money(a.total_budget.amount, a.total_budget.currency, "sv")
            if a.total_budget.currency != "SEK":
                budget = compilation_text("converted", eur=budget, sek=texts.money(a.total_budget_sek, "SEK", "sv"))
            granted = (texts.money(a.granted_amount_sek, "SEK", "sv") if a.granted_amount_sek is not None
                       else compilation_text("none"))
            cells = [a.reference, a.project_name, a.programme_name, labels("roles")[a.malmo_role], budget,
                     application_status(a.status), granted]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines).rstrip() + "\n"


def application_text(application: Application, names: dict[str, str], default_rate: float) -> str:
    """One application as "label: value" lines, labelled as in the compilation."""
    budget = (Money(amount_minor=application.total_budget_minor, currency=application.total_budget_currency)
              if application.total_budget_minor is not None else None)
    granted = (Money(amount_minor=application.granted_amount_minor, currency=application.granted_amount_currency)
               if application.granted_amount_minor is not None else None)
    none = compilation_text("none")
    values = [
        application_reference(application),
        terminal_line(application.project_name or none),
        application.organisation.name,
        terminal_line(programme_name(application, names)),
        labels("roles")[application.malmo_role] if application.malmo_role else none,
        _money_text(budget, application.eur_sek_rate, default_rate) if budget else none,
        application_status(application.status),
        _money_text(granted, application.eur_sek_rate, default_rate) if granted else none,
    ]
    return "\n".join(f"{label}: {value}" for label, value in zip(headers("headers.applications"), values)) + "\n"


async def _report_show_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine)() as session:
            user = await one_user(session, args.as_user, stream=sys.stderr)
            if user is None:
                return INVALID_INPUT
            organisation = await find_organisation(session, args.organisation)
            if organisation is None:
                return _fail(f"no organisation called {args.organisation!r} (see storage/data/organisations.yaml)",
                             INVALID_INPUT)
            if not can_view_report(user, organisation.id):
                return _fail(f"refused: {terminal_line(user.name)} ({terminal_line(user.teams_user_id)}) may not "
                             f"see the report of "
                             f"{organisation.name}; officials see only their own organisation's", ACCESS_REFUSED)
            on = today_in_malmo()
            report = await build_organisation_report(session, organisation.id, args.year,
                                                     programme_names=programme_names(),
                                                     default_eur_sek_rate=default_eur_sek_rate(settings, on))
    finally:
        await engine.dispose()
    print(organisation_report_text(report, args.year), end="")
    return 0


async def _application_show_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine)() as session:
            user = await one_user(session, args.as_user, stream=sys.stderr)
            if user is None:
                return INVALID_INPUT
            try:
                application = await find_application_by_reference(session, args.reference, user)
            except ValueError:
                return _fail(f"{args.reference!r} is not an application reference; give it like EU-2026-0007",
                             INVALID_INPUT)
            except NotFound:
                return _fail(f"no application {args.reference!r}", INVALID_INPUT)
            except AccessDenied:
                return _fail(f"refused: {terminal_line(user.name)} ({terminal_line(user.teams_user_id)}) may not "
                             f"see application "
                             f"{args.reference}; officials see only their own organisation's", ACCESS_REFUSED)
            text = application_text(application, programme_names(), default_eur_sek_rate(settings, today_in_malmo()))
    finally:
        await engine.dispose()
    print(text, end="")
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "applications":
        command = _application_show_command
    else:
        command = _compile_command if args.report_command == "compile" else _report_show_command
    try:
        return asyncio.run(command(settings, args))
    except (DBAPIError, OSError) as error:
        # A database that is down or not migrated yet: one line, not a traceback.
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        return _fail(f"cannot read the database {where}: {reason} (is it up, and migrated with "
                     f"`python app.py migrate`?)", 1)
