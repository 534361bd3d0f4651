"""`python -m cli reminders list` and `python -m cli reminders run-due --now …`, run as operators run them: a
separate process on a SQLite file, delivering to the connector stand-in in this test's process."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Reminder, ReminderState
from storage.reminders import schedule
from tests.support.cli_process import run_cli
from tests.support.reminder_setup import add_user, deadline_spec, malmo, reminder_ids_received


async def _cli(database_url: str, cwd: Path, *arguments: str) -> tuple[int, str, str]:
    return await run_cli(database_url, cwd, *arguments, settings={"ANNUAL_REPORT_DEADLINE": "03-31"},
                         unset=("REMINDER_HOUR",))


async def _seed(database_url: str, service_url: str) -> dict[str, int]:
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        session_factory = create_session_factory(engine)
        async with session_factory.begin() as session:
            anna = await add_user(session, "29:anna", "Anna Andersson", service_url=service_url)
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-02-01 09:00"), key="first",
                                                  deadline="2027-02-15"))
            await schedule(session, deadline_spec(user_id=anna.id, due_at=malmo("2027-06-01 09:00"), key="second",
                                                  deadline="2027-06-15"))
        async with session_factory() as session:
            return dict((await session.execute(select(Reminder.idempotency_key, Reminder.id))).all())
    finally:
        await engine.dispose()


async def _states(database_url: str) -> dict[int, tuple[ReminderState, int]]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(select(Reminder.id, Reminder.state, Reminder.attempts))
            return {reminder_id: (state, attempts) for reminder_id, state, attempts in rows}
    finally:
        await engine.dispose()


def _rows(listing: str) -> list[list[str]]:
    """The table's rows (header and rule left out), cells split on the two spaces between columns."""
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in listing.splitlines()[2:]]


async def test_list_and_run_due_at_a_simulated_moment(tmp_path, connector):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    ids = await _seed(database_url, service_url)

    status, listing, errors = await _cli(database_url, tmp_path, "reminders", "list")
    assert status == 0, errors
    assert listing.splitlines()[0].split() == ["id", "kind", "recipient", "due", "(Europe/Stockholm)", "state",
                                               "attempts"]
    assert _rows(listing) == [
        [str(ids["first"]), "application_deadline", "Anna Andersson (29:anna)", "2027-02-01 09:00", "pending", "0"],
        [str(ids["second"]), "application_deadline", "Anna Andersson (29:anna)", "2027-06-01 09:00", "pending", "0"],
    ]

    status, output, errors = await _cli(database_url, tmp_path, "reminders", "run-due", "--now", "2027-02-01T09:00")
    assert status == 0, errors
    assert output.strip() == ("at 2027-02-01 09:00 Europe/Stockholm: 0 new reminders planned; "
                              "1 delivered, 0 to retry, 0 failed; not sent: 0 past their deadline, "
                              "0 superseded by a later one")
    assert reminder_ids_received(standin.cards()) == {ids["first"]: 1}
    assert "om 14 dagar" in standin.cards()[0]["body"][1]["text"]  # counted from the simulated day
    assert await _states(database_url) == {ids["first"]: (ReminderState.SENT, 1),
                                           ids["second"]: (ReminderState.PENDING, 0)}

    # The same moment again sends nothing more; the list shows what was sent.
    status, output, _ = await _cli(database_url, tmp_path, "reminders", "run-due", "--now", "2027-02-01 09:30")
    assert status == 0 and "0 delivered" in output
    assert len(standin.received) == 1
    status, listing, _ = await _cli(database_url, tmp_path, "reminders", "list", "--state", "sent")
    assert status == 0
    assert _rows(listing) == [
        [str(ids["first"]), "application_deadline", "Anna Andersson (29:anna)", "2027-02-01 09:00", "sent", "1"],
    ]


async def test_run_due_reports_a_conversation_that_is_gone_and_a_bad_moment(tmp_path, connector):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    ids = await _seed(database_url, service_url)
    standin.fail_with = [403]
    status, output, errors = await _cli(database_url, tmp_path, "reminders", "run-due", "--now",
                                        "2027-02-01T08:00:00+00:00")
    assert status == 0, errors
    assert "0 delivered, 0 to retry, 1 failed" in output
    assert (await _states(database_url))[ids["first"]] == (ReminderState.FAILED, 1)

    status, _, errors = await _cli(database_url, tmp_path, "reminders", "run-due", "--now", "tomorrow")
    assert status == 2
    assert "not a date and time like 2027-02-01T09:00" in errors
    status, listing, _ = await _cli(database_url, tmp_path, "reminders", "list", "--state", "done")
    assert (status, listing.strip()) == (0, "no reminders")


async def test_a_reminder_picked_up_after_its_deadline_is_listed_with_why_it_was_not_sent(tmp_path, connector):
    standin, service_url = connector
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    ids = await _seed(database_url, service_url)
    # Lotsen was down from before the first reminder until after the deadline it led up to (15 February).
    status, output, errors = await _cli(database_url, tmp_path, "reminders", "run-due", "--now", "2027-02-20 09:00")
    assert status == 0, errors
    assert "0 delivered" in output and "1 past their deadline" in output
    assert standin.received == []
    status, listing, _ = await _cli(database_url, tmp_path, "reminders", "list", "--state", "cancelled")
    assert status == 0
    assert _rows(listing) == [
        [str(ids["first"]), "application_deadline", "Anna Andersson (29:anna)", "2027-02-01 09:00",
         "cancelled (deadline passed)", "0"],
    ]
