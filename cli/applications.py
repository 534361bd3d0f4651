"""`python -m cli applications show EU-2026-0007 --as USER`: one EU application as USER may see it, refused
(exit 3, nothing printed) when the access rule keeps it from them: an official sees only their own
organisation's applications (and those they registered themselves)."""

from __future__ import annotations

import argparse
import sys

from cli.command import Command
from cli.database import database_session, run_reading
from cli.lookup import USER_HELP, one_user
from cli.output import ACCESS_REFUSED, INVALID_INPUT, fail
from dialogs.applications.programmes import load_programmes
from reports.application_text import application_text
from reports.compilation_file import default_eur_sek_rate, swedish_programme_names, today_in_malmo
from settings import Settings
from storage.access import AccessDenied, NotFound
from storage.applications import find_application_by_reference
from storage.user_text import terminal_line


def _arguments(applications: argparse.ArgumentParser) -> None:
    actions = applications.add_subparsers(dest="applications_command", required=True)
    show = actions.add_parser("show", help="an application by its reference")
    show.add_argument("reference", help="e.g. EU-2026-0007")
    show.add_argument("--as", dest="as_user", required=True, metavar="USER", help=USER_HELP + " of who is asking")


async def _show_command(settings: Settings, args: argparse.Namespace) -> int:
    async with database_session(settings) as session:
        user = await one_user(session, args.as_user, stream=sys.stderr)
        if user is None:
            return INVALID_INPUT
        try:
            application = await find_application_by_reference(session, args.reference, user)
        except ValueError:
            return fail(f"{args.reference!r} is not an application reference; give it like EU-2026-0007",
                        INVALID_INPUT)
        except NotFound:
            return fail(f"no application {args.reference!r}", INVALID_INPUT)
        except AccessDenied:
            return fail(f"refused: {terminal_line(user.name)} ({terminal_line(user.teams_user_id)}) may not "
                        f"see application "
                        f"{args.reference}; officials see only their own organisation's", ACCESS_REFUSED)
        text = application_text(application, swedish_programme_names(load_programmes()),
                                default_eur_sek_rate(settings, today_in_malmo()))
    print(text, end="")
    return 0


def _applications(settings: Settings, args: argparse.Namespace) -> int:
    return run_reading(_show_command, settings, args)


APPLICATIONS = Command("applications", "one EU application, as a user may see it", _applications, _arguments)
