"""Running `python -m cli …` as operators run it: a separate process on the given database, its output read."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def run_cli(database_url: str, cwd: Path, *arguments: str, settings: Mapping[str, str] | None = None,
                  unset: Iterable[str] = ()) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `python -m cli` with `arguments`, run in `cwd`.

    The process gets this environment without the bot's credentials (nothing may reach Azure) and without the
    variables named in `unset`, plus the database, quieter logging and `settings`. The repository is put on its
    PYTHONPATH, since `cwd` (where files are written) is usually elsewhere."""
    dropped = set(unset)
    environment = {key: value for key, value in os.environ.items()
                   if not key.lower().startswith("microsoftapp") and key not in dropped}
    python_path = os.pathsep.join([str(ROOT), *filter(None, [environment.get("PYTHONPATH")])])
    environment.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "PYTHONPATH": python_path,
                        **(settings or {})})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", *arguments, cwd=cwd, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        stdout, stderr = await process.communicate()
    return process.returncode, stdout.decode(), stderr.decode()
