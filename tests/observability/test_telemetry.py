"""Traces and metrics, recorded in memory while the app is driven over HTTP: the server span of POST /api/messages,
the SQL and outgoing HTTP spans of its turn in the same trace, the turn-latency histogram, the backlog gauges; and
telemetry that stays out of the process unless the environment asks for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from opentelemetry.trace import SpanKind

from observability import telemetry
from observability.backlog import BacklogWatcher
from storage.models import Notice, NoticeState
from storage.notices import NoticeSpec, enqueue
from storage.reminders import ReminderSpec, schedule
from tests.support.activities import message

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


async def test_a_message_gives_a_server_span_with_its_sql_and_http_calls_and_a_turn_duration(
        start_app, connector, recorded):
    standin, service_url = connector
    client = await start_app()
    recorded.exporter.clear()  # what the start-up did (migrations, seeding) is not the turn's
    response = await client.post("/api/messages", json=message(service_url, "hej"))
    assert response.status == 201
    assert standin.received

    spans = recorded.spans()
    [server] = [span for span in spans if span.kind == SpanKind.SERVER and span.name == "POST /api/messages"]
    in_turn = [span for span in spans if span.context.trace_id == server.context.trace_id]
    sql = [span for span in in_turn if span.kind == SpanKind.CLIENT and span.attributes.get("db.system") == "sqlite"]
    assert any("bot_state" in str(span.attributes.get("db.statement")) for span in sql)
    posts = [span for span in in_turn if span.kind == SpanKind.CLIENT and span.name == "POST"
             and str(span.attributes.get("http.url", "")).startswith(service_url)]
    assert posts  # the reply, posted to the connector

    [point] = recorded.points("lotsen.turn.duration")
    assert point.count == 1 and point.sum > 0
    assert dict(point.attributes) == {"activity.type": "message", "http.response.status_code": 201}


async def test_a_refused_request_is_measured_with_its_status(start_app, connector, recorded):
    _, service_url = connector
    client = await start_app(MicrosoftAppId="lotsen-app-id")  # a token is required now, and none is sent
    response = await client.post("/api/messages", json=message(service_url, "hej"))
    assert response.status == 401
    [point] = recorded.points("lotsen.turn.duration")
    assert point.attributes["http.response.status_code"] == 401


async def test_the_backlog_gauges_report_due_reminders_and_pending_notices(session_factory, recorded):
    async with session_factory.begin() as session:
        for key, due in (("due", NOW - timedelta(hours=1)), ("later", NOW + timedelta(days=3))):
            await schedule(session, ReminderSpec(kind="annual_report", subject_type="organisation", subject_id=1,
                                                 due_at=due, idempotency_key=key,
                                                 recipient_conversation_id="19:nämnd@thread.tacv2"))
        for subject_id in (1, 2):
            await enqueue(session, NoticeSpec(kind="ks_application", subject_type="application",
                                              subject_id=subject_id, recipient_conversation_id="19:ks@thread.tacv2"))
    watcher = BacklogWatcher(session_factory)
    recorded.telemetry.watch_backlog(watcher)
    assert recorded.gauge("lotsen.reminders.due") is None  # nothing counted yet: nothing reported

    await watcher.refresh(now=NOW)
    assert recorded.gauge("lotsen.reminders.due") == 1
    assert recorded.gauge("lotsen.notices.pending") == 2

    async with session_factory.begin() as session:
        (await session.get(Notice, 1)).state = NoticeState.SENT
    await watcher.refresh(now=NOW + timedelta(days=4))
    assert recorded.gauge("lotsen.reminders.due") == 2
    assert recorded.gauge("lotsen.notices.pending") == 1


async def test_the_app_counts_the_backlog_while_telemetry_is_on(start_app, recorded):
    await start_app()
    watcher = recorded.telemetry.backlog
    assert watcher is not None
    assert await watcher.refresh() is not None
    assert recorded.gauge("lotsen.reminders.due") == 0
    assert recorded.gauge("lotsen.notices.pending") == 0


async def test_without_telemetry_a_turn_records_nothing_and_fails_nothing(start_app, connector):
    assert telemetry.active() is None
    standin, service_url = connector
    client = await start_app()
    assert (await client.post("/api/messages", json=message(service_url, "hej"))).status == 201
    assert standin.received


def _python(code: str, **environment: str) -> dict:
    """Runs `code` in a fresh interpreter (its global OpenTelemetry state its own), with only the OTEL_* and
    APPLICATIONINSIGHTS_* variables given; returns the JSON it prints."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("OTEL_", "APPLICATIONINSIGHTS_"))}
    env.update(environment)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


_START = """
import json, os, sys
import app
from observability import telemetry
loaded_at_import = sorted(m for m in sys.modules if m.startswith(("opentelemetry", "azure.monitor")))
on = telemetry.start_from_environment()
exporters = telemetry.active().exporters if on else []
print(json.dumps({"loaded_at_import": loaded_at_import, "on": on, "exporters": exporters}))
sys.stdout.flush()
os._exit(0)  # no shutdown: its final export would try the (unreachable) endpoints
"""


def test_without_the_variables_nothing_of_opentelemetry_is_even_imported():
    result = _python(_START)
    assert result == {"loaded_at_import": [], "on": False, "exporters": []}


def test_telemetry_is_wanted_when_a_destination_is_set_and_the_sdk_not_turned_off():
    assert not telemetry.wanted({})
    assert not telemetry.wanted({"OTEL_SERVICE_NAME": "lotsen", "OTEL_EXPORTER_OTLP_ENDPOINT": " "})
    assert telemetry.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert telemetry.wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"})
    assert telemetry.wanted({"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=…"})
    assert not telemetry.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "TRUE"})


def test_an_otlp_endpoint_turns_on_otlp_export_of_traces_and_metrics():
    result = _python(_START, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9")
    assert result["loaded_at_import"] == []
    assert result["on"] is True
    assert result["exporters"] == ["OTLPSpanExporter", "OTLPMetricExporter"]


def test_an_application_insights_connection_string_turns_on_azure_monitor_export(tmp_path):
    result = _python(
        _START, APPLICATIONINSIGHTS_CONNECTION_STRING=(
            "InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:9/"),
        # The exporter's own usage statistics would go to Microsoft: not from a test.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL="true", APPLICATIONINSIGHTS_SDKSTATS_DISABLED="true",
        TMPDIR=str(tmp_path))
    assert result["on"] is True
    assert result["exporters"] == ["AzureMonitorTraceExporter", "AzureMonitorMetricExporter"]
