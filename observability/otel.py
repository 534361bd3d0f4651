"""OpenTelemetry for Lotsen, imported only when telemetry is on (observability/telemetry.py decides).

Traces: the HTTP server (a span for each request, with the W3C trace context a caller sent), outgoing HTTP (the
Bot Connector, the token service) and each SQL statement. Metrics: the instrumentations' own (HTTP durations,
database connections), `lotsen.turn.duration` (seconds from a POST /api/messages read to its answer) and two
gauges read from the database (observability/backlog.py): `lotsen.reminders.due` and `lotsen.notices.pending`.

Exporters follow the environment: OTLP over HTTP (the SDK reads the OTEL_EXPORTER_OTLP_* variables itself) and,
where APPLICATIONINSIGHTS_CONNECTION_STRING is set, Azure Monitor (Application Insights). OTEL_SERVICE_NAME and
OTEL_RESOURCE_ATTRIBUTES name the service as usual; it is "lotsen" when they do not.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
from opentelemetry.instrumentation.sqlalchemy import __version__ as sqlalchemy_instrumentation_version
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from observability.backlog import BacklogWatcher

# Seconds; a turn that takes over 15 s is one Teams has given up waiting for.
TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
# The probes are asked every few seconds by every instance's host: traced, they would drown the requests that
# matter. OTEL_PYTHON_AIOHTTP_SERVER_EXCLUDED_URLS, when set, says otherwise.
PROBE_PATHS = "livez,readyz,healthz"


class Telemetry:
    def __init__(self, tracer_provider: TracerProvider, meter_provider: MeterProvider,
                 exporters: tuple[str, ...] = ()) -> None:
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.exporters = exporters  # the exporters' class names, for the log and the tests
        meter = meter_provider.get_meter("lotsen")
        self._turn_duration = meter.create_histogram(
            "lotsen.turn.duration", unit="s", explicit_bucket_boundaries_advisory=list(TURN_BUCKETS),
            description="From a POST /api/messages read to its answer, the turn's replies posted.")
        meter.create_observable_gauge("lotsen.reminders.due", [self._reminders_due], unit="{reminder}",
                                      description="Reminders due now or earlier that have not gone out.")
        meter.create_observable_gauge("lotsen.notices.pending", [self._notices_pending], unit="{notice}",
                                      description="Notices in the outbox not yet delivered nor given up.")
        # SQL spans and connection counts as the SQLAlchemy instrumentation makes them, for each engine given.
        self._sql_tracer = tracer_provider.get_tracer("opentelemetry.instrumentation.sqlalchemy",
                                                      sqlalchemy_instrumentation_version)
        sql_meter = meter_provider.get_meter("opentelemetry.instrumentation.sqlalchemy")
        self._connections = sql_meter.create_up_down_counter(
            "db.client.connections.usage", unit="connections",
            description="The number of connections that are currently in state described by the state attribute.")
        self.backlog: BacklogWatcher | None = None

    @classmethod
    def exporting(cls, environ: Mapping[str, str]) -> Telemetry:
        """Providers with the exporters the environment names, made the process's global ones."""
        resource = Resource.create({} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: "lotsen"})
        span_exporters, metric_exporters = list(_span_exporters(environ)), list(_metric_exporters(environ))
        tracer_provider = TracerProvider(resource=resource)
        for span_exporter in span_exporters:
            tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
        meter_provider = MeterProvider(resource=resource, metric_readers=[
            PeriodicExportingMetricReader(metric_exporter) for metric_exporter in metric_exporters])
        trace.set_tracer_provider(tracer_provider)
        metrics.set_meter_provider(meter_provider)
        os.environ.setdefault("OTEL_PYTHON_AIOHTTP_SERVER_EXCLUDED_URLS", PROBE_PATHS)
        return cls(tracer_provider, meter_provider,
                   tuple(type(exporter).__name__ for exporter in (*span_exporters, *metric_exporters)))

    def instrument(self) -> None:
        """Applications made after this (aiohttp's `web.Application`) and client sessions opened after it are
        traced."""
        with warnings.catch_warnings():
            # The instrumentation subclasses web.Application to add its middleware, which aiohttp frowns upon.
            warnings.filterwarnings("ignore", "Inheritance class", DeprecationWarning)
            AioHttpServerInstrumentor().instrument(tracer_provider=self.tracer_provider)
        AioHttpClientInstrumentor().instrument(tracer_provider=self.tracer_provider,
                                               meter_provider=self.meter_provider)

    def uninstrument(self) -> None:
        AioHttpServerInstrumentor().uninstrument()
        AioHttpClientInstrumentor().uninstrument()

    def instrument_engine(self, engine: AsyncEngine) -> None:
        # What SQLAlchemyInstrumentor().instrument(engine=…) does, for any number of engines: it instruments one.
        EngineTracer(self._sql_tracer, engine.sync_engine, self._connections)

    def watch_backlog(self, watcher: BacklogWatcher | None) -> None:
        """The watcher whose counts the gauges report (None: report nothing)."""
        self.backlog = watcher

    def record_turn(self, seconds: float, activity_type: str, status: int) -> None:
        self._turn_duration.record(seconds, {"activity.type": activity_type, "http.response.status_code": status})

    def current_trace_ids(self) -> tuple[str, str] | None:
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return None
        return format(context.trace_id, "032x"), format(context.span_id, "016x")

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()

    def _reminders_due(self, _options: CallbackOptions) -> Iterable[Observation]:
        counts = self.backlog.counts if self.backlog is not None else None
        return [Observation(counts.reminders_due)] if counts is not None else []

    def _notices_pending(self, _options: CallbackOptions) -> Iterable[Observation]:
        counts = self.backlog.counts if self.backlog is not None else None
        return [Observation(counts.notices_pending)] if counts is not None else []


def _otlp_traces(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _otlp_metrics(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"))


# Each exporter is imported only when it is used: Azure Monitor's brings the Azure SDK.
def _span_exporters(environ: Mapping[str, str]) -> Iterable[SpanExporter]:
    if _otlp_traces(environ):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        yield OTLPSpanExporter()
    if connection_string := environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
        from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

        yield AzureMonitorTraceExporter(connection_string=connection_string)


def _metric_exporters(environ: Mapping[str, str]) -> Iterable[MetricExporter]:
    if _otlp_metrics(environ):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        yield OTLPMetricExporter()
    if connection_string := environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
        from azure.monitor.opentelemetry.exporter import AzureMonitorMetricExporter

        yield AzureMonitorMetricExporter(connection_string=connection_string)
