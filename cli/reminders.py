"""`python -m cli reminders …`: the scheduler's work without the scheduler, for operations and simulated time.

    python -m cli reminders list [--state pending] [--limit 200]
    python -m cli reminders run-due [--now 2027-02-01T09:00]

`run-due` plans the recurring reminders and sends what is due at that moment (naive times are Malmö's), through
Teams exactly as the in-app scheduler would (the bot's adapter and credentials from the settings), prints what
came of it and exits. Reminders that other instances hold a lease on are left to them.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timezone

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.reminder_delivery import build_reminder_scheduler
from cli.command import Command
from cli.database import database_sessions
from cli.output import local_minute
from cli.reminder_table import format_table
from policy.dates import MALMO_TIME
from reminders.background import default_owner
from settings import Settings
from storage.migrate import upgrade
from storage.models import ReminderState
from storage.reminders import list_reminders


def parse_moment(value: str) -> datetime:
    """An ISO date and time ("2027-02-01T09:00", "2027-02-01 09:00", "2027-02-01"); naive means Malmö's time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date and time like 2027-02-01T09:00: {value!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=MALMO_TIME)
    return moment.astimezone(timezone.utc)


def _arguments(reminders: argparse.ArgumentParser) -> None:
    actions = reminders.add_subparsers(dest="reminders_command", required=True, metavar="{list,run-due}")
    listing = actions.add_parser("list", help="show reminders, soonest due first")
    listing.add_argument("--state", action="append", choices=[state.value for state in ReminderState],
                         help="only reminders in this state (repeat for several)")
    listing.add_argument("--limit", type=int, default=200, help="at most this many rows (default 200)")
    run_due = actions.add_parser("run-due", help="plan recurring reminders, send what is due, print the counts")
    run_due.add_argument("--now", type=parse_moment, default=None,
                         help="the moment to act at, e.g. 2027-02-01T09:00 (Europe/Stockholm unless an offset "
                              "is given; default: now)")


async def _reminders_command(settings: Settings, args: argparse.Namespace) -> int:
    if settings.should_auto_migrate:
        await upgrade(settings.database_url)
    async with database_sessions(settings) as session_factory:
        if args.reminders_command == "list":
            async with session_factory() as session:
                reminders = await list_reminders(session, states=args.state, limit=args.limit)
            print(format_table(reminders))
            return 0
        return await _run_due(settings, session_factory, args.now or datetime.now(timezone.utc))


async def _run_due(settings: Settings, session_factory, now: datetime) -> int:
    authentication = LotsenAuthentication(settings)
    try:
        scheduler = build_reminder_scheduler(settings, session_factory, LotsenAdapter(authentication),
                                             owner=f"cli:{default_owner()}", clock=lambda: now)
        planned = await scheduler.ensure_recurring(now)
        stats = await scheduler.run_due(now)
    finally:
        await authentication.close()
    print(f"at {local_minute(now)} Europe/Stockholm: {planned} new reminders planned; "
          f"{stats.delivered} delivered, {stats.retried} to retry, {stats.failed} failed; not sent: "
          f"{stats.deadline_passed} past their deadline, {stats.superseded} superseded by a later one")
    return 0


def _reminders(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_reminders_command(settings, args))


REMINDERS = Command("reminders", "list reminders, or send those due now and exit", _reminders, _arguments)
