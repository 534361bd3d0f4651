"""Lotsen as operators run it: `python app.py` in a process of its own, on a free port, over real HTTP.

For the tests that kill the process at a chosen moment (SIGKILL, nothing cleaned up) and start it again on the
same database, and for two instances serving one conversation side by side.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

APP = Path(__file__).resolve().parents[2] / "app.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BotProcess:
    def __init__(self, database_url: str, cwd: Path, settings: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self._database_url = database_url
        self._cwd = cwd
        self._settings = dict(settings or {})
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    async def start(self) -> BotProcess:
        environment = {key: value for key, value in os.environ.items() if not key.lower().startswith("microsoftapp")}
        environment.update({"DATABASE_URL": self._database_url, "PORT": str(self.port), "HOST": "127.0.0.1",
                            "AUTO_MIGRATE": "true", "LOG_LEVEL": "WARNING", "REMINDER_POLL_SECONDS": "0",
                            **self._settings})
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, str(APP), cwd=self._cwd, env=environment,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        self._session = aiohttp.ClientSession()
        async with asyncio.timeout(60):
            while True:
                if self._process.returncode is not None:
                    raise RuntimeError(f"app.py exited with {self._process.returncode}")
                try:
                    async with self._session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return self
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)

    async def post(self, activity: dict[str, Any]) -> int | None:
        """The HTTP status of the turn, or None when the process died before it answered."""
        assert self._session is not None
        try:
            async with self._session.post(f"http://127.0.0.1:{self.port}/api/messages", json=activity) as response:
                return response.status
        except (aiohttp.ClientConnectionError, aiohttp.ServerDisconnectedError):
            return None

    def kill(self) -> None:
        """SIGKILL: no handler runs, no transaction is finished, as when a container is killed."""
        os.kill(self.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            try:
                self._process.terminate()
            except ProcessLookupError:  # killed already, not yet reaped
                pass
            try:
                async with asyncio.timeout(10):
                    await self._process.wait()
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        elif self._process is not None:
            await self._process.wait()
