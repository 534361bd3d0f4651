"""`python -m cli history`: what happened to applications, annual reports, contact persons and roles.

The operator reads the history of every organisation: this command passes `storage.history.OPERATOR` as the
viewer, which only the command line does.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from cli.command import Command
from cli.database import database_session
from cli.lookup import named_organisation
from cli.output import local_minute
from settings import Settings
from storage.history import MAX_LIMIT, OPERATOR, read_history
from storage.user_text import terminal_line


def _arguments(history: argparse.ArgumentParser) -> None:
    history.add_argument("--organisation", help='only this organisation, e.g. "Miljönämnden" or miljonamnden')
    history.add_argument("--limit", type=int, default=50, help=f"how many events (1 to {MAX_LIMIT}, default 50)")


async def _history_command(settings: Settings, args: argparse.Namespace) -> int:
    """Prints the history, newest first, times in Europe/Stockholm, as the operator (every organisation)."""
    if not 1 <= args.limit <= MAX_LIMIT:
        print(f"--limit must be 1 to {MAX_LIMIT}, e.g. --limit 100")
        return 2
    async with database_session(settings) as session:
        organisation_id = None
        if args.organisation is not None:
            organisation = await named_organisation(session, args.organisation)
            if organisation is None:
                return 2
            organisation_id = organisation.id
        entries = await read_history(session, OPERATOR, organisation_id=organisation_id, limit=args.limit)
    for entry in entries:
        details = terminal_line(json.dumps(entry.details, ensure_ascii=False, sort_keys=True))
        print(
            f"{local_minute(entry.at)}  {entry.source:14} {entry.kind:30} {terminal_line(entry.subject):25} "
            f"{entry.organisation_name or '-':35} {terminal_line(entry.actor_name or 'operator/Lotsen'):25} {details}"
        )
    if not entries:
        print("no history yet")
    return 0


def _history(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_history_command(settings, args))


HISTORY = Command("history",
                  "what happened to applications, annual reports, contact persons and roles, newest first",
                  _history, _arguments)
