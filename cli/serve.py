"""`python -m cli serve` (and `python app.py`): the web application on HOST:PORT until stopped."""

from __future__ import annotations

import argparse

from app import serve
from cli.command import Command
from settings import Settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    serve(settings)
    return 0


SERVE = Command("serve", "serve the bot over HTTP (the default)", _serve)
