"""The probes over HTTP: /livez answers while the process does, whatever the database; /readyz (and /healthz, its
old name) only when the database answers and is migrated to this version's head, so that a database outage takes
instances out of the load balancer instead of restarting them all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storage.migrate import head_revision, upgrade

NOTHING_LISTENS = "postgresql+asyncpg://postgres@127.0.0.1:1/lotsen"


async def test_a_migrated_database_is_ready_on_either_backend(start_app, database_url):
    client = await start_app(database_url=database_url, auto_migrate=True)
    for path in ("/readyz", "/healthz"):
        response = await client.get(path)
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok", "revision": head_revision()}
    response = await client.get("/livez")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_an_unmigrated_database_is_reachable_but_not_ready_on_either_backend(start_app, database_url):
    client = await start_app(database_url=database_url, auto_migrate=False)
    response = await client.get("/readyz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert body["reason"].startswith("database not migrated: at revision none")
    assert head_revision() in body["reason"]
    assert (await client.get("/livez")).status == 200


async def test_a_database_that_does_not_answer_leaves_the_process_alive_but_not_ready(start_app):
    client = await start_app(database_url=NOTHING_LISTENS, auto_migrate=False)
    for path in ("/readyz", "/healthz"):
        response = await client.get(path)
        assert response.status == 503
        body = await response.json()
        assert body["status"] == "unavailable"
        assert body["reason"].startswith("database unreachable")
        assert "Traceback" not in json.dumps(body)
    response = await client.get("/livez")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_an_instance_becomes_ready_once_its_database_is_migrated(start_app, tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path}/later.db"
    client = await start_app(database_url=database_url, auto_migrate=False)
    assert (await client.get("/readyz")).status == 503
    await upgrade(database_url)  # as `python -m cli migrate` from a release job, while the instance runs
    response = await client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["revision"] == head_revision()


def test_the_server_starts_without_alembic_or_words_libraries():
    """What a start needs and no more: the probes read both revisions without Alembic, and the Word document's
    libraries (python-docx, docxtpl, Jinja, lxml) wait for the first download. `python app.py` imports the command
    line's modules too (cli/main.py, which imports app)."""
    script = ("import sys, cli.main\n"
              "print(sorted({name.split('.')[0] for name in sys.modules}"
              " & {'alembic', 'mako', 'docx', 'docxtpl', 'jinja2', 'lxml'}))")
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
