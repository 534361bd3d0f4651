"""storage/contact_persons.py: the registry of contact persons (3.3) and bolag representatives (3.4)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.access import AccessDenied
from storage.contact_persons import (
    ContactPerson,
    can_set_contact_person,
    contact_persons_by_organisation,
    get_contact_person,
    is_contact_person,
    organisations_without_contact_person,
    organisations_without_representative,
    remove_contact_person,
    set_contact_person,
)
from storage.models import AuditEvent, AuditEventKind, AuditSubjectType, Organisation, OrganisationKind, User, utc_now
from storage.organisations import find_organisation, get_organisation, list_organisations, swedish_sort_key
from storage.reminders import contact_person_ids_by_organisation
from storage.users import Role, set_user_organisation, upsert_user
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]


@dataclass
class People:
    own: Organisation  # a nämnd
    other: Organisation
    bolag: Organisation
    anna: User  # official of own, the contact person to be
    colleague: User  # official of own
    outsider: User  # official of other
    coordinator: User
    admin: User


async def _people(session_factory: Factory) -> People:
    async with session_factory.begin() as session:
        own = await get_organisation(session, "miljonamnden")
        other = await get_organisation(session, "fritidsnamnden")
        bolag = await get_organisation(session, "mkb-fastighets-ab")
        assert own is not None and other is not None and bolag is not None
        return People(
            own=own,
            other=other,
            bolag=bolag,
            anna=await make_user(session, "29:anna", "Åsa Andersson", own),
            colleague=await make_user(session, "29:bo", "Bo Ek", own),
            outsider=await make_user(session, "29:cia", "Cia Ljung", other),
            coordinator=await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR),
            admin=await make_user(session, "29:admin", "Adam Admin", other, Role.ADMIN),
        )


async def _contact_events(session_factory: Factory) -> list[AuditEvent]:
    async with session_factory() as session:
        statement = (
            select(AuditEvent)
            .where(AuditEvent.subject_type == AuditSubjectType.CONTACT_PERSON)
            .order_by(AuditEvent.id)
        )
        return list((await session.scalars(statement)).all())


async def test_setting_links_the_one_user_of_that_name_and_records_who_what_when(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        before = utc_now()
        # Case, diacritics' case and extra spaces aside: "åsa  ANDERSSON" is Åsa Andersson of Miljönämnden.
        row = await set_contact_person(session, people.own, "  åsa  ANDERSSON ", people.colleague)
        after = utc_now()
        assert (row.organisation.slug, row.name, row.user_id, row.set_by_user_id) == (
            "miljonamnden", "åsa ANDERSSON", people.anna.id, people.colleague.id
        )
        assert row.user is not None and row.user.name == "Åsa Andersson"
    async with session_factory() as session:
        stored = await get_contact_person(session, people.own.id)
        assert stored is not None and stored.user is not None and stored.user.teams_user_id == "29:anna"
        assert stored.organisation.name == "Miljönämnden"
        assert await get_contact_person(session, people.other.id) is None
    (event,) = await _contact_events(session_factory)
    assert (event.kind, event.subject_id, event.organisation_id, event.actor_user_id, event.details) == (
        AuditEventKind.CONTACT_PERSON_SET, people.own.id, people.own.id, people.colleague.id,
        {"from": None, "to": "åsa ANDERSSON", "user_id": people.anna.id},
    )
    assert before <= event.at <= after and event.at.utcoffset() == timedelta(0)


async def test_the_same_name_again_changes_nothing_another_name_is_recorded_from_to(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        first = await set_contact_person(session, people.own, "Åsa Andersson", people.anna)
    async with session_factory.begin() as session:
        again = await set_contact_person(session, people.own, "Åsa   Andersson", people.coordinator)
        assert again.id == first.id and again.set_by_user_id == people.anna.id  # untouched
        changed = await set_contact_person(session, people.own, "Erik Extern", people.coordinator)
        assert (changed.id, changed.name, changed.user_id, changed.user) == (first.id, "Erik Extern", None, None)
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ContactPerson)) == 1
    assert [(event.actor_user_id, event.details) for event in await _contact_events(session_factory)] == [
        (people.anna.id, {"from": None, "to": "Åsa Andersson", "user_id": people.anna.id}),
        (people.coordinator.id, {"from": "Åsa Andersson", "to": "Erik Extern", "user_id": None}),
    ]


async def test_no_link_for_nobody_several_or_someone_of_another_organisation(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        await make_user(session, "29:bo2", "Bo Ek", people.own)  # a second Bo Ek in Miljönämnden
        assert (await set_contact_person(session, people.own, "Bo Ek", None)).user_id is None
        # Cia Ljung exists, but works for Fritidsnämnden, not for MKB.
        assert (await set_contact_person(session, people.bolag, "Cia Ljung", None)).user_id is None
        assert (await set_contact_person(session, people.other, "Cia Ljung", None)).user_id == people.outsider.id


async def test_a_link_that_appears_later_is_made_when_the_name_is_set_again(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        assert (await set_contact_person(session, people.bolag, "Cia Ljung", None)).user_id is None
        outsider = await session.get(User, people.outsider.id)
        assert outsider is not None
        await set_user_organisation(session, outsider, people.bolag)
        relinked = await set_contact_person(session, people.bolag, "Cia Ljung", None)
        assert relinked.user is not None and relinked.user.id == people.outsider.id
    assert [event.details for event in await _contact_events(session_factory)] == [
        {"from": None, "to": "Cia Ljung", "user_id": None},
        {"from": "Cia Ljung", "to": "Cia Ljung", "user_id": people.outsider.id},
    ]


@pytest.mark.parametrize("name", ["", "   ", "\n\t", "x" * 201])
async def test_a_name_must_be_1_to_200_characters(session_factory: Factory, name: str) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        with pytest.raises(ValueError, match="1 to 200"):
            await set_contact_person(session, people.own, name, people.anna)
    async with session_factory() as session:
        assert await get_contact_person(session, people.own.id) is None
    assert await _contact_events(session_factory) == []


async def test_only_the_organisations_own_users_and_ks_may_set_or_remove(session_factory: Factory) -> None:
    people = await _people(session_factory)
    allowed = {"anna": True, "colleague": True, "outsider": False, "coordinator": True, "admin": True}
    for who, may in allowed.items():
        assert can_set_contact_person(getattr(people, who), people.own.id) is may, who
    async with session_factory.begin() as session:
        contact = await make_user(session, "29:kp", "Kim Kontakt", people.own, Role.CONTACT_PERSON)
    assert can_set_contact_person(contact, people.own.id)
    assert not can_set_contact_person(contact, people.other.id)

    async with session_factory.begin() as session:
        with pytest.raises(AccessDenied):
            await set_contact_person(session, people.own, "Cia Ljung", people.outsider)
        with pytest.raises(AccessDenied):
            await set_contact_person(session, people.bolag, "Anna", people.anna)  # MKB is not Anna's
        await set_contact_person(session, people.own, "Åsa Andersson", people.anna)
        with pytest.raises(AccessDenied):
            await remove_contact_person(session, people.own, people.outsider)
    async with session_factory() as session:
        stored = await get_contact_person(session, people.own.id)
        assert stored is not None and stored.name == "Åsa Andersson"
        assert await get_contact_person(session, people.bolag.id) is None
    assert len(await _contact_events(session_factory)) == 1


async def test_removing_records_what_was_removed_and_once_only(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        await set_contact_person(session, people.own, "Åsa Andersson", None)
    async with session_factory.begin() as session:
        assert await remove_contact_person(session, people.own, people.coordinator) is True
        assert await get_contact_person(session, people.own.id) is None
        assert await remove_contact_person(session, people.own, people.coordinator) is False
        assert await remove_contact_person(session, people.other, None) is False
    events = await _contact_events(session_factory)
    assert [(event.kind, event.actor_user_id, event.details) for event in events] == [
        (AuditEventKind.CONTACT_PERSON_SET, None, {"from": None, "to": "Åsa Andersson", "user_id": people.anna.id}),
        (AuditEventKind.CONTACT_PERSON_REMOVED, people.coordinator.id,
         {"from": "Åsa Andersson", "user_id": people.anna.id}),
    ]


async def test_two_setting_at_once_leave_one_row_and_a_true_history(session_factory: Factory) -> None:
    people = await _people(session_factory)

    async def set_as(name: str, actor: User) -> None:
        async with session_factory.begin() as session:
            await set_contact_person(session, people.own, name, actor)

    await asyncio.gather(set_as("Åsa Andersson", people.anna), set_as("Bo Ek", people.colleague))
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ContactPerson)) == 1
        stored = await get_contact_person(session, people.own.id)
    assert stored is not None
    first, second = [event.details for event in await _contact_events(session_factory)]
    # Whoever came second saw what the first had set, and what the second set is what stays.
    assert first["from"] is None and second["from"] == first["to"] and second["to"] == stored.name
    assert {first["to"], second["to"]} == {"Åsa Andersson", "Bo Ek"}


async def test_who_has_a_contact_person_and_who_is_one(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        inactive = Organisation(slug="nedlagd-namnd", name="Nedlagda nämnden", kind="namnd", active=False)
        session.add(inactive)
        await session.flush()
        await set_contact_person(session, inactive, "Olle Förr", None)
        await set_contact_person(session, people.own, "Åsa Andersson", None)
        await set_contact_person(session, people.bolag, "Extern Representant", None)
        role_contact = await make_user(session, "29:kp", "Kim Kontakt", people.other, Role.CONTACT_PERSON)
        await make_user(session, "29:nowhere", "Nils Ingenstans", None, Role.CONTACT_PERSON)
        all_active = await list_organisations(session)
    async with session_factory() as session:
        registry = await contact_persons_by_organisation(session)
        assert {organisation_id: row.name for organisation_id, row in registry.items()} == {
            people.own.id: "Åsa Andersson", people.bolag.id: "Extern Representant"
        }
        assert registry[people.own.id].user is not None and registry[people.bolag.id].user is None
        missing = await organisations_without_contact_person(session)
        # The registry and the contact_person role both count; inactive organisations are not listed; and only a
        # nämnd, which is to appoint a contact person (3.3), can be missing one: a bolag may appoint one (3.4).
        assert {organisation.id for organisation in missing} == {
            organisation.id for organisation in all_active if organisation.kind == OrganisationKind.NAMND
        } - {people.own.id, people.other.id}
        without_representative = await organisations_without_representative(session)
        assert {organisation.id for organisation in without_representative} == {
            organisation.id for organisation in all_active if organisation.kind == OrganisationKind.BOLAG
        } - {people.bolag.id}
        assert [organisation.name for organisation in without_representative][:2] == [
            "Boplats Syd AB", "Malmö Kommuns Parkerings AB"]
        assert [organisation.name for organisation in missing] == sorted(
            (organisation.name for organisation in missing), key=swedish_sort_key
        )
        assert await is_contact_person(session, people.anna)  # linked in the registry
        assert await is_contact_person(session, role_contact)  # by role
        assert not await is_contact_person(session, people.colleague)
        assert not await is_contact_person(session, people.outsider)

    async with session_factory.begin() as session:
        anna = await session.get(User, people.anna.id)
        assert anna is not None
        await set_user_organisation(session, anna, people.other)  # moved on: no longer Miljönämnden's contact
        assert not await is_contact_person(session, anna)


async def test_find_organisation_already_finds_organisations_as_people_write_them(session_factory: Factory) -> None:
    # The registry's commands reuse storage.organisations.find_organisation rather than a second lookup.
    async with session_factory() as session:
        found = {text: await find_organisation(session, text) for text in ("miljönämnden", "Miljönämnden",
                                                                           "miljonamnden", " MILJÖNÄMNDEN ")}
    assert {organisation.slug if organisation else None for organisation in found.values()} == {"miljonamnden"}


async def test_a_named_contact_is_linked_when_an_administrator_places_them_later(session_factory):
    """Named in chat before they ever wrote to Lotsen: placing them in the organisation links them, once."""
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        row = await set_contact_person(session, environment, "Åsa Öberg", actor=None)
        assert row.user_id is None
        asa = await upsert_user(session, "29:asa", aad_object_id=None, name="åsa  öberg")
        other = await upsert_user(session, "29:other", aad_object_id=None, name="Bo Berg")
        await set_user_organisation(session, other, environment)
        assert (await get_contact_person(session, environment.id)).user_id is None
        await set_user_organisation(session, asa, environment)
        assert (await get_contact_person(session, environment.id)).user_id == asa.id
        linked = (await session.scalars(
            select(AuditEvent).where(AuditEvent.kind == AuditEventKind.CONTACT_PERSON_SET)
            .order_by(AuditEvent.id))).all()
        assert [event.details for event in linked] == [
            {"from": None, "to": "Åsa Öberg", "user_id": None},
            {"from": "Åsa Öberg", "to": "Åsa Öberg", "user_id": asa.id},
        ]
        assert await contact_person_ids_by_organisation(session) == {environment.id: [asa.id]}


# --- a person chosen in the directory: reached by their Entra object id ---------------------------------------

OBJECT_ID = "0b6c1f7e-3a51-4c8e-9d1e-2f4a5b6c7d81"


async def test_a_person_chosen_in_the_directory_is_reached_by_object_id_whatever_their_name(session_factory):
    """Chosen before they ever wrote to Lotsen; then they write under another name, not yet placed anywhere: the
    organisation's reminders reach them. A user who merely has the directory's name does not count."""
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        row = await set_contact_person(session, people.own, "Åsa Andersson", people.colleague,
                                       aad_object_id=OBJECT_ID.upper())
        assert (row.name, row.aad_object_id, row.user_id, row.reached_users) == (
            "Åsa Andersson", OBJECT_ID, None, [])
        # people.anna is "Åsa Andersson" of Miljönämnden by name, but not the person chosen.
        assert await contact_person_ids_by_organisation(session) == {}
        assert not await is_contact_person(session, people.anna)
        missing = {organisation.id for organisation in await organisations_without_contact_person(session)}
        assert people.own.id not in missing  # named in the registry: not missing, though nobody is reached yet

    async with session_factory.begin() as session:
        asa = await upsert_user(session, "29:asa", aad_object_id=OBJECT_ID, name="Andersson Åsa (MF)")
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [asa.id]}
        assert [user.id for user in (await get_contact_person(session, people.own.id)).reached_users] == [asa.id]
        assert not await is_contact_person(session, asa)  # placed nowhere yet: not "of the organisation they are in"
        await set_user_organisation(session, asa, await session.get(Organisation, people.own.id))
        assert await is_contact_person(session, asa)
        # Moved on: still the one the organisation chose.
        await set_user_organisation(session, asa, await session.get(Organisation, people.other.id))
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [asa.id]}

    [event] = await _contact_events(session_factory)
    assert event.details == {"from": None, "to": "Åsa Andersson", "user_id": None, "aad_object_id": OBJECT_ID}


async def test_naming_again_keeps_the_chosen_person_and_another_name_replaces_them(session_factory):
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        await set_contact_person(session, people.own, "Bo Ek", people.admin, aad_object_id=OBJECT_ID)
        # The same name typed again (no Graph, the annual report): the chosen person stays, nothing is recorded.
        same = await set_contact_person(session, people.own, "bo  EK", people.admin)
        assert (same.name, same.aad_object_id, same.user_id) == ("Bo Ek", OBJECT_ID, None)
        # people.colleague is Bo Ek of Miljönämnden: placing them does not link by name over the object id.
        colleague = await session.get(User, people.colleague.id)
        await set_user_organisation(session, colleague, await session.get(Organisation, people.other.id))
        await set_user_organisation(session, colleague, await session.get(Organisation, people.own.id))
        assert (await get_contact_person(session, people.own.id)).user_id is None
        # Another name, without the directory: a name again, linked by name as always.
        named = await set_contact_person(session, people.own, "Åsa Andersson", people.admin)
        assert (named.name, named.aad_object_id, named.user_id) == ("Åsa Andersson", None, people.anna.id)
        assert await contact_person_ids_by_organisation(session) == {people.own.id: [people.anna.id]}
    assert [event.details for event in await _contact_events(session_factory)] == [
        {"from": None, "to": "Bo Ek", "user_id": None, "aad_object_id": OBJECT_ID},
        {"from": "Bo Ek", "to": "Åsa Andersson", "user_id": people.anna.id},
    ]


async def test_an_object_id_is_a_guid(session_factory):
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        with pytest.raises(ValueError):
            await set_contact_person(session, people.own, "Bo Ek", people.admin, aad_object_id="x'; drop table")
        assert await get_contact_person(session, people.own.id) is None
