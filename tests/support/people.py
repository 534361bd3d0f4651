"""Users for tests: someone who has written to Lotsen, placed in an organisation with a role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Organisation, Role, User
from storage.organisations import get_organisation
from storage.db import create_engine, create_session_factory
from storage.users import get_user_by_teams_id, set_user_organisation, set_user_role, upsert_user


async def make_user(
    session: AsyncSession, teams_id: str, name: str, organisation: Organisation | None, role: Role = Role.OFFICIAL
) -> User:
    user = await upsert_user(session, teams_id, aad_object_id=None, name=name)
    await set_user_organisation(session, user, organisation)
    await set_user_role(session, user, role)
    return user


async def operator_places(database_url: str, placements: list[tuple[str, Role, str]]) -> None:
    """What the operator's command line does (`python -m cli users grant/organisation`, actor None) for people
    who have written to Lotsen: (Teams id, role, organisation key) each, in one transaction."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            for teams_id, role, organisation_key in placements:
                user = await get_user_by_teams_id(session, teams_id)
                await set_user_role(session, user, role)
                await set_user_organisation(session, user, await get_organisation(session, organisation_key))
    finally:
        await engine.dispose()


OWN = "miljonamnden"
OTHER = "fritidsnamnden"


@dataclass
class Cast:
    """Who the storage access tests ask on behalf of: two organisations and one person in each place."""

    own: Organisation
    other: Organisation
    official: User  # works for OWN
    colleague: User  # also OWN
    contact: User  # contact person (role) of OWN
    outsider: User  # works for OTHER
    homeless: User  # organisation not known
    coordinator: User  # KS coordinator, no organisation
    admin: User  # admin, working for OTHER


async def seed_cast(session_factory: async_sessionmaker[AsyncSession]) -> Cast:
    async with session_factory.begin() as session:
        own = await get_organisation(session, OWN)
        other = await get_organisation(session, OTHER)
        assert own is not None and other is not None
        return Cast(
            own=own,
            other=other,
            official=await make_user(session, "29:asa", "Åsa Öberg", own),
            colleague=await make_user(session, "29:bo", "Bo Ek", own),
            contact=await make_user(session, "29:kim", "Kim Kontakt", own, Role.CONTACT_PERSON),
            outsider=await make_user(session, "29:cia", "Cia Ljung", other),
            homeless=await make_user(session, "29:dan", "Dan Utan", None),
            coordinator=await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR),
            admin=await make_user(session, "29:admin", "Adam Admin", other, Role.ADMIN),
        )
