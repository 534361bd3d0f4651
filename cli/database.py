"""Running a command that reads the database, so that one which is down or not migrated yet is one line on
stderr (exit 1), not a traceback."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli.output import fail
from settings import Settings

Reading = Callable[[Settings, argparse.Namespace], Awaitable[int]]


def run_reading(command: Reading, settings: Settings, args: argparse.Namespace) -> int:
    try:
        return asyncio.run(command(settings, args))
    except (DBAPIError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        return fail(f"cannot read the database {where}: {reason} (is it up, and migrated with "
                    f"`python -m cli migrate`?)", 1)
