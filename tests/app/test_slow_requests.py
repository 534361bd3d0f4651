"""A request that never sends its body (a slow-loris client) is answered 408 and its connection closed, by the real
server (`python app.py`, started on a free port) read through a raw socket."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

APP = Path(__file__).resolve().parents[2] / "app.py"
# Not a limit the server is held to: how long this test waits at most before it calls the server stuck.
PATIENCE_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[int]:
    """Lotsen served as operators serve it, with a body timeout of one second; its port."""
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.lower().startswith("microsoftapp")}
    environment.update({"PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING", "REMINDER_POLL_SECONDS": "0",
                        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}",
                        "REQUEST_BODY_TIMEOUT": "1"})
    process = await asyncio.create_subprocess_exec(sys.executable, str(APP), cwd=tmp_path, env=environment,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as client, asyncio.timeout(PATIENCE_SECONDS):
            while True:
                try:
                    async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
        yield port
    finally:
        process.terminate()
        await process.wait()


async def _read_until_closed(reader: asyncio.StreamReader) -> bytes:
    async with asyncio.timeout(PATIENCE_SECONDS):
        return await reader.read()  # to the end: returns once the server has closed the connection


async def test_a_request_that_never_sends_its_body_is_answered_and_closed(server: int):
    reader, writer = await asyncio.open_connection("127.0.0.1", server)
    try:
        writer.write(b"POST /api/messages HTTP/1.1\r\nHost: lotsen\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 2048\r\n\r\n{\"type\": ")
        await writer.drain()
        answer = await _read_until_closed(reader)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"Connection: close" in answer
    assert b"the request body did not arrive in time" in answer


async def test_a_body_sent_in_time_is_served_as_ever(server: int):
    async with aiohttp.ClientSession() as client:
        async with client.post(f"http://127.0.0.1:{server}/api/messages", data=b"{not json",
                               headers={"Content-Type": "application/json"}) as response:
            assert response.status == 400
