"""The command table itself (cli/main.py), run as operators run it: `python -m cli --help` names every command
group, and a command that is not one is refused with the usage, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("serve", "migrate", "backup", "restore", "unanswered", "users", "directory", "history", "chat", "reminders", "report", "applications")


def _cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *arguments], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"})


def test_the_table_holds_every_command_group_once():
    assert [command.name for command in COMMANDS] == list(GROUPS)


def test_help_lists_every_command_group():
    result = _cli("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cli")
    # Each command on a line of its own, indented by four, before its help (which may wrap onto deeper lines).
    listed = re.findall(r"^    (\S+) +\S", result.stdout.split("positional arguments:")[1], flags=re.MULTILINE)
    assert listed == list(GROUPS)


def test_an_unknown_command_is_refused_with_the_usage_not_a_traceback():
    result = _cli("usres", "list")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: python -m cli")
    assert "invalid choice: 'usres'" in result.stderr
    assert "Traceback" not in result.stderr


def test_app_py_forwards_a_command_to_the_command_line():
    """`python app.py COMMAND …` still works, for scripts written before `python -m cli`."""
    result = subprocess.run([sys.executable, "app.py", "users", "--help"], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr
    assert "usage: python -m cli users" in result.stdout
