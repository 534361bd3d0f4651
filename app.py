"""Lotsen's entry point: the aiohttp application (`create_app`) and the command line (`python app.py …`).

    python app.py            serve the bot (POST /api/messages, GET /healthz) on HOST:PORT
    python app.py migrate    bring the database schema up to date and seed the organisations
    python app.py chat       talk to the bot in this terminal, same bot, same database
    python app.py report compile --year 2026 [--format docx|xlsx|md] [--out PATH]
                             the year's compilation for kommunfullmäktige (policy 3.1, 3.3, 4)
    python app.py report show --organisation ORG --year 2026 --as USER
    python app.py applications show EU-2026-0007 --as USER
                             one organisation's report, one application, as USER may see them

GET /downloads/compilation/{year}.{fmt}?user=…&expires=…&signature=… serves the compilation to a KS coordinator
from a signed link the bot showed (reports/download_links.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

import admin_cli
import report_cli
from bot.activity import InvalidActivity
from bot.adapter import AuthenticationFailed, BotEndpoint, TenantNotAllowed
from bot.assembly import build_endpoint
from bot.notice_delivery import build_notice_outbox
from bot.reminder_delivery import build_reminder_scheduler
from bot.reminders_cli import add_reminders_parser, reminders_command
from dialogs.preload import load_data_files
from policy.dates import MALMO_TIME
from reminders.outbox import NoticeOutbox
from reports.compilation import default_file_name
from reports.download_links import (
    DownloadLinkError,
    LinkExpired,
    LinkMalformed,
    signing_secret,
    verify_compilation_link,
)
from settings import Settings
from storage.access import can_see_all_organisations
from storage.db import DatabaseUnavailable, create_engine, create_session_factory, ping
from storage.migrate import upgrade
from storage.policy_learning import list_bad_answers, list_clarifications
from storage.questions import list_unanswered_questions
from storage.user_text import terminal_line
from storage.users import get_user

logger = logging.getLogger("lotsen.app")

SETTINGS_KEY = web.AppKey("settings", Settings)
ENDPOINT_KEY = web.AppKey("endpoint", BotEndpoint)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SESSION_FACTORY_KEY = web.AppKey("session_factory", async_sessionmaker)
BACKGROUND_TASKS_KEY = web.AppKey("background_tasks", set)
NOTICE_OUTBOX_KEY = web.AppKey("notice_outbox", NoticeOutbox)
HEALTH_TIMEOUT_SECONDS = 2.0


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def errors_as_json(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """Every failure answers with a short JSON reason and its status; tracebacks go to the log only."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _error(error.status, error.reason)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _error(500, "internal error")


async def post_messages(request: web.Request) -> web.Response:
    endpoint = request.app[ENDPOINT_KEY]
    try:
        async with asyncio.timeout(request.app[SETTINGS_KEY].request_body_timeout):
            raw = await request.read()  # over client_max_size aiohttp raises 413 here
    except TimeoutError:
        return _body_too_slow(request)
    try:
        body = json.loads(raw, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return _error(400, "the body is not valid JSON")
    try:
        result = await endpoint.process(body, request.headers.get("Authorization", ""))
    except InvalidActivity as error:
        return _error(400, str(error))
    except AuthenticationFailed as error:
        logger.warning("refused unauthenticated request: %s", error)
        return _error(401, "unauthorized")
    except TenantNotAllowed as error:
        logger.warning("refused activity from tenant %s", error)
        return _error(403, "tenant not allowed")
    if result.body is None:
        return web.Response(status=result.status)
    return web.json_response(_as_json(result.body), status=result.status)


def _no_constants(constant: str) -> object:
    """NaN and Infinity are not JSON, although Python's reader takes them."""
    raise ValueError(f"{constant} is not JSON")


def _as_json(body: object) -> object:
    """An invoke's answer as JSON: botbuilder answers some (a malformed card action's 400) with a model object."""
    serialize = getattr(body, "serialize", None)
    return serialize() if callable(serialize) else body


def _body_too_slow(request: web.Request) -> web.Response:
    """408 for a request whose body did not arrive in time, and its connection closed: it is not read further."""
    logger.warning("closed a request to %s whose body did not arrive in time", request.path)
    response = _error(408, "the request body did not arrive in time")
    response.force_close()
    return response


async def get_health(request: web.Request) -> web.Response:
    try:
        await ping(request.app[ENGINE_KEY], timeout=HEALTH_TIMEOUT_SECONDS)
    except DatabaseUnavailable as error:
        return web.json_response({"status": "unavailable", "reason": f"database unreachable: {error.reason}"},
                                 status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def get_compilation_download(request: web.Request) -> web.Response:
    """The compilation, from a link the bot gave a KS coordinator: built now, from the database."""
    settings = request.app[SETTINGS_KEY]
    year_text, fmt = request.match_info["year"], request.match_info["fmt"]
    try:
        user_id = verify_compilation_link(
            signing_secret(settings), year=year_text, fmt=fmt, user=request.query.get("user"),
            expires=request.query.get("expires"), signature=request.query.get("signature"),
            now=datetime.now(timezone.utc))
    except LinkMalformed as error:
        return _error(400, str(error))
    except LinkExpired as error:
        return _error(410, str(error))
    except DownloadLinkError as error:
        logger.warning("refused a compilation download: %s", error)
        return _error(403, str(error))
    year, on = int(year_text), report_cli.today_in_malmo()
    async with request.app[SESSION_FACTORY_KEY]() as session:
        user = await get_user(session, user_id)
        # The role is asked again now: a link outlives a coordinator who has since changed jobs.
        if user is None or not can_see_all_organisations(user):
            logger.warning("refused a compilation download for user %s, who is not a KS coordinator", user_id)
            return _error(403, "only KS coordinators and administrators may download the compilation")
        compilation = await report_cli.compile_year(session, settings, year, on)
    content = await asyncio.to_thread(report_cli.compilation_bytes, compilation, fmt)
    return web.Response(body=content, headers={
        "Content-Type": report_cli.CONTENT_TYPES[fmt],
        "Content-Disposition": f'attachment; filename="{default_file_name(year, fmt)}"',
        "Cache-Control": "no-store",
    })


def create_app(settings: Settings | None = None, *, credentials_factory=None) -> web.Application:
    settings = settings or Settings()
    # After an early answer (408, 413) the rest of a body is read and dropped for `lingering_time` before the
    # connection closes; aiohttp's 10 s would let a client that sends nothing hold it that much longer.
    app = web.Application(middlewares=[errors_as_json], client_max_size=settings.max_body_bytes,
                          handler_args={"lingering_time": settings.request_body_timeout})
    app[SETTINGS_KEY] = settings
    app[BACKGROUND_TASKS_KEY] = set()

    async def lifespan(app: web.Application) -> AsyncIterator[None]:
        # Read now, off the event loop, rather than by the first turn that needs them, on it.
        await asyncio.to_thread(load_data_files)
        engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
        if settings.should_auto_migrate:
            await upgrade(settings.database_url)
        app[ENGINE_KEY] = engine
        session_factory = create_session_factory(engine)
        app[SESSION_FACTORY_KEY] = session_factory
        app[ENDPOINT_KEY] = build_endpoint(settings, session_factory, credentials_factory)
        # Notices (to KS förvaltning, to submitters) are delivered after the commit that added them.
        outbox = build_notice_outbox(settings, session_factory, app[ENDPOINT_KEY].adapter)
        app[NOTICE_OUTBOX_KEY] = outbox
        outbox.start()
        scheduler = None
        if settings.reminder_poll_seconds > 0:
            # Due reminders go out through the bot's own adapter and pooled connector clients.
            scheduler = build_reminder_scheduler(settings, session_factory, app[ENDPOINT_KEY].adapter)
            scheduler.start()
        yield
        if scheduler is not None:
            await scheduler.stop()
        await outbox.stop()
        tasks = app[BACKGROUND_TASKS_KEY]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app[ENDPOINT_KEY].close()
        await engine.dispose()

    app.cleanup_ctx.append(lifespan)
    app.router.add_post("/api/messages", post_messages)
    app.router.add_get("/healthz", get_health)
    # Any year and format text reaches the handler, so that a malformed one is a 400 saying so, not a 404.
    app.router.add_get(r"/downloads/compilation/{year:[^/.]+}.{fmt:[^/]+}", get_compilation_download)
    return app


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _local_time(moment: datetime) -> str:
    return moment.astimezone(MALMO_TIME).strftime("%Y-%m-%d %H:%M")


def _print_section(heading: str, lines: list[str]) -> None:
    print(heading)
    for line in lines or ["(inga)"]:
        print(line)


async def _print_unanswered(settings: Settings, limit: int) -> int:
    """For KS förvaltning: what officials ask that the policy does not answer, the answers they marked 👎, and
    the questions Lotsen was unsure about with the topic they chose. Newest first, `limit` per list; no
    identities are kept for any of them."""
    if limit < 1:
        print("--limit must be at least 1, e.g. --limit 100", file=sys.stderr)
        return 2
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine)() as session:
            questions = await list_unanswered_questions(session, limit)
            bad_answers = await list_bad_answers(session, limit)
            clarifications = await list_clarifications(session, limit)
    finally:
        await engine.dispose()
    _print_section("Obesvarade frågor", [
        f"{_local_time(question.asked_at)}  [{question.lang}]  {terminal_line(question.text)}" for question in questions
    ])
    print()
    _print_section("Dåliga svar (👎)", [
        f"{_local_time(answer.created_at)}  [{answer.lang}]  {terminal_line(answer.question)}"
        f"  (ämne: {terminal_line(answer.topic or '-')})"
        for answer in bad_answers
    ])
    print()
    _print_section("Osäkra frågor", [
        f"{_local_time(clarification.asked_at)}  [{clarification.lang}]  {terminal_line(clarification.question)}"
        f"  (erbjudna: {terminal_line(', '.join(clarification.offered) or '-')};"
        f" valt: {terminal_line(clarification.chosen) if clarification.chosen else 'inget val'})"
        for clarification in clarifications
    ])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description="Lotsen, a Teams assistant for Malmö stad.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the bot over HTTP (the default)")
    commands.add_parser("migrate", help="bring the database schema up to date and seed organisations")
    unanswered = commands.add_parser(
        "unanswered", help="unanswered questions, answers marked 👎 and unsure questions, newest first")
    unanswered.add_argument("--limit", type=int, default=50, help="how many of each (default 50)")
    admin_cli.add_arguments(commands)
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="terminal-user", help="who you are in the chat (default: terminal-user)")
    chat.add_argument("--name", default="Terminal User", help="your display name")
    chat.add_argument("--locale", default="sv-SE", help="your locale: sv-SE (default) or en-US")
    add_reminders_parser(commands)
    report_cli.add_arguments(commands)
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"configuration error: {problems} (see .env.example)", file=sys.stderr)
        return 2
    _configure_logging(settings)
    if args.command == "migrate":
        asyncio.run(upgrade(settings.database_url))
        print(f"database is up to date: {make_url(settings.database_url).render_as_string(hide_password=True)}")
        return 0
    if args.command == "users":
        return asyncio.run(admin_cli.users_command(settings, args))
    if args.command == "history":
        return asyncio.run(admin_cli.history_command(settings, args))
    if args.command == "unanswered":
        return asyncio.run(_print_unanswered(settings, args.limit))
    if args.command == "reminders":
        return asyncio.run(reminders_command(settings, args))
    if args.command in ("report", "applications"):
        return report_cli.run(settings, args)
    if args.command == "chat":
        from bot.terminal_chat import run_chat

        return asyncio.run(run_chat(settings, user_id=args.user, user_name=args.name, locale=args.locale))
    logger.info("Lotsen listens on http://%s:%s/api/messages", settings.host, settings.port)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
