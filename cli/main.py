"""The command table and its dispatch: `python -m cli COMMAND …` (and `python app.py COMMAND …`, which forwards
here). Without a command it serves, as `python app.py` always has, because hosting runs it that way.

    python -m cli [serve]          serve the bot (POST /api/messages, GET /healthz) on HOST:PORT
    python -m cli migrate          bring the database schema up to date and seed the organisations
    python -m cli backup FILE      the database to a file; `restore FILE --yes` back (cli/backup.py)
    python -m cli chat             talk to the bot in this terminal, same bot, same database
    python -m cli users …          roles, organisations and contact persons (cli/users.py)
    python -m cli directory …      where the directory's values place users (cli/directory.py)
    python -m cli history          the event history (cli/history.py)
    python -m cli unanswered       what the policy module could not answer (cli/unanswered.py)
    python -m cli reminders …      list reminders, or send those due (cli/reminders.py)
    python -m cli report …         the year's compilation, one organisation's report (cli/reports.py)
    python -m cli applications …   one application (cli/applications.py)
"""

from __future__ import annotations

import argparse
import logging
import sys

from pydantic import ValidationError

from cli import applications, backup, chat, directory, history, migrate, reminders, reports, serve, unanswered, users
from cli.command import Command
from settings import Settings

# In the order `--help` lists them.
COMMANDS: tuple[Command, ...] = (
    serve.SERVE,
    migrate.MIGRATE,
    backup.BACKUP,
    backup.RESTORE,
    unanswered.UNANSWERED,
    users.USERS,
    directory.DIRECTORY,
    history.HISTORY,
    chat.CHAT,
    reminders.REMINDERS,
    reports.REPORT,
    applications.APPLICATIONS,
)
DEFAULT = serve.SERVE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli", description="Lotsen, a Teams assistant for Malmö stad.")
    commands = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.arguments(commands.add_parser(command.name, help=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"configuration error: {problems} (see .env.example)", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    command = next((command for command in COMMANDS if command.name == args.command), DEFAULT)
    return command.run(settings, args)
