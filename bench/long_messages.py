"""Latency of short turns while long messages are processed: one pasted document must not hold everyone else up.

    python bench/long_messages.py [--rounds 40] [--conversations 8] [--long-senders 2]
                                  [--database-url URL] [--root DIR]

Lotsen is served as `python app.py` serves it (SQLite by default), in its own process; this process plays Teams,
with a local connector stand-in. Short conversations each send, one after the other, "hjälp" and a short policy
question ("Vem beslutar om nya partnerstäder?"). Two phases, their short turns measured the same way:

  quiet   the short conversations alone
  loaded  the same, while `--long-senders` other conversations send long messages back to back, in turn:
          a 200 KB pasted text (UTF-8), the same size of unclosed "<at>" tags in a channel, and a worst-case
          question as long as the policy answers (number words and amounts, the costliest kind to read)

A turn counts when its HTTP request has returned, which is after its replies reached the stand-in.
`--root` serves another source tree with the same `app.create_app` (an older commit, for a before/after:
`git archive <commit> | tar -x -C /tmp/before`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.turns import wait_until_up  # noqa: E402
from tests.support.activities import message  # noqa: E402
from tests.support.connector_standin import ConnectorStandIn  # noqa: E402

SHORT_TEXTS = ("hjälp", "Vem beslutar om nya partnerstäder?")
LONG_BYTES = 200 * 1024
WORST_QUESTION_CHARACTERS = 1000  # policy/data/topics.yaml decision.max_question_length


PASTED_TEXT = ("Här är hela vår projektansökan, vad säger policyn om den? " * (LONG_BYTES // 40)).encode(
    "utf-8")[:LONG_BYTES].decode("utf-8", errors="ignore")
UNCLOSED_TAGS = "<at>" * (LONG_BYTES // 4)
WORST_QUESTION = ("Vi är projektägare, budget 12 000 000 kr, tio tio tio a a a " * 40)[:WORST_QUESTION_CHARACTERS]


def _long_bodies(service_url: str, sender: int) -> list[dict[str, Any]]:
    """New activities (new ids) each time: Lotsen handles an activity delivered twice only once."""
    user, conversation = f"29:long-{sender}", f"a:long-{sender}"
    return [
        message(service_url, PASTED_TEXT, user_id=user, conversation_id=conversation),
        message(service_url, UNCLOSED_TAGS, user_id=user, conversation_type="channel",
                conversation_id=f"19:long-{sender}@thread.tacv2"),
        message(service_url, WORST_QUESTION, user_id=user, conversation_id=conversation),
    ]


def _start_server(root: str, port: int, database_url: str) -> subprocess.Popen:
    """`python app.py` in `root`, configured as the README says, with the reminders off."""
    environment = {**os.environ, "DATABASE_URL": database_url, "AUTO_MIGRATE": "1", "HOST": "127.0.0.1",
                   "PORT": str(port), "REMINDER_POLL_SECONDS": "0", "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "app.py"], cwd=root, env=environment)


# --- the load ------------------------------------------------------------------------------------------------


FAILED = float("nan")  # a turn that failed (an error status, a dropped connection): counted, not timed


async def _post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")  # as Teams sends it, not \u-escaped
    try:
        async with session.post(url, data=data, headers={"Content-Type": "application/json"}) as response:
            await response.read()
            if response.status >= 300:
                return FAILED
    except aiohttp.ClientError:
        return FAILED
    return time.perf_counter() - started


async def _short_phase(session: aiohttp.ClientSession, url: str, service_url: str, rounds: int,
                       conversations: int, phase: str) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {text: [] for text in SHORT_TEXTS}

    async def conversation(number: int) -> None:
        for _ in range(rounds):
            for text in SHORT_TEXTS:
                body = message(service_url, text, user_id=f"29:{phase}-{number}",
                               conversation_id=f"a:{phase}-{number}")
                latencies[text].append(await _post(session, url, body))

    await asyncio.gather(*(conversation(n) for n in range(conversations)))
    return latencies


async def _long_senders(session: aiohttp.ClientSession, url: str, service_url: str, senders: int,
                        stop: asyncio.Event) -> dict[str, list[float]]:
    kinds = ("pasted 200 KB", "200 KB of <at> in a channel", "worst-case 1000-character question")
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}

    async def sender(number: int) -> None:
        while not stop.is_set():
            for kind, body in zip(kinds, _long_bodies(service_url, number)):
                latencies[kind].append(await _post(session, url, body))

    await asyncio.gather(*(sender(n) for n in range(senders)))
    return latencies


def _summary(values: list[float]) -> str:
    ordered = sorted(value for value in values if value == value)
    failed = len(values) - len(ordered)
    if not ordered:
        return f"all {failed} failed"
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  max "
            f"{ordered[-1] * 1000:7.1f} ms  ({len(ordered)} turns, {failed} failed)")


async def measure(url: str, service_url: str, rounds: int, conversations: int, long_senders: int) -> None:
    connector = aiohttp.TCPConnector(limit=(conversations + long_senders) * 2)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await _short_phase(session, url, service_url, 2, conversations, "warm")  # first rows, caches
        quiet = await _short_phase(session, url, service_url, rounds, conversations, "quiet")
        stop = asyncio.Event()
        long_task = asyncio.create_task(_long_senders(session, url, service_url, long_senders, stop))
        loaded = await _short_phase(session, url, service_url, rounds, conversations, "loaded")
        stop.set()
        long = await long_task
    for text in SHORT_TEXTS:
        print(f"short {text!r:38} quiet:  {_summary(quiet[text])}")
        print(f"short {text!r:38} loaded: {_summary(loaded[text])}")
    for kind, values in long.items():
        print(f"long  {kind:38}         {_summary(values)}")


async def main(args: argparse.Namespace) -> None:
    standin = ConnectorStandIn()
    runner = web.AppRunner(standin.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    service_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    port = _free_port()
    with tempfile.TemporaryDirectory() as workdir:
        database_url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.db"
        process = _start_server(str(Path(args.root).resolve()), port, database_url)
        try:
            await wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
            print(f"{args.conversations} short conversations, {args.long_senders} long senders, "
                  f"{args.rounds} rounds; server: {args.root}, {database_url.split('://')[0]}", flush=True)
            await measure(f"http://127.0.0.1:{port}/api/messages", service_url, args.rounds, args.conversations,
                          args.long_senders)
        finally:
            process.terminate()
            process.wait(timeout=20)
            await runner.cleanup()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40, help="short turns of each kind per conversation and phase")
    parser.add_argument("--conversations", type=int, default=8, help="short conversations")
    parser.add_argument("--long-senders", type=int, default=2, help="conversations sending long messages")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--root", default=str(ROOT), help="the source tree to serve (default: this one)")
    asyncio.run(main(parser.parse_args()))
