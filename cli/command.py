"""A row of the command table (cli/main.py): a top-level command's name, its help line, the arguments it adds to
its sub-parser and what runs it. A group's module exports its rows; only cli/main.py lists them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from settings import Settings


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command that takes none (`serve`, `migrate`)."""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[Settings, argparse.Namespace], int]  # the exit status
    arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
