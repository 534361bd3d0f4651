"""Server CPU per turn, turns per second, latency, start-up time and idle memory of the full HTTP path: Lotsen's
kinds of turn against the bare aiohttp floor, a stock botbuilder echo bot and a Microsoft 365 Agents SDK echo bot.

    python bench/turns.py [--turns 3000] [--conversations 32] [--runs 3] [--targets floor,stock,…]

Each target is served by its own process on a local port. This process plays Teams: N conversations post
message activities to /api/messages, one after the other within a conversation, all conversations at once;
the bot's replies arrive at a local connector stand-in (also in this process). A turn counts when its HTTP
request has returned, which for every target is after its reply reached the stand-in.

The figure to compare is the server's CPU per turn: the server process's user + system time (/proc/PID/stat,
all its threads) over the measured phase, divided by the measured turns. Turns per second are also given, but
on two cores the load generator takes a share of the machine that differs with each target's speed. Each run:
start the server (start-up = process start until its first HTTP answer, /healthz for Lotsen, whose SQLite
database is migrated beforehand, as after a first deployment), read its idle RSS half a second later, send the
set-up turns (policy and registration only), a warm-up of a few hundred turns, then the measured turns
(`--turns` divided evenly among the conversations, whole registrations for the registration).
`--runs N` starts every target N times (round-robin, so that drift of the machine spreads over all targets) and
gives the median and the spread (min–max) of CPU per turn; the other columns are medians.

Targets:
  floor                a bare aiohttp handler that posts one reply with a shared client session
  stock                botbuilder's CloudAdapter + ConfigurationBotFrameworkAuthentication + an ActivityHandler
                       echo, written here from the public API as the botbuilder samples do (the baseline)
  agents-sdk           a Microsoft 365 Agents SDK echo bot (bench/agents_echo.py), in its own virtualenv
                       .venv-bench made by `make bench-install`; skipped when that is missing
  lotsen-echo          Lotsen's HTTP handler, adapter, pooled connector clients and turn pipeline (the activity
                       claimed and the replies recorded in SQLite, in one transaction), with an echo bot
  lotsen-policy        `python app.py` on SQLite, each turn a policy question ("Måste vi informera KS om vår
                       EU-ansökan?" in four wordings, with a project name that differs every turn so that no
                       cache answers it), answered with its verdict: the set-up asked it once and answered the
                       questions that followed (Malmö's role, the budget), which the conversation remembers
  lotsen-help          `python app.py`, each turn "hjälp"
  lotsen-registration  `python app.py`, each turn an answer to the registration's current question, typed as in
                       Teams; the set-up starts each registration ("registrera ansökan", then "Jag skriver hellre"
                       to the form offered), and every conversation answers whole registrations (17 questions,
                       the last answer brings the review card), one registration after the other
  lotsen-first-turn    `python app.py`, each turn "hej" from a new user in a new conversation
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.activities import message  # noqa: E402
from tests.support.connector_standin import ConnectorStandIn  # noqa: E402

BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
SERVED_HERE = ("floor", "stock", "lotsen-echo")  # by `python bench/turns.py --serve TARGET`
APP_TARGETS = ("lotsen-policy", "lotsen-help", "lotsen-registration", "lotsen-first-turn")  # `python app.py`
TARGETS = ("floor", "stock", "agents-sdk", "lotsen-echo", *APP_TARGETS)
LABELS = {
    "floor": "floor: bare aiohttp handler posting one reply",
    "stock": "stock botbuilder echo bot (`CloudAdapter`, 4.17)",
    "agents-sdk": "Microsoft 365 Agents SDK echo bot (1.9.0, as its quickstart sample)",
    "lotsen-echo": "Lotsen's echo path (handler, adapter, turn pipeline on SQLite, echo logic)",
    "lotsen-policy": "Lotsen (`python app.py`, SQLite): a policy question",
    "lotsen-help": "Lotsen: \"hjälp\"",
    "lotsen-registration": "Lotsen: a registration answer",
    "lotsen-first-turn": "Lotsen: a new user's first turn (\"hej\")",
}
WARMUP_TURNS = 320  # over all conversations, before the measured phase: connections, caches, first rows
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- the servers served by this file, each as `python bench/turns.py --serve TARGET --port P` ---------------


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
        "floor": floor_app,
    }
    os.chdir(ROOT)
    web.run_app(builders[target](), host="127.0.0.1", port=port, print=None, access_log=None)


# --- what the conversations send ----------------------------------------------------------------------------


class Workload(ABC):
    """The activities of one conversation (a worker of the load, `worker`): `setup` is sent before the warm-up
    and not measured; `turn(…, index)` is its index-th turn, warm-up turns first, then the measured ones."""

    # Warm-up and measured turns per conversation are rounded up to a multiple of this (whole registrations).
    unit = 1

    def setup(self, service_url: str, worker: int, turns: int) -> list[dict[str, Any]]:
        return []

    @abstractmethod
    def turn(self, service_url: str, worker: int, index: int) -> dict[str, Any]:
        """The activity of the worker's index-th turn."""

    def check(self, replies: list[dict[str, Any]], turns: int) -> str | None:
        """Why the replies to `turns` turns (set-up not counted) show that the bot was not doing the turn meant to
        be measured, or None."""
        return None


@dataclass
class SameText(Workload):
    text: str

    def turn(self, service_url: str, worker: int, index: int) -> dict[str, Any]:
        return message(service_url, self.text, user_id=f"29:user-{worker}")


# The policy question, in a few wordings, about a project whose name differs every turn: the policy module keeps
# its analysis of whole questions in a cache, and the same question 3 000 times would be answered from it.
POLICY_QUESTIONS = (
    "Måste vi informera KS om vår EU-ansökan för {project}?",
    "Måste vi informera KS om vår EU-ansökan ({project})?",
    "Måste vi på fritidsnämnden informera KS om vår EU-ansökan, {project}?",
    "Måste vi informera KS om vår nya EU-ansökan till Horisont Europa, {project}?",
)


@dataclass
class PolicyQuestion(Workload):
    """The first time, the question is answered and followed by questions about the facts its verdict needs
    (Malmö's role, the budget), in the conversation's consultation: until they are answered, a new question is
    asked to answer them first. The set-up answers them once; the conversation remembers the facts, and every
    measured question is then answered at once, with its verdict, as for an official who asks again."""

    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def setup(self, service_url: str, worker: int, turns: int) -> list[dict[str, Any]]:
        return [self.turn(service_url, worker, -1), self._message(service_url, worker, "ja"),
                self._message(service_url, worker, "8 miljoner kronor")]

    def turn(self, service_url: str, worker: int, index: int) -> dict[str, Any]:
        number = next(self.numbers)
        question = POLICY_QUESTIONS[number % len(POLICY_QUESTIONS)].format(project=f"Gröna hamnar {number}")
        return self._message(service_url, worker, question)

    def check(self, replies: list[dict[str, Any]], turns: int) -> str | None:
        from texts import text

        retries = (text("consultation.retry_yes_no", "sv"), text("consultation.retry_amount", "sv"))
        asked_again = sum((reply.get("text") or "").startswith(retries) for reply in replies)
        answers = sum(bool(reply.get("attachments")) for reply in replies)
        if asked_again or answers < turns:
            return f"{answers} answer cards for {turns} questions, {asked_again} consultation questions asked again"
        return None

    @staticmethod
    def _message(service_url: str, worker: int, text: str) -> dict[str, Any]:
        return message(service_url, text, user_id=f"29:user-{worker}")


class FirstTurn(Workload):
    def turn(self, service_url: str, worker: int, index: int) -> dict[str, Any]:
        # A new user id gives a new personal conversation too (its id is made from the user's).
        return message(service_url, "hej", user_id=f"29:new-{worker}-{index}")


# An answer to each question the registration asks, in its order (dialogs/applications/registration_fields.py;
# programme_other is not asked for Horisont Europa), as a user types them in Teams. Dates are relative, so that
# they stay in the future whenever the benchmark runs.
REGISTRATION_ANSWERS = (
    "{project}",
    "Vi vill ställa om hamnens färjetrafik till el tillsammans med Köpenhamn och Rostock.",
    "Horisont Europa",
    "HORIZON-CL5-2027-D2-01",
    "Fritidsnämnden",
    "projektägare",
    "12 miljoner kronor",
    "3 miljoner kronor",
    "om 2 månader",
    "om 3 månader",
    "om 6 månader",
    "om 9 månader",
    "om 3 år",
    "jag",
    "ja",
    "ja",
    "KS 2026/123",
)


class Registration(Workload):
    """Each conversation registers application after application; every measured turn answers the question
    asked. A registration ends at its review card, and starting another in the same conversation would be
    offered the draft left behind: so each registration has a user and conversation of its own, started in the
    set-up, and the conversation moves to the next one when it has answered all questions."""

    unit = len(REGISTRATION_ANSWERS)

    def setup(self, service_url: str, worker: int, turns: int) -> list[dict[str, Any]]:
        started: list[dict[str, Any]] = []
        for number in range(math.ceil(turns / self.unit)):
            user_id = self._user(worker, number)
            started.append(message(service_url, "registrera ansökan", user_id=user_id))
            # In Teams the registration offers a form; typing instead goes on one question at a time.
            started.append(message(service_url, "Jag skriver hellre", user_id=user_id))
        return started

    def turn(self, service_url: str, worker: int, index: int) -> dict[str, Any]:
        number, question = divmod(index, self.unit)
        answer = REGISTRATION_ANSWERS[question].format(project=f"Gröna hamnar {worker}-{number}")
        return message(service_url, answer, user_id=self._user(worker, number))

    def check(self, replies: list[dict[str, Any]], turns: int) -> str | None:
        """Every registration reached its review: no answer was refused and its question asked again (which
        would measure a cheaper turn than an answer taken)."""
        from texts import text

        reviews = sum(reply.get("summary") == text("registration.review_title", "sv") for reply in replies)
        if reviews != turns // self.unit:
            return f"{reviews} registrations reached their review, not {turns // self.unit}"
        return None

    @staticmethod
    def _user(worker: int, number: int) -> str:
        return f"29:registrar-{worker}-{number}"


def workload_for(target: str) -> Workload:
    if target == "lotsen-policy":
        return PolicyQuestion()
    if target == "lotsen-help":
        return SameText("hjälp")
    if target == "lotsen-registration":
        return Registration()
    if target == "lotsen-first-turn":
        return FirstTurn()
    return SameText("hej")


# --- the load and the measurements --------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process, all its threads, from /proc/PID/stat (fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # after the command name, which may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Waits for the server's first HTTP answer, whatever its status (10 ms between tries)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server for {url} exited with {process.returncode}")
            try:
                async with session.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.01)
    raise RuntimeError(f"the server at {url} did not start in {timeout:.0f} s")


@dataclass
class Run:
    target: str
    turns: int
    cpu_ms_per_turn: float
    turns_per_second: float
    p50_ms: float
    p99_ms: float
    startup_s: float
    idle_rss_mb: float


async def drive(target_url: str, service_url: str, workload: Workload, conversations: int, warmup: int,
                measured: int, pid: int, standin: ConnectorStandIn) -> tuple[list[float], float, float]:
    """Sends the set-up, the warm-up and the measured turns (per conversation); returns the measured latencies,
    the measured phase's wall time and the server's CPU seconds in it. The stand-in keeps the replies to the
    warm-up and measured turns."""
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=conversations * 2)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(body: dict[str, Any]) -> float:
            started = time.perf_counter()
            async with session.post(target_url, json=body) as response:
                await response.read()
                if response.status >= 300:
                    raise RuntimeError(f"{target_url} answered {response.status} to {body.get('text')!r}")
            return time.perf_counter() - started

        async def set_up(worker: int) -> None:
            for body in workload.setup(service_url, worker, warmup + measured):
                await post(body)

        async def conversation(worker: int, indexes: range, record: bool) -> None:
            for index in indexes:
                elapsed = await post(workload.turn(service_url, worker, index))
                if record:
                    latencies.append(elapsed)

        await asyncio.gather(*(set_up(n) for n in range(conversations)))
        standin.clear()
        await asyncio.gather(*(conversation(n, range(warmup), False) for n in range(conversations)))
        cpu_before, started = cpu_seconds(pid), time.perf_counter()
        await asyncio.gather(*(conversation(n, range(warmup, warmup + measured), True) for n in range(conversations)))
        elapsed, cpu_after = time.perf_counter() - started, cpu_seconds(pid)
    return latencies, elapsed, cpu_after - cpu_before


# `--profile DIR`: Lotsen's targets run under cProfile, each run's profile written to DIR/TARGET-RUN.prof when
# the server stops (read it with `python -m pstats`); CPU figures of such a run are the profiler's, not Lotsen's.
PROFILE_DIR: Path | None = None


def server_command(target: str, port: int, workdir: str, database: str) -> tuple[list[str], str, dict[str, str]]:
    """The command, working directory and environment that serve `target`."""
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    if target == "agents-sdk":
        return [str(BENCH_PYTHON), str(ROOT / "bench" / "agents_echo.py"), "--port", str(port)], str(ROOT), env
    if target in APP_TARGETS:
        # As hosting runs it. From the scratch directory, so that a developer's .env does not apply.
        env.update(DATABASE_URL=f"sqlite+aiosqlite:///{database}", HOST="127.0.0.1", PORT=str(port))
        profiled = ([] if PROFILE_DIR is None
                    else ["-m", "cProfile", "-o", str(PROFILE_DIR / f"{Path(database).stem}.prof")])
        return [sys.executable, *profiled, str(ROOT / "app.py")], workdir, env
    return ([sys.executable, __file__, "--serve", target, "--port", str(port), "--database", database],
            str(ROOT), env)


def migrate(database: str, workdir: str) -> None:
    """Lotsen's tables in `database`, before its server starts: start-up is then measured as every start after
    the first deployment is, on a database already migrated (the server's own migration finds nothing to do)."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    subprocess.run([sys.executable, str(ROOT / "app.py"), "migrate"], cwd=workdir, env=env, check=True,
                   stdout=subprocess.DEVNULL)


async def run_target(target: str, run: int, turns: int, conversations: int, service_url: str,
                     standin: ConnectorStandIn, workdir: str) -> Run:
    workload = workload_for(target)
    per_conversation = max(1, turns // conversations)
    # Whole units per conversation (a registration's questions), and a few hundred warm-up turns in all.
    measured = math.ceil(per_conversation / workload.unit) * workload.unit
    warmup = math.ceil(math.ceil(WARMUP_TURNS / conversations) / workload.unit) * workload.unit
    database = f"{workdir}/{target}-{run}.db"
    if target.startswith("lotsen-"):
        migrate(database, workdir)
    port = _free_port()
    command, cwd, env = server_command(target, port, workdir, database)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env)
    try:
        await wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        startup = time.perf_counter() - started
        await asyncio.sleep(0.5)  # let start-up work still under way (the reminder planner's first pass) settle
        idle_rss = rss_mb(process.pid)
        latencies, elapsed, cpu = await drive(f"http://127.0.0.1:{port}/api/messages", service_url, workload,
                                              conversations, warmup, measured, process.pid, standin)
        sent = conversations * (warmup + measured)
        if len(standin.received) < sent:
            raise RuntimeError(f"{target}: {len(standin.received)} replies for {sent} turns")
        problem = workload.check(standin.activities, sent)
        if problem:
            raise RuntimeError(f"{target}: {problem}")
    finally:
        process.terminate()
        process.wait(timeout=20)
    latencies.sort()
    return Run(target=target, turns=len(latencies), cpu_ms_per_turn=cpu * 1000 / len(latencies),
               turns_per_second=len(latencies) / elapsed, p50_ms=statistics.median(latencies) * 1000,
               p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
               startup_s=startup, idle_rss_mb=idle_rss)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the report ---------------------------------------------------------------------------------------------


def _number(value: float, decimals: int = 0) -> str:
    """1 234.5 the way the README writes numbers (a space between thousands)."""
    return f"{value:,.{decimals}f}".replace(",", " ")


def markdown_table(targets: list[str], results: dict[str, list[Run]], skipped: dict[str, str]) -> str:
    lines = [
        "| target | server CPU per turn, median (min–max) | turns/s | p50 | p99 | start-up | idle RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        if target in skipped:
            lines.append(f"| {LABELS[target]} | skipped: {skipped[target]} | | | | | |")
            continue
        runs = results[target]
        cpu = [run.cpu_ms_per_turn for run in runs]

        def median(name: str) -> float:
            return statistics.median(getattr(run, name) for run in runs)

        spread = f" ({min(cpu):.2f}–{max(cpu):.2f})" if len(runs) > 1 else ""
        lines.append(
            f"| {LABELS[target]} | {statistics.median(cpu):.2f} ms{spread} | {_number(median('turns_per_second'))} "
            f"| {_number(median('p50_ms'), 1)} ms | {_number(median('p99_ms'), 1)} ms "
            f"| {median('startup_s'):.2f} s | {median('idle_rss_mb'):.0f} MB |")
    return "\n".join(lines)


async def main(turns: int, conversations: int, runs: int, targets: list[str]) -> None:
    unknown = [target for target in targets if target not in TARGETS]
    if unknown:
        raise SystemExit(f"unknown targets {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    skipped: dict[str, str] = {}
    if "agents-sdk" in targets and not BENCH_PYTHON.exists():
        skipped["agents-sdk"] = "`make bench-install` makes its virtualenv, .venv-bench"
        print(f"agents-sdk: skipped, {BENCH_PYTHON} is missing; `make bench-install` makes it", flush=True)
    standin = ConnectorStandIn()
    runner = web.AppRunner(standin.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    service_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    results: dict[str, list[Run]] = {target: [] for target in targets}
    with tempfile.TemporaryDirectory() as workdir:
        try:
            for run in range(1, runs + 1):
                for target in targets:
                    if target in skipped:
                        continue
                    row = await run_target(target, run, turns, conversations, service_url, standin, workdir)
                    results[target].append(row)
                    print(f"run {run} {target:20} {row.cpu_ms_per_turn:6.2f} ms CPU/turn {row.turns_per_second:7.0f}"
                          f" turns/s   p50 {row.p50_ms:7.1f} ms   p99 {row.p99_ms:7.1f} ms   start-up"
                          f" {row.startup_s:5.2f} s   idle RSS {row.idle_rss_mb:4.0f} MB   ({row.turns} turns)",
                          flush=True)
        finally:
            await runner.cleanup()
    measured = {target: results[target][0].turns for target in targets if results[target]}
    print(f"\n{conversations} concurrent conversations; measured turns per run: "
          + ", ".join(f"{target} {count}" for target, count in measured.items())
          + f"; {runs} run{'s' if runs > 1 else ''} of each target, CPU per turn median (min–max), "
          "the other columns medians.\n")
    print(markdown_table(targets, results, skipped))
    _print_ratios(targets, results)


def _print_ratios(targets: list[str], results: dict[str, list[Run]]) -> None:
    """Each target's CPU per turn against the stock bot's and the Agents SDK bot's (the issue's yardsticks)."""
    def cpu(target: str) -> float | None:
        runs = results.get(target)
        return statistics.median(run.cpu_ms_per_turn for run in runs) if runs else None

    stock, agents = cpu("stock"), cpu("agents-sdk")
    lines = []
    for target in targets:
        mine = cpu(target)
        if mine is None or target in ("stock", "agents-sdk"):
            continue
        against = []
        if stock:
            against.append(f"{stock / mine:.1f}x cheaper than stock" if mine <= stock
                           else f"{mine / stock:.1f}x the stock bot's")
        if agents:
            against.append(f"{mine - agents:+.2f} ms against the Agents SDK bot")
        if against:
            lines.append(f"  {target}: {', '.join(against)}")
    if lines:
        print("\nCPU per turn, medians:\n" + "\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=3000, help="measured turns per target and run")
    parser.add_argument("--conversations", type=int, default=32, help="concurrent conversations")
    parser.add_argument("--runs", type=int, default=3, help="runs of each target (median and spread)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated subset of " + ", ".join(TARGETS))
    parser.add_argument("--profile", type=Path, help="write a cProfile of each Lotsen server run to this directory")
    parser.add_argument("--serve", choices=SERVED_HERE, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        PROFILE_DIR = args.profile.resolve()
    if args.serve:
        serve(args.serve, args.port, args.database)
    else:
        asyncio.run(main(args.turns, args.conversations, args.runs, [t for t in args.targets.split(",") if t]))
