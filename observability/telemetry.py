"""Telemetry's switch: OpenTelemetry traces and metrics when the environment names somewhere to send them, and
nothing at all otherwise.

Telemetry starts when OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_/_METRICS_ variant) or
APPLICATIONINSIGHTS_CONNECTION_STRING is set, and OTEL_SDK_DISABLED is not `true`. Only then is OpenTelemetry
imported (observability/otel.py): without those variables this module costs the start-up nothing. The functions
below are safe to call either way, and never raise: telemetry must not make a turn fail.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - names for type hints only; importing them would load OpenTelemetry
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from observability.backlog import BacklogWatcher
    from observability.otel import Telemetry

logger = logging.getLogger("lotsen.telemetry")

EXPORT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "APPLICATIONINSIGHTS_CONNECTION_STRING")

_active: Telemetry | None = None


def wanted(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(environ.get(name, "").strip() for name in EXPORT_VARIABLES)


def start_from_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Starts exporting when the environment asks for it (once a process); True when telemetry is on."""
    if _active is None and wanted(environ):
        from observability.otel import Telemetry  # only now: it imports the OpenTelemetry SDK and exporters

        activate(Telemetry.exporting(environ))
    return _active is not None


def activate(telemetry: Telemetry) -> None:
    """Instruments the HTTP server and client with `telemetry` and makes it the one recording (tests give one
    with in-memory exporters). Apps created after this are traced."""
    global _active
    telemetry.instrument()
    _active = telemetry


def deactivate() -> None:
    """Undoes `activate`: nothing is recorded after this; what was recorded is flushed to the exporters."""
    global _active
    if _active is not None:
        telemetry, _active = _active, None
        telemetry.uninstrument()
        telemetry.shutdown()


def active() -> Telemetry | None:
    return _active


def record_turn(seconds: float, activity_type: str, status: int) -> None:
    if _active is None:
        return
    try:
        _active.record_turn(seconds, activity_type, status)
    except Exception:
        logger.warning("could not record a turn's duration", exc_info=True)


def instrument_engine(engine: AsyncEngine) -> None:
    """Traces the engine's SQL statements."""
    if _active is None:
        return
    try:
        _active.instrument_engine(engine)
    except Exception:
        logger.warning("could not instrument the database engine; SQL is not traced", exc_info=True)


def current_trace_ids() -> tuple[str, str] | None:
    """The running span's trace and span id (hex), for a log line to point at its trace; None without one."""
    if _active is None:
        return None
    try:
        return _active.current_trace_ids()
    except Exception:
        return None


def watch_backlog(session_factory: async_sessionmaker[AsyncSession]) -> BacklogWatcher | None:
    """Starts counting the reminder backlog and notice outbox for the gauges; None (nothing started) when
    telemetry is off. The caller stops it with `stop_watching`."""
    if _active is None:
        return None
    from observability.backlog import BacklogWatcher

    watcher = BacklogWatcher(session_factory)
    _active.watch_backlog(watcher)
    watcher.start()
    return watcher


async def stop_watching(watcher: BacklogWatcher | None) -> None:
    if watcher is None:
        return
    await watcher.stop()
    if _active is not None and _active.backlog is watcher:
        _active.watch_backlog(None)
