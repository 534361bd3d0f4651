"""Logging as the app serves: one JSON object a line (for a log collector), or text for a terminal.

A JSON line has `time` (UTC, ISO 8601), `level`, `logger` and `message`, the turn's `activity_id`,
`conversation_id` and `user` (a keyed hash, observability/turn_context.py) while a turn runs, `trace_id` and
`span_id` while a span is (with telemetry on), what the call passed as `extra` (such as `duration_ms`), and
`exception` with the traceback when there is one. What users write is never put in a log line by Lotsen.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, Literal, TextIO

from observability import telemetry
from observability.turn_context import current_turn

LogFormat = Literal["json", "text"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The attributes every LogRecord has; any other one came from `extra=` and goes into the line.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        turn = current_turn.get()
        if turn is not None:
            line.update(turn.as_log_fields())
        trace = telemetry.current_trace_ids()
        if trace is not None:
            line["trace_id"], line["span_id"] = trace
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRIBUTES and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TurnTextFormatter(logging.Formatter):
    """The terminal's format, with the turn's fields after the message, and Lotsen's own extras (a library's, such
    as aiohttp's access log's, would only repeat its message)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        turn = current_turn.get()
        fields = dict(turn.as_log_fields()) if turn is not None else {}
        if record.name.startswith("lotsen"):
            fields.update((name, value) for name, value in vars(record).items() if name not in _RECORD_ATTRIBUTES)
        if not fields:
            return text
        first, newline, rest = text.partition("\n")
        return f"{first} [{' '.join(f'{name}={value}' for name, value in fields.items())}]{newline}{rest}"


def handler_for(log_format: LogFormat, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TurnTextFormatter(TEXT_FORMAT))
    return handler


def configure_logging(level: str, log_format: LogFormat, stream: TextIO | None = None) -> None:
    """Replaces the root logger's handlers with one in `log_format` at `level` (whatever configured it before)."""
    logging.basicConfig(level=level, handlers=[handler_for(log_format, stream)], force=True)
    quiet_data_loggers()


# Loggers that write SQL statements with their parameters at DEBUG (or INFO): those hold what users wrote, so they
# say only warnings and errors whatever LOG_LEVEL is.
DATA_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")


def quiet_data_loggers() -> None:
    for name in DATA_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
