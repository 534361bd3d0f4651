"""Every listing of the command line shows user text without the terminal escape sequences it may hold: names,
projects, reports, comments and questions stored before Lotsen cleaned what it was sent (or typed by whoever wrote
to the database some other way) reach the operator's terminal as harmless text, run as operators run it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage.annual_reports import add_item, get_or_create_draft, return_for_completion, set_details, submit
from storage.application_data import MalmoRole, Money
from storage.applications import application_reference
from storage.contact_persons import set_contact_person
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Role
from storage.organisations import get_organisation
from storage.questions import record_unanswered_question
from storage.reminders import schedule
from tests.support.cli_process import run_cli
from tests.support.compilation_seed import add_application
from tests.support.people import make_user
from tests.support.reminder_setup import deadline_spec, malmo

# A window title change, a bell, "clear screen", the one-character CSI of the C1 controls, and a bidi override
# that would turn the rest of the line around.
HOSTILE = "Eva\x1b]0;owned\x07\x1b[2J\x9b31m\u202eEk"
NEVER_SHOWN = ("\x1b", "\x07", "\x9b", "\u202e")
YEAR = 2026


async def _seed(database_url: str) -> str:
    """Eva Ek (with escape sequences in her name) works for Miljönämnden, is its contact person, registered an
    application and reported; KS förvaltning returned the report with a comment of the same kind. Another user
has her name."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            environment = await get_organisation(session, "miljonamnden")
            eva = await make_user(session, "29:eva", HOSTILE, environment)
            await make_user(session, "29:eva-2", HOSTILE, environment)  # a namesake: listed when a name is ambiguous
            karin = await make_user(session, "29:karin", "Karin KS", None, Role.KS_COORDINATOR)
            await set_contact_person(session, environment, HOSTILE, None)
            application = await add_application(
                session, environment, eva, HOSTILE, programme="other", programme_other=HOSTILE,
                role=MalmoRole.OWNER, budget=Money.of(1_000_000, "SEK"), planned=date(YEAR, 5, 1))
            report = await get_or_create_draft(session, environment.id, YEAR, eva)
            await add_item(session, report, eva, kind="network", title=HOSTILE, description=HOSTILE,
                           focus_areas=["2a"], results=HOSTILE)
            await set_details(session, report, eva, in_verksamhetsplan=True, contact_name=HOSTILE)
            await submit(session, report, eva)
            await return_for_completion(session, report, karin, HOSTILE)
            await schedule(session, deadline_spec(user_id=eva.id, due_at=malmo("2027-02-01 09:00"), key="evas",
                                                  project=HOSTILE))
            await record_unanswered_question(session, HOSTILE, "sv")
            return application_reference(application)
    finally:
        await engine.dispose()


@pytest.fixture
async def seeded(tmp_path: Path) -> tuple[str, str]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    return database_url, await _seed(database_url)


@pytest.mark.parametrize("arguments", [
    ("users", "list"),
    ("users", "contacts"),
    ("users", "grant", "contact_person", "29:eva"),
    ("users", "grant", "contact_person", HOSTILE),
    ("users", "organisation", "29:eva", "Miljönämnden"),
    ("users", "contact", "Miljönämnden", HOSTILE),
    ("history",),
    ("reminders", "list"),
    ("report", "show", "--organisation", "Miljönämnden", "--year", str(YEAR), "--as", "29:karin"),
    ("report", "show", "--organisation", "Kulturnämnden", "--year", str(YEAR), "--as", "29:eva"),
    ("applications", "show", "{reference}", "--as", "29:karin"),
    ("unanswered",),
], ids=lambda arguments: " ".join(arguments[:2]))
async def test_no_listing_prints_an_escape_sequence_from_user_text(seeded, tmp_path: Path, arguments):
    database_url, reference = seeded
    status, output, errors = await run_cli(database_url, tmp_path, *(part.format(reference=reference)
                                                                      for part in arguments))
    assert "Traceback" not in errors
    assert "Eva" in output + errors, (output, errors)  # the user text is there, shown harmlessly
    for sequence in NEVER_SHOWN:
        assert sequence not in output and sequence not in errors, (arguments, output, errors)
