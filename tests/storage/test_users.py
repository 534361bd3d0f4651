"""storage/users.py."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.organisations import get_organisation
from storage.users import Role, get_user, get_user_by_teams_id, set_user_organisation, set_user_role, upsert_user

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
