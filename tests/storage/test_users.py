"""storage/users.py."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.access import AccessDenied, can_manage_users
from storage.models import AuditEvent, AuditEventKind, AuditSubjectType, User, utc_now
from storage.organisations import get_organisation
from storage.users import (
    Role,
    find_users,
    get_user,
    get_user_by_teams_id,
    grant_role,
    place_user,
    set_user_organisation,
    set_user_role,
    upsert_user,
)
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
TEAMS_ID = (
    "29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bPbpsfJjcbAD22bm"
    "Kc4GMbrY2g4JDrrA8vM06X1-cHHle4zOE6U4ttcc"
)


async def test_upsert_creates_a_user_with_the_default_role(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(
            session, TEAMS_ID, aad_object_id="aad-1", name="Åsa Öberg", email="asa@malmo.se", locale="sv-SE"
        )
        assert user.id is not None
    async with session_factory() as session:
        stored = await get_user_by_teams_id(session, TEAMS_ID)
    assert stored is not None
    assert (stored.id, stored.name, stored.email, stored.locale, stored.aad_object_id) == (
        user.id, "Åsa Öberg", "asa@malmo.se", "sv-SE", "aad-1"
    )
    assert stored.role is Role.OFFICIAL
    assert stored.organisation_id is None
    assert stored.created_at.tzinfo is not None and stored.created_at.utcoffset().total_seconds() == 0
    assert stored.updated_at >= stored.created_at


async def test_upsert_refreshes_details_but_never_role_or_organisation(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, TEAMS_ID, aad_object_id="aad-1", name="Åsa", email="a@malmo.se")
        miljo = await get_organisation(session, "miljonamnden")
        await set_user_organisation(session, user, miljo)
        await set_user_role(session, user, Role.CONTACT_PERSON)
        first_updated = user.updated_at

    async with session_factory.begin() as session:
        again = await upsert_user(session, TEAMS_ID, aad_object_id=None, name="Åsa Öberg", locale="en-US")
        assert again.id == user.id
        assert again.name == "Åsa Öberg"
        assert again.locale == "en-US"
        assert again.email == "a@malmo.se"  # not sent this time: kept
        assert again.aad_object_id == "aad-1"  # not sent this time: kept
        assert again.role is Role.CONTACT_PERSON
        assert again.organisation_id == miljo.id
        assert again.updated_at >= first_updated

    async with session_factory.begin() as session:
        unnamed = await upsert_user(session, TEAMS_ID, aad_object_id="aad-1", name="")
        assert unnamed.name == "Åsa Öberg"


async def test_upsert_in_the_same_session_refreshes_the_loaded_object(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        loaded = await upsert_user(session, TEAMS_ID, aad_object_id=None, name="Före")
        refreshed = await upsert_user(session, TEAMS_ID, aad_object_id=None, name="Efter")
        assert refreshed is loaded
        assert loaded.name == "Efter"


async def test_concurrent_first_turns_of_one_user_do_not_collide(session_factory: Factory) -> None:
    async def first_turn(number: int) -> int:
        async with session_factory.begin() as session:
            return (await upsert_user(session, TEAMS_ID, aad_object_id="aad", name=f"Namn {number}")).id

    ids = await asyncio.gather(*(first_turn(number) for number in range(10)))
    assert len(set(ids)) == 1
    async with session_factory() as session:
        count = (await session.execute(text("SELECT count(*) FROM users"))).scalar_one()
    assert count == 1


async def test_roles_and_organisations(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:kalle", aad_object_id=None, name="Kalle")
        await set_user_role(session, user, Role.KS_COORDINATOR)
        await set_user_organisation(session, user, await get_organisation(session, "mkb-fastighets-ab"))
    async with session_factory.begin() as session:
        stored = await get_user(session, user.id)
        assert stored is not None and stored.role is Role.KS_COORDINATOR
        organisation = await get_organisation(session, "mkb-fastighets-ab")
        assert organisation is not None and stored.organisation_id == organisation.id
        await set_user_role(session, stored, "admin")  # type: ignore[arg-type]
        await set_user_organisation(session, stored, None)
    async with session_factory() as session:
        stored = await get_user_by_teams_id(session, "29:kalle")
        assert stored is not None and stored.role is Role.ADMIN and stored.organisation_id is None
        assert await get_user_by_teams_id(session, "29:nobody") is None


async def test_unknown_roles_are_refused(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:kalle", aad_object_id=None, name="Kalle")
        with pytest.raises(ValueError):
            await set_user_role(session, user, "superuser")  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            await session.execute(text("UPDATE users SET role = 'superuser'"))


async def test_a_missing_organisation_is_refused_by_the_foreign_key(session_factory: Factory) -> None:
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            user = await upsert_user(session, "29:kalle", aad_object_id=None, name="Kalle")
            user.organisation_id = 999_999
            await session.flush()


# --- the audit trail of roles and organisations, and who may change them ----------------------------------


async def _audit(session_factory: Factory) -> list[AuditEvent]:
    async with session_factory() as session:
        return list((await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all())


async def test_role_and_organisation_changes_are_recorded_with_who_what_and_when(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        fritid = await get_organisation(session, "fritidsnamnden")
        assert miljo is not None and fritid is not None
        admin = await upsert_user(session, "29:admin", aad_object_id=None, name="Adam Admin")
        user = await upsert_user(session, "29:kalle", aad_object_id=None, name="Kalle")
        before = utc_now()
        await set_user_organisation(session, user, miljo, actor=admin)
        await set_user_organisation(session, user, miljo, actor=admin)  # unchanged: no event
        await set_user_role(session, user, Role.CONTACT_PERSON)  # the operator: actor None
        await set_user_role(session, user, Role.CONTACT_PERSON)  # unchanged: no event
        await set_user_organisation(session, user, fritid)
        await set_user_organisation(session, user, None, actor=admin)
        after = utc_now()
    events = await _audit(session_factory)
    assert [(e.kind, e.subject_type, e.subject_id, e.organisation_id, e.actor_user_id, e.details) for e in events] == [
        (AuditEventKind.ORGANISATION_CHANGED, AuditSubjectType.USER, user.id, miljo.id, admin.id,
         {"from": None, "to": "Miljönämnden", "from_id": None, "to_id": miljo.id}),
        (AuditEventKind.ROLE_CHANGED, AuditSubjectType.USER, user.id, miljo.id, None,
         {"from": "official", "to": "contact_person"}),
        (AuditEventKind.ORGANISATION_CHANGED, AuditSubjectType.USER, user.id, fritid.id, None,
         {"from": "Miljönämnden", "to": "Fritidsnämnden", "from_id": miljo.id, "to_id": fritid.id}),
        # Moved to no organisation: the event stays with the one left, so its history shows it.
        (AuditEventKind.ORGANISATION_CHANGED, AuditSubjectType.USER, user.id, fritid.id, admin.id,
         {"from": "Fritidsnämnden", "to": None, "from_id": fritid.id, "to_id": None}),
    ]
    assert all(before <= event.at <= after and event.at.utcoffset() == timedelta(0) for event in events)


async def test_a_change_rolled_back_leaves_no_audit_event(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:kalle", aad_object_id=None, name="Kalle")
    with pytest.raises(RuntimeError):
        async with session_factory.begin() as session:
            loaded = await get_user(session, user.id)
            assert loaded is not None
            await set_user_role(session, loaded, Role.KS_COORDINATOR)
            raise RuntimeError("the turn failed")
    assert await _audit(session_factory) == []
    async with session_factory() as session:
        stored = await get_user(session, user.id)
        assert stored is not None and stored.role is Role.OFFICIAL


def test_only_admins_manage_users() -> None:
    assert [role for role in Role if can_manage_users(User(role=role))] == [Role.ADMIN]


async def test_admins_grant_roles_and_place_users_in_chat_but_never_make_admins(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        assert miljo is not None
        admin = await make_user(session, "29:admin", "Adam Admin", None, Role.ADMIN)
        other_admin = await make_user(session, "29:admin2", "Alva Admin", None, Role.ADMIN)
        coordinator = await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR)
        official = await make_user(session, "29:asa", "Åsa Öberg", miljo)
        target = await make_user(session, "29:kalle", "Kalle", None)
        events_before = len((await session.scalars(select(AuditEvent))).all())

        await place_user(session, target, miljo, admin)
        await grant_role(session, target, Role.CONTACT_PERSON, admin)
        await grant_role(session, target, "ks_coordinator", admin)
        for not_an_admin in (coordinator, official, target):
            with pytest.raises(AccessDenied):
                await grant_role(session, target, Role.OFFICIAL, not_an_admin)
            with pytest.raises(AccessDenied):
                await place_user(session, target, None, not_an_admin)
        with pytest.raises(AccessDenied):
            await grant_role(session, target, Role.ADMIN, admin)  # admins are made by the command line only
        with pytest.raises(AccessDenied):
            await grant_role(session, other_admin, Role.OFFICIAL, admin)  # …and unmade there too
        with pytest.raises(ValueError):
            await grant_role(session, target, "emperor", admin)
        assert (target.role, target.organisation_id, other_admin.role) == (Role.KS_COORDINATOR, miljo.id, Role.ADMIN)
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()[events_before:]
    assert [(event.kind, event.actor_user_id, event.details.get("to")) for event in events] == [
        (AuditEventKind.ORGANISATION_CHANGED, admin.id, "Miljönämnden"),
        (AuditEventKind.ROLE_CHANGED, admin.id, "contact_person"),
        (AuditEventKind.ROLE_CHANGED, admin.id, "ks_coordinator"),
    ]


async def test_find_users_by_id_email_or_name_whatever_the_case_of_å_ä_ö(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        asa = await upsert_user(session, "29:asa", aad_object_id="AAD-ASA", name="Åsa  Öberg", email="Asa@Malmo.se")
        namesake = await upsert_user(session, "29:asa2", aad_object_id=None, name="åsa öberg")
        bo = await upsert_user(session, "29:bo", aad_object_id=None, name="Bo Ek")
    async with session_factory() as session:
        assert [user.id for user in await find_users(session, "ÅSA ÖBERG ")] == [asa.id, namesake.id]
        assert [user.id for user in await find_users(session, "29:asa")] == [asa.id]
        assert [user.id for user in await find_users(session, "asa@malmo.se")] == [asa.id]
        assert [user.id for user in await find_users(session, "aad-asa")] == [asa.id]
        assert [user.id for user in await find_users(session, "bo  ek")] == [bo.id]
        assert await find_users(session, "Bo") == []
        assert await find_users(session, "   ") == []
