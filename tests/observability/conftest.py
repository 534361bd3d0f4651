"""Telemetry recorded in memory (the SDK's InMemorySpanExporter and InMemoryMetricReader) instead of exported, and
log lines captured as the app writes them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from observability import telemetry
from observability.logging_setup import DATA_LOGGERS, LogFormat, handler_for, quiet_data_loggers
from observability.otel import Telemetry


@dataclass
class Recorded:
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader
    telemetry: Telemetry

    def spans(self) -> tuple[ReadableSpan, ...]:
        return self.exporter.get_finished_spans()

    def points(self, name: str) -> list[Any]:
        """The data points of the metric `name` as collected now (empty when it has none)."""
        data = self.reader.get_metrics_data()
        return [point for resource in (data.resource_metrics if data else ())
                for scope in resource.scope_metrics for metric in scope.metrics if metric.name == name
                for point in metric.data.data_points]

    def gauge(self, name: str) -> int | float | None:
        points = self.points(name)
        assert all(isinstance(point, NumberDataPoint) for point in points)
        return points[-1].value if points else None


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    """Telemetry on, recording in memory: apps started after this are traced."""
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    recording = Telemetry(tracer_provider, MeterProvider(metric_readers=[reader]))
    telemetry.activate(recording)
    try:
        yield Recorded(exporter, reader, recording)
    finally:
        telemetry.deactivate()


class CapturedLog:
    def __init__(self, log_format: LogFormat = "json") -> None:
        self.stream = io.StringIO()
        self.handler = handler_for(log_format, self.stream)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Every line written, each parsed as the JSON object it must be."""
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture
def captured_log() -> Iterator[CapturedLog]:
    """Every log line of the test, down to DEBUG, as the JSON formatter writes it when the app serves (the loggers
    that write SQL parameters held at WARNING, as `configure_logging` holds them)."""
    captured = CapturedLog()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *DATA_LOGGERS)}
    root.addHandler(captured.handler)
    root.setLevel(logging.DEBUG)
    quiet_data_loggers()
    try:
        yield captured
    finally:
        root.removeHandler(captured.handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
