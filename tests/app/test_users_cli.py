"""`python app.py users …`: roles and organisations are set by whoever runs Lotsen, never by chat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from storage.db import create_engine
from storage.models import Organisation, User
from tests.support.activities import message

ROOT = Path(__file__).resolve().parents[2]


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py", "users", *args], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})


async def test_grant_a_role_and_place_a_user_in_an_organisation(start_app, connector, tmp_path):
    _, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/users.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "hjälp"))  # Anna has now written to Lotsen

    placed = _run(database_url, "organisation", "anna andersson", "Miljönämnden")
    assert placed.returncode == 0, placed.stderr
    granted = _run(database_url, "grant", "ks_coordinator", "29:anna")
    assert granted.returncode == 0, granted.stderr
    listing = _run(database_url, "list")
    assert "Anna Andersson" in listing.stdout and "ks_coordinator" in listing.stdout and "Miljönämnden" in listing.stdout

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            user = (await connection.execute(select(User).where(User.teams_user_id == "29:anna"))).one()
            organisation = (await connection.execute(
                select(Organisation).where(Organisation.id == user.organisation_id))).one()
    finally:
        await engine.dispose()
    assert user.role == "ks_coordinator"
    assert organisation.slug == "miljonamnden"


async def test_unknown_users_roles_and_organisations_are_refused(start_app, connector, tmp_path):
    _, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path}/users.db"
    client = await start_app(database_url=database_url)
    await client.post("/api/messages", json=message(service_url, "hjälp"))
    nobody = _run(database_url, "grant", "admin", "nobody@example.com")
    assert nobody.returncode == 2 and "no user" in nobody.stdout
    no_organisation = _run(database_url, "organisation", "29:anna", "Månnämnden")
    assert no_organisation.returncode == 2 and "no organisation" in no_organisation.stdout
    bad_role = _run(database_url, "grant", "emperor", "29:anna")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert "Traceback" not in nobody.stderr + no_organisation.stderr + bad_role.stderr
