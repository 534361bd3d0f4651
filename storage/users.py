"""The people who talk to Lotsen, keyed by their Teams user id."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.models import Organisation, Role, User, utc_now

__all__ = [
    "Role",
    "User",
    "get_user",
    "find_users",
    "get_user_by_teams_id",
    "list_users",
    "set_user_organisation",
    "set_user_role",
    "upsert_user",
]


async def upsert_user(
    session: AsyncSession,
    teams_user_id: str,
    *,
    aad_object_id: str | None,
    name: str,
    email: str | None = None,
    locale: str | None = None,
) -> User:
    """Creates the user, or refreshes what Teams tells us about them; never touches role or organisation.

    A single INSERT … ON CONFLICT statement, so two first turns of the same person cannot collide. Values
    Teams did not send this time (None, or an empty name) keep what is stored.
    """
    if not teams_user_id:
        raise ValueError("teams_user_id is required")
    table = User.__table__
    now = utc_now()
    statement = dialect_insert(session, User).values(
        teams_user_id=teams_user_id,
        aad_object_id=aad_object_id,
        name=name or "",
        email=email,
        locale=locale,
        role=Role.OFFICIAL,
        created_at=now,
        updated_at=now,
    )
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.teams_user_id],
        set_={
            "aad_object_id": func.coalesce(excluded.aad_object_id, table.c.aad_object_id),
            "name": func.coalesce(func.nullif(excluded.name, ""), table.c.name),
            "email": func.coalesce(excluded.email, table.c.email),
            "locale": func.coalesce(excluded.locale, table.c.locale),
            "updated_at": excluded.updated_at,
        },
    ).returning(User)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return result.scalar_one()


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_teams_id(session: AsyncSession, teams_user_id: str) -> User | None:
    return await session.scalar(select(User).where(User.teams_user_id == teams_user_id))


async def set_user_organisation(session: AsyncSession, user: User, organisation: Organisation | None) -> User:
    """Records which nämnd or bolag the user works for (None: not known)."""
    user.organisation = organisation
    await session.flush()
    return user


async def set_user_role(session: AsyncSession, user: User, role: Role) -> User:
    user.role = Role(role)
    await session.flush()
    return user


async def find_users(session: AsyncSession, who: str) -> list[User]:
    """The users an administrator means by `who`: a Teams user id, an Entra object id, an e-mail address or a
    display name (exact, case aside). Several people may share a name: the caller must then ask for an id."""
    lowered = who.strip().lower()
    statement = select(User).where(
        (User.teams_user_id == who.strip())
        | (func.lower(User.aad_object_id) == lowered)
        | (func.lower(User.email) == lowered)
        | (func.lower(User.name) == lowered)
    )
    return list((await session.scalars(statement)).all())


async def list_users(session: AsyncSession) -> list[User]:
    return list((await session.scalars(select(User).order_by(User.name))).all())
