"""Turns per second and latency of the full HTTP path, Lotsen against a stock botbuilder echo bot.

    python bench/turns.py [--turns 3000] [--conversations 32]

Each target is served by its own process on a local port. This process plays Teams: N conversations post
message activities to /api/messages, one after the other within a conversation, all conversations at once;
the bot's replies arrive at a local connector stand-in (also in this process). A turn counts when its HTTP
request has returned, which for every target is after its reply reached the stand-in.

Targets:
  stock        botbuilder's CloudAdapter + ConfigurationBotFrameworkAuthentication + an ActivityHandler echo,
               written here from the public API as the botbuilder samples do (the baseline)
  lotsen-echo  Lotsen's HTTP handler, adapter, pooled connector clients and turn pipeline (the activity
               claimed and the replies recorded in SQLite, in one transaction), with an echo bot
  lotsen-full  Lotsen as `python app.py` runs it (SQLite state, user/conversation tracking, the welcome card)
  floor        a bare aiohttp handler that posts one reply with a shared client session (the floor)
"""

from __future__ import annotations

import argparse
import asyncio
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

from tests.support.activities import message  # noqa: E402
from tests.support.connector_standin import ConnectorStandIn  # noqa: E402

TARGETS = ("stock", "lotsen-echo", "lotsen-full", "floor")


# --- the servers, each started as `python bench/turns.py --serve TARGET --port P` ---------------------------


def stock_app() -> web.Application:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Echo: {turn_context.activity.text}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def lotsen_echo_app(database_path: str) -> web.Application:
    from botbuilder.core import ActivityHandler, TurnContext

    from app import ENDPOINT_KEY, SETTINGS_KEY, errors_as_json, post_messages
    from bot.adapter import BotEndpoint, LotsenAdapter
    from bot.authentication import LotsenAuthentication
    from settings import Settings
    from storage.db import create_engine, create_session_factory
    from storage.migrate import upgrade
    from storage.unit_of_work import TurnSessions

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Echo: {turn_context.activity.text}")

    settings = Settings(_env_file=None)
    # The turn pipeline's bookkeeping (the activity claimed, the replies recorded) needs its tables.
    database_url = f"sqlite+aiosqlite:///{database_path}"
    asyncio.run(upgrade(database_url))
    sessions = TurnSessions(create_session_factory(create_engine(database_url)))
    app = web.Application(middlewares=[errors_as_json], client_max_size=settings.max_body_bytes)
    app[SETTINGS_KEY] = settings  # the handler reads its body timeout there
    app[ENDPOINT_KEY] = BotEndpoint(LotsenAdapter(LotsenAuthentication(settings)), EchoBot(), sessions, frozenset())
    app.router.add_post("/api/messages", post_messages)

    async def close(app: web.Application) -> None:
        await app[ENDPOINT_KEY].close()

    app.on_cleanup.append(close)
    return app


def lotsen_full_app(database_path: str) -> web.Application:
    from app import create_app
    from settings import Settings

    return create_app(Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database_path}"))


def floor_app() -> web.Application:
    session: dict[str, aiohttp.ClientSession] = {}

    async def messages(request: web.Request) -> web.Response:
        activity = await request.json()
        if "client" not in session:
            session["client"] = aiohttp.ClientSession()
        url = f"{activity['serviceUrl']}/v3/conversations/{activity['conversation']['id']}/activities/{activity['id']}"
        reply = {"type": "message", "text": f"Echo: {activity.get('text')}", "replyToId": activity["id"]}
        async with session["client"].post(url, json=reply) as response:
            await response.read()
        return web.Response(status=201)

    async def close(app: web.Application) -> None:
        if "client" in session:
            await session["client"].close()

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.on_cleanup.append(close)
    return app


def serve(target: str, port: int, database_path: str) -> None:
    builders = {
        "stock": stock_app,
        "lotsen-echo": lambda: lotsen_echo_app(database_path),
        "lotsen-full": lambda: lotsen_full_app(database_path),
        "floor": floor_app,
    }
    os.chdir(ROOT)
    web.run_app(builders[target](), host="127.0.0.1", port=port, print=None, access_log=None)


# --- the load ---------------------------------------------------------------------------------------------


async def wait_until_up(url: str, attempts: int = 200) -> None:
    """Waits for the server's health check to answer (50 ms between tries)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(attempts):
            try:
                async with session.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"the server at {url} did not start")


async def drive(target_url: str, service_url: str, turns: int, conversations: int, text: str) -> dict[str, Any]:
    latencies: list[float] = []
    per_conversation = max(1, turns // conversations)
    connector = aiohttp.TCPConnector(limit=conversations * 2)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def conversation(number: int, count: int, record: bool) -> None:
            for _ in range(count):
                body = message(service_url, text, user_id=f"29:user-{number}")
                started = time.perf_counter()
                async with session.post(target_url, json=body) as response:
                    await response.read()
                    if response.status >= 300:
                        raise RuntimeError(f"{target_url} answered {response.status}")
                if record:
                    latencies.append(time.perf_counter() - started)

        # Warm-up: every conversation's first turn (connections, caches, first database rows) is not measured.
        await asyncio.gather(*(conversation(n, 3, False) for n in range(conversations)))
        started = time.perf_counter()
        await asyncio.gather(*(conversation(n, per_conversation, True) for n in range(conversations)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "turns": len(latencies),
        "turns_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


async def run_target(target: str, turns: int, conversations: int, service_url: str, standin: ConnectorStandIn,
                     workdir: str) -> dict[str, Any]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", target, "--port", str(port), "--database", f"{workdir}/{target}.db"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    try:
        await wait_until_up(f"http://127.0.0.1:{port}/healthz")
        standin.clear()
        text = "hjälp" if target == "lotsen-full" else "hej"
        result = await drive(f"http://127.0.0.1:{port}/api/messages", service_url, turns, conversations, text)
        if len(standin.received) < result["turns"]:
            raise RuntimeError(f"{target}: {len(standin.received)} replies for {result['turns']} turns")
        return result
    finally:
        process.terminate()
        process.wait(timeout=20)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def main(turns: int, conversations: int, targets: list[str]) -> None:
    standin = ConnectorStandIn()
    runner = web.AppRunner(standin.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    service_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        try:
            for target in targets:
                results[target] = await run_target(target, turns, conversations, service_url, standin, workdir)
                row = results[target]
                print(f"{target:12} {row['turns_per_second']:8.0f} turns/s   p50 {row['p50_ms']:7.2f} ms   "
                      f"p99 {row['p99_ms']:7.2f} ms   ({row['turns']} turns, {conversations} conversations)",
                      flush=True)
        finally:
            await runner.cleanup()
    if "stock" in results:
        base = results["stock"]["turns_per_second"]
        for target in targets:
            if target != "stock":
                print(f"{target} / stock: {results[target]['turns_per_second'] / base:.1f}x")
    if "floor" in results:
        floor = results["floor"]["turns_per_second"]
        for target in targets:
            if target != "floor":
                print(f"{target} / floor: {results[target]['turns_per_second'] / floor:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=3000, help="measured turns per target")
    parser.add_argument("--conversations", type=int, default=32, help="concurrent conversations")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated subset of " + ", ".join(TARGETS))
    parser.add_argument("--serve", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.database)
    else:
        asyncio.run(main(args.turns, args.conversations, [t for t in args.targets.split(",") if t]))
