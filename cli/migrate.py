"""`python -m cli migrate`: the database schema brought up to date and the organisations seeded, then exit
(production runs it before starting a new version; on SQLite the app also does it when it starts)."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.engine import make_url

from cli.command import Command
from settings import Settings
from storage.migrate import upgrade


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(upgrade(settings.database_url))
    print(f"database is up to date: {make_url(settings.database_url).render_as_string(hide_password=True)}")
    return 0


MIGRATE = Command("migrate", "bring the database schema up to date and seed organisations", _migrate)
