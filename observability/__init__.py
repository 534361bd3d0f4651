"""Operating Lotsen: structured logs with the turn they belong to, OpenTelemetry traces and metrics, and what the
readiness probe asks of the database. Nothing here imports botbuilder, and nothing of OpenTelemetry is imported
unless an OTEL_* or APPLICATIONINSIGHTS_CONNECTION_STRING variable asks for it (observability/telemetry.py)."""
