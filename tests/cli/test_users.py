"""`python -m cli users …` and `python -m cli history`: set by whoever runs Lotsen, never by chat, and recorded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from storage.application_data import ApplicationData
from storage.applications import application_reference, create_application
from storage.db import create_engine
from storage.models import AuditEvent, AuditEventKind, AuditSubjectType, Organisation, Role, User
from storage.organisations import get_organisation
from storage.users import upsert_user
from tests.support.activities import message
from tests.support.people import make_user

ROOT = Path(__file__).resolve().parents[2]


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return _cli(database_url, "users", *args)


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


# --- the audit trail, the contact-person registry and the history, on both databases ---------------------


async def _audit(session_factory) -> list[AuditEvent]:
    async with session_factory() as session:
        return list((await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all())


async def test_grants_and_placements_are_recorded_as_the_operators(database_url, session_factory):
    async with session_factory.begin() as session:
        asa = await upsert_user(session, "29:asa", aad_object_id=None, name="Åsa Öberg")

    assert _run(database_url, "organisation", "åsa öberg", "miljonamnden").returncode == 0
    assert _run(database_url, "grant", "contact_person", "29:asa").returncode == 0
    again = _run(database_url, "grant", "contact_person", "29:asa")  # unchanged: nothing recorded
    assert again.returncode == 0, again.stderr

    events = await _audit(session_factory)
    assert [(e.kind, e.subject_type, e.subject_id, e.actor_user_id, e.details.get("from"), e.details.get("to"))
            for e in events] == [
        (AuditEventKind.ORGANISATION_CHANGED, AuditSubjectType.USER, asa.id, None, None, "Miljönämnden"),
        (AuditEventKind.ROLE_CHANGED, AuditSubjectType.USER, asa.id, None, "official", "contact_person"),
    ]
    assert len({event.organisation_id for event in events}) == 1 and events[0].organisation_id is not None


async def test_a_user_is_taken_out_of_every_organisation_with_ingen_none_or_a_dash(database_url, session_factory):
    async with session_factory.begin() as session:
        asa = await make_user(session, "29:asa", "Åsa Öberg", await get_organisation(session, "miljonamnden"))

    async def organisation_id() -> int | None:
        async with session_factory() as session:
            return (await session.get(User, asa.id)).organisation_id

    for none in ("ingen", "none", "-"):
        out = _run(database_url, "organisation", "29:asa", none)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "Åsa Öberg: no organisation"
        assert await organisation_id() is None
        assert _run(database_url, "organisation", "29:asa", "Kulturnämnden").returncode == 0
        assert await organisation_id() is not None
    events = [e for e in await _audit(session_factory) if e.kind == AuditEventKind.ORGANISATION_CHANGED]
    assert [(e.details["from"], e.details["to"], e.actor_user_id) for e in events] == [
        (None, "Miljönämnden", None),  # make_user's placement
        ("Miljönämnden", None, None), (None, "Kulturnämnden", None),
        ("Kulturnämnden", None, None), (None, "Kulturnämnden", None),
        ("Kulturnämnden", None, None), (None, "Kulturnämnden", None)]


async def test_the_contact_person_registry_from_the_command_line(database_url, session_factory):
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        fritid = await get_organisation(session, "fritidsnamnden")
        await make_user(session, "29:asa", "Åsa Öberg", miljo)
        await make_user(session, "29:kp", "Kim Kontakt", fritid, Role.CONTACT_PERSON)

    linked = _cli(database_url, "users", "contact", "Miljönämnden", "åsa", "öberg")
    assert linked.returncode == 0, linked.stderr
    assert "Miljönämnden: åsa öberg (Lotsen user 29:asa)" in linked.stdout
    unlinked = _cli(database_url, "users", "contact", "mkb-fastighets-ab", "Extern Representant")
    assert unlinked.returncode == 0 and "not linked" in unlinked.stdout

    listing = _cli(database_url, "users", "contacts")
    assert listing.returncode == 0, listing.stderr
    lines = {line.split("  ")[0]: line for line in listing.stdout.splitlines()}
    assert "åsa öberg (Lotsen: 29:asa)" in lines["Miljönämnden"]
    assert "Extern Representant" in lines["MKB Fastighets AB"] and "bolag" in lines["MKB Fastighets AB"]
    assert "saknas; contact_person: Kim Kontakt" in lines["Fritidsnämnden"]  # only the role
    assert "saknas" in lines["Kulturnämnden"] and "contact_person" not in lines["Kulturnämnden"]
    # A bolag without a representative lacks nothing: 3.4 only gives it the opportunity to appoint one.
    assert "ingen utsedd (frivilligt, 3.4)" in lines["Boplats Syd AB"] and "saknas" not in lines["Boplats Syd AB"]
    assert len(listing.stdout.splitlines()) == 23  # every active organisation

    removed = _cli(database_url, "users", "contact-remove", "miljonamnden")
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert "had no contact person" in _cli(database_url, "users", "contact-remove", "miljonamnden").stdout

    no_organisation = _cli(database_url, "users", "contact", "Månnämnden", "Anna")
    assert no_organisation.returncode == 2 and "no organisation" in no_organisation.stdout
    blank = _cli(database_url, "users", "contact", "Miljönämnden", "   ")
    assert blank.returncode == 2 and "e.g." in blank.stdout
    assert "Traceback" not in no_organisation.stderr + blank.stderr

    events = await _audit(session_factory)
    contact_events = [e for e in events if e.subject_type == AuditSubjectType.CONTACT_PERSON]
    assert [(e.kind, e.actor_user_id, e.details.get("to")) for e in contact_events] == [
        (AuditEventKind.CONTACT_PERSON_SET, None, "åsa öberg"),
        (AuditEventKind.CONTACT_PERSON_SET, None, "Extern Representant"),
        (AuditEventKind.CONTACT_PERSON_REMOVED, None, None),
    ]


async def test_the_history_as_the_operator(database_url, session_factory):
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        asa = await make_user(session, "29:asa", "Åsa Öberg", miljo)
        application, _ = await create_application(
            session, data=ApplicationData(project_name="Gröna tak"), organisation=miljo, created_by=asa,
            submission_key="k-1", eur_sek_rate=None, information_item_required=False, information_item_draft=None,
        )
        reference = application_reference(application)
    assert _cli(database_url, "users", "contact", "fritidsnamnden", "Kim Kontakt").returncode == 0

    everything = _cli(database_url, "history")
    assert everything.returncode == 0, everything.stderr
    lines = everything.stdout.splitlines()
    assert len(lines) == 3
    assert "contact_person_set" in lines[0] and "Fritidsnämnden" in lines[0] and "operator" in lines[0]
    assert '"to": "Kim Kontakt"' in lines[0]
    assert reference in lines[1] and "created" in lines[1] and "Åsa Öberg" in lines[1]
    assert "organisation_changed" in lines[2] and "Miljönämnden" in lines[2]

    miljo_only = _cli(database_url, "history", "--organisation", "Miljönämnden")
    assert miljo_only.returncode == 0 and miljo_only.stdout.splitlines() == lines[1:]
    newest = _cli(database_url, "history", "--limit", "1")
    assert newest.returncode == 0 and newest.stdout.splitlines() == lines[:1]
    empty = _cli(database_url, "history", "--organisation", "kulturnamnden")
    assert empty.returncode == 0 and "no history yet" in empty.stdout

    bad_limit = _cli(database_url, "history", "--limit", "0")
    assert bad_limit.returncode == 2 and "--limit 100" in bad_limit.stdout
    bad_organisation = _cli(database_url, "history", "--organisation", "Månnämnden")
    assert bad_organisation.returncode == 2 and "no organisation" in bad_organisation.stdout
    not_a_number = _cli(database_url, "history", "--limit", "many")
    assert not_a_number.returncode == 2 and "invalid int value" in not_a_number.stderr
    assert "Traceback" not in bad_limit.stderr + bad_organisation.stderr + not_a_number.stderr
