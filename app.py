"""Lotsen's web application: `create_app` and its routes, and `serve`, which runs it on HOST:PORT.

    python app.py            serve the bot (POST /api/messages, the probes) on HOST:PORT, as hosting runs it

The operator's commands are `python -m cli …` (cli/main.py); `python app.py COMMAND …` forwards there.

GET /downloads/compilation/{year}.{fmt}?user=…&expires=…&signature=… serves the compilation to a KS coordinator
from a signed link the bot showed (reports/download_links.py); GET /downloads/information-item/{id}.docx?… an
application's informationsärende, in Word, to the user the link was made for while they may see the application.

GET /livez answers while the process does (it asks nothing of the database); GET /readyz when the database answers
and is migrated to this version's head (observability/readiness.py); GET /healthz is /readyz under its old name.
"""

from __future__ import annotations

import gc
import sys

if __name__ == "__main__":
    # `python app.py [COMMAND …]` is the command line's (cli/main.py), which serves when given no command. It
    # imports this module as `app`: run as a script, it imports nothing else, so that its imports are not run
    # twice. Start-up's imports make some 300 000 objects that live as long as the process: the garbage
    # collector, which would walk them again and again meanwhile (a fifth of the imports' time), waits until
    # they are in, then leaves them out of its walks for good (gc.freeze), as the policy model is.
    gc.disable()
    from cli.main import main

    gc.freeze()
    gc.enable()
    sys.exit(main())

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.activity import InvalidActivity
from bot.adapter import AuthenticationFailed, BotEndpoint, TenantNotAllowed
from bot.assembly import build_endpoint
from bot.notice_delivery import build_notice_outbox
from bot.reminder_delivery import build_reminder_scheduler
from dialogs.preload import load_data_files
from dialogs.applications.programmes import load_programmes
from observability import telemetry
from observability.logging_setup import configure_logging
from observability.readiness import check_readiness
from observability.turn_context import observed_turn, set_user_hash_key
from reminders.outbox import NoticeOutbox
from reports.compilation import default_file_name
from reports.compilation_file import (
    CONTENT_TYPES,
    compilation_bytes,
    compile_year,
    swedish_programme_names,
    today_in_malmo,
)
from reports.download_links import (
    DownloadLinkError,
    LinkExpired,
    LinkMalformed,
    attachment_disposition,
    signing_secret,
    verify_compilation_link,
    verify_information_item_link,
)
from reports.information_item import information_item_for_application
from settings import Settings
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.applications import get_application
from storage.db import create_engine, create_session_factory
from storage.migrate import head_revision, upgrade
from storage.users import get_user

logger = logging.getLogger("lotsen.app")

SETTINGS_KEY = web.AppKey("settings", Settings)
ENDPOINT_KEY = web.AppKey("endpoint", BotEndpoint)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SESSION_FACTORY_KEY = web.AppKey("session_factory", async_sessionmaker)
BACKGROUND_TASKS_KEY = web.AppKey("background_tasks", set)
NOTICE_OUTBOX_KEY = web.AppKey("notice_outbox", NoticeOutbox)
# The Alembic revision this code needs (the head of storage/migrations), read once at start-up for /readyz.
EXPECTED_REVISION_KEY = web.AppKey("expected_revision", str)
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
    # The turn's ids (the user's hashed) go with every log line until it is answered, and its duration is recorded.
    with observed_turn(body) as outcome:
        response = await _process(endpoint, body, request.headers.get("Authorization", ""))
        outcome.status = response.status
        return response


async def _process(endpoint: BotEndpoint, body: object, authorization: str) -> web.Response:
    try:
        result = await endpoint.process(body, authorization)
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


async def get_liveness(request: web.Request) -> web.Response:
    """The process answers: nothing else is asked, so that a database outage restarts no instance."""
    return web.json_response({"status": "ok"})


async def get_readiness(request: web.Request) -> web.Response:
    """The database answers and is migrated: 200, or 503 with a short reason (also /healthz)."""
    readiness = await check_readiness(request.app[ENGINE_KEY], request.app[EXPECTED_REVISION_KEY],
                                      timeout=HEALTH_TIMEOUT_SECONDS)
    return web.json_response(readiness.body, status=200 if readiness.ready else 503)


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
    year, on = int(year_text), today_in_malmo()
    async with request.app[SESSION_FACTORY_KEY]() as session:
        user = await get_user(session, user_id)
        # The role is asked again now: a link outlives a coordinator who has since changed jobs.
        if user is None or not can_see_all_organisations(user):
            logger.warning("refused a compilation download for user %s, who is not a KS coordinator", user_id)
            return _error(403, "only KS coordinators and administrators may download the compilation")
        compilation = await compile_year(session, settings, year, on, swedish_programme_names(load_programmes()))
    content = await asyncio.to_thread(compilation_bytes, compilation, fmt)
    return web.Response(body=content, headers={
        "Content-Type": CONTENT_TYPES[fmt],
        "Content-Disposition": f'attachment; filename="{default_file_name(year, fmt)}"',
        "Cache-Control": "no-store",
    })


async def get_information_item_download(request: web.Request) -> web.Response:
    """An application's informationsärende in Word, from a link the bot gave: made now, from the database."""
    settings = request.app[SETTINGS_KEY]
    application_text = request.match_info["application_id"]
    try:
        user_id = verify_information_item_link(
            signing_secret(settings), application_id=application_text, fmt=request.match_info["fmt"],
            user=request.query.get("user"), expires=request.query.get("expires"),
            signature=request.query.get("signature"), now=datetime.now(timezone.utc))
    except LinkMalformed as error:
        return _error(400, str(error))
    except LinkExpired as error:
        return _error(410, str(error))
    except DownloadLinkError as error:
        logger.warning("refused an informationsärende download: %s", error)
        return _error(403, str(error))
    async with request.app[SESSION_FACTORY_KEY]() as session:
        user = await get_user(session, user_id)
        if user is None:
            return _error(403, "the user the link was made for is not known here")
        try:
            # Asked again now, as "mina ansökningar" asks: the user may have moved to another organisation.
            application = await get_application(session, int(application_text), user)
        except NotFound:
            return _error(404, "no such application")
        except AccessDenied:
            logger.warning("refused an informationsärende download of application %s for user %s, who may not "
                           "see it", application_text, user_id)
            return _error(403, "you may not see this application")
        if application.information_item is None:
            return _error(404, "this application needs no informationsärende")
        draft = information_item_for_application(application, swedish_programme_names(load_programmes()))
    # Word's libraries (python-docx, docxtpl, Jinja, lxml: 0.1 s of imports) are loaded by the first download,
    # not by every start of a server whose turns never need them.
    from reports.information_document import (
        CONTENT_TYPE as WORD_CONTENT_TYPE,
        TemplateUnusable,
        document_file_name,
        information_document,
        template_path,
    )

    try:
        content = await asyncio.to_thread(information_document, draft, template_path(settings))
    except TemplateUnusable as error:
        logger.error("%s", error)
        return _error(500, "the informationsärende template cannot be used; the log says why")
    return web.Response(body=content, headers={
        "Content-Type": WORD_CONTENT_TYPE,
        "Content-Disposition": attachment_disposition(document_file_name(draft.reference)),
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
    set_user_hash_key(signing_secret(settings))

    async def lifespan(app: web.Application) -> AsyncIterator[None]:
        # Read now, off the event loop, rather than by the first turn that needs them, on it.
        _, app[EXPECTED_REVISION_KEY] = await asyncio.gather(asyncio.to_thread(load_data_files),
                                                             asyncio.to_thread(head_revision))
        # What start-up loaded (the policy model, catalogs, modules) lives as long as the process: out of the
        # garbage collector's reach, a full collection no longer walks it and stalls every turn for 0.3 s.
        gc.freeze()
        engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
        telemetry.instrument_engine(engine)
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
        backlog = telemetry.watch_backlog(session_factory)  # None without telemetry
        yield
        await telemetry.stop_watching(backlog)
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
    app.router.add_get("/livez", get_liveness)
    app.router.add_get("/readyz", get_readiness)
    app.router.add_get("/healthz", get_readiness)  # the name hosting was first configured with
    # Any year and format text reaches the handler, so that a malformed one is a 400 saying so, not a 404.
    app.router.add_get(r"/downloads/compilation/{year:[^/.]+}.{fmt:[^/]+}", get_compilation_download)
    app.router.add_get(r"/downloads/information-item/{application_id:[^/.]+}.{fmt:[^/]+}",
                       get_information_item_download)
    return app


def serve(settings: Settings) -> None:
    """Serves until the process is stopped: logs as LOG_FORMAT says, telemetry as the environment says."""
    # Unset LOG_FORMAT: JSON for a registered bot (a log collector reads it), text for local use (a person does).
    configure_logging(settings.log_level,
                      settings.log_format or ("json" if settings.authentication_enabled else "text"))
    if telemetry.start_from_environment():  # before create_app: it instruments aiohttp's Application
        logger.info("OpenTelemetry exports through %s", ", ".join(telemetry.active().exporters))
    logger.info("Lotsen listens on http://%s:%s/api/messages", settings.host, settings.port)
    try:
        web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    finally:
        telemetry.deactivate()  # sends what is still buffered

