"""storage/history.py: applications', annual reports' and the audit trail's events, merged newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.access import AccessDenied
from storage.application_data import ApplicationData, ApplicationStatus, Money
from storage.applications import application_reference, create_application, get_application, set_status
from storage.annual_reports import get_or_create_draft
from storage.contact_persons import set_contact_person
from storage.history import OPERATOR, HistoryEntry, read_history
from storage.models import AnnualReportEvent, ApplicationEvent, AuditEvent, Organisation, User
from storage.organisations import get_organisation
from storage.users import Role, grant_role
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
YEAR = 2026


@dataclass
class World:
    own: Organisation
    other: Organisation
    official: User  # of own
    outsider: User  # of other
    coordinator: User
    admin: User
    reference: str  # of own's application


async def _world(session_factory: Factory) -> World:
    """People, then (in this order) an application of own and its status, a report of other, own's contact
    person, and a role granted in chat."""
    async with session_factory.begin() as session:
        own = await get_organisation(session, "miljonamnden")
        other = await get_organisation(session, "fritidsnamnden")
        assert own is not None and other is not None
        official = await make_user(session, "29:asa", "Åsa Öberg", own)
        outsider = await make_user(session, "29:cia", "Cia Ljung", other)
        coordinator = await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR)
        admin = await make_user(session, "29:admin", "Adam Admin", None, Role.ADMIN)
        application, _ = await create_application(
            session, data=ApplicationData(project_name="Gröna tak"), organisation=own, created_by=official,
            submission_key="k-1", eur_sek_rate=None, information_item_required=False, information_item_draft=None,
        )
        loaded = await get_application(session, application.id, official)
        await set_status(session, loaded, ApplicationStatus.GRANTED, coordinator, granted_amount=Money.of(5, "SEK"))
        await get_or_create_draft(session, other.id, YEAR, outsider)
        await set_contact_person(session, own, "Åsa Öberg", official)
        await grant_role(session, outsider, Role.CONTACT_PERSON, admin)
        return World(own, other, official, outsider, coordinator, admin, application_reference(loaded))


def _summary(entries: list[HistoryEntry]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(e.source, e.kind, e.subject, e.organisation_name, e.actor_name) for e in entries]


async def test_every_source_merged_newest_first_with_names_and_subjects(session_factory: Factory) -> None:
    world = await _world(session_factory)
    async with session_factory() as session:
        entries = await read_history(session, world.coordinator)
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert all(entry.at.utcoffset() == timedelta(0) for entry in entries)
    # make_user's placements and roles are in the history too (the operator's): first what the world did after.
    assert _summary(entries)[:5] == [
        ("user", "role_changed", "Cia Ljung", "Fritidsnämnden", "Adam Admin"),
        ("contact_person", "contact_person_set", "Miljönämnden", "Miljönämnden", "Åsa Öberg"),
        ("annual_report", "created", "2026", "Fritidsnämnden", "Cia Ljung"),
        ("application", "status_changed", world.reference, "Miljönämnden", "Karin KS"),
        ("application", "created", world.reference, "Miljönämnden", "Åsa Öberg"),
    ]
    assert entries[0].details == {"from": "official", "to": "contact_person"}
    assert entries[1].details == {"from": None, "to": "Åsa Öberg", "user_id": world.official.id}
    assert entries[3].details == {"from": "draft", "to": "granted", "granted_amount": "500 SEK"}
    assert sorted((e.kind, e.subject, e.organisation_name, e.actor_name) for e in entries[5:]) == [
        ("organisation_changed", "Cia Ljung", "Fritidsnämnden", None),
        ("organisation_changed", "Åsa Öberg", "Miljönämnden", None),
        ("role_changed", "Adam Admin", None, None),
        ("role_changed", "Karin KS", None, None),
    ]


async def test_filtered_by_organisation_and_limited(session_factory: Factory) -> None:
    world = await _world(session_factory)
    async with session_factory() as session:
        own = await read_history(session, world.admin, organisation_id=world.own.id)
        other = await read_history(session, world.admin, organisation_id=world.other.id)
        newest_two = await read_history(session, world.admin, limit=2)
        for limit in (0, -1, 1001):
            with pytest.raises(ValueError):
                await read_history(session, world.admin, limit=limit)
    assert {entry.organisation_name for entry in own} == {"Miljönämnden"}
    assert [(e.source, e.kind) for e in own] == [
        ("contact_person", "contact_person_set"),
        ("application", "status_changed"),
        ("application", "created"),
        ("user", "organisation_changed"),  # Åsa placed in Miljönämnden
    ]
    assert {entry.organisation_name for entry in other} == {"Fritidsnämnden"}
    assert [(e.source, e.kind) for e in other] == [
        ("user", "role_changed"), ("annual_report", "created"), ("user", "organisation_changed")
    ]
    assert _summary(newest_two) == _summary([other[0], own[0]])  # the role granted, then the contact set


async def test_the_order_follows_the_time_of_each_event_across_sources(session_factory: Factory) -> None:
    await _world(session_factory)
    base = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)
    # Turn the order of the sources around: audit oldest, then the report, then the application's events.
    async with session_factory.begin() as session:
        await session.execute(update(AuditEvent).values(at=base))
        await session.execute(update(AnnualReportEvent).values(at=base + timedelta(hours=1)))
        await session.execute(update(ApplicationEvent).where(ApplicationEvent.kind == "created")
                              .values(at=base + timedelta(hours=2)))
        await session.execute(update(ApplicationEvent).where(ApplicationEvent.kind == "status_changed")
                              .values(at=base + timedelta(hours=3)))
    async with session_factory() as session:
        entries = await read_history(session, OPERATOR)
    assert [(e.source, e.kind) for e in entries[:3]] == [
        ("application", "status_changed"), ("application", "created"), ("annual_report", "created")
    ]
    assert {e.at for e in entries[3:]} == {base}
    # Events of the same instant come in a fixed order: by source, then the newest of a table first.
    assert [e.source for e in entries[3:]] == ["contact_person"] + ["user"] * 5
    user_ids = [e.event_id for e in entries[4:]]
    assert user_ids == sorted(user_ids, reverse=True)
    assert [e.at.astimezone(timezone.utc) for e in entries[:3]] == [
        base + timedelta(hours=3), base + timedelta(hours=2), base + timedelta(hours=1)
    ]


async def test_only_ks_coordinators_admins_and_the_operator_read_it(session_factory: Factory) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        contact = await make_user(session, "29:kp", "Kim Kontakt", world.own, Role.CONTACT_PERSON)
    async with session_factory() as session:
        for viewer in (world.official, world.outsider, contact):
            with pytest.raises(AccessDenied):
                await read_history(session, viewer)
            with pytest.raises(AccessDenied):
                await read_history(session, viewer, organisation_id=viewer.organisation_id)
        as_operator = await read_history(session, OPERATOR)
        as_admin = await read_history(session, world.admin)
    assert _summary(as_operator) == _summary(as_admin) and len(as_operator) > 5


async def test_deleted_people_leave_their_events_without_names(session_factory: Factory) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        await session.delete(await session.get(User, world.admin.id))
        await session.delete(await session.get(User, world.outsider.id))
    async with session_factory() as session:
        entries = await read_history(session, world.coordinator, organisation_id=world.other.id)
    role_change = entries[0]
    assert (role_change.kind, role_change.actor_name, role_change.subject) == (
        "role_changed", None, f"#{world.outsider.id}"
    )


async def test_a_few_queries_however_many_events(session_factory: Factory, engine: AsyncEngine) -> None:
    world = await _world(session_factory)
    async with session_factory.begin() as session:
        for number in range(40):
            await set_contact_person(session, world.own, f"Person {number}", None)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with session_factory() as session:
            entries = await read_history(session, world.coordinator, limit=100)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(entries) > 45
    assert len([statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]) == 3
