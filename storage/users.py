"""The people who talk to Lotsen, keyed by their Teams user id, and who may change their role or organisation.

Every change of role or organisation is recorded in the audit trail (`storage.audit`) with who made it: an
administrator in chat (`grant_role`, `place_user`) or the operator's command line (actor None). Nobody is
made an administrator from the chat: who is an admin is configured by whoever runs Lotsen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_insert
from storage.access import AccessDenied, can_manage_users
from storage.audit import record_audit
from storage.contact_persons import link_placed_user
from storage.models import AuditEventKind, AuditSubjectType, Organisation, Role, User, utc_now

__all__ = [
    "Role",
    "User",
    "get_user",
    "find_users",
    "get_user_by_teams_id",
    "grant_role",
    "list_users",
    "place_user",
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


async def set_user_organisation(
    session: AsyncSession, user: User, organisation: Organisation | None, actor: User | None = None,
    *, how: Mapping[str, Any] | None = None,
) -> User:
    """Records which nämnd or bolag the user works for (None: not known), and the change in the audit trail.

    The event belongs to the organisation the user moves to (the one they leave when moved to none), so that
    each organisation's history shows who joined it; `details` names both, from and to, and `how` it was decided
    when not by a person (`{"by": "directory", …}`: placed from the directory, directory/placement.py).
    """
    old_id = user.organisation_id
    new_id = organisation.id if organisation is not None else None
    if organisation is not None and new_id is None:
        raise ValueError("The organisation must be stored before a user can be placed in it")
    if old_id == new_id:
        return user
    old = await session.get(Organisation, old_id) if old_id is not None else None
    user.organisation = organisation
    record_audit(
        session,
        AuditEventKind.ORGANISATION_CHANGED,
        AuditSubjectType.USER,
        user.id,
        organisation_id=new_id if new_id is not None else old_id,
        actor=actor,
        details={
            "from": old.name if old is not None else None,
            "to": organisation.name if organisation is not None else None,
            "from_id": old_id,
            "to_id": new_id,
            **(how or {}),
        },
    )
    await session.flush()
    await link_placed_user(session, user, actor)
    return user


async def set_user_role(session: AsyncSession, user: User, role: Role, actor: User | None = None) -> User:
    """Gives the user `role`, recording the change (none when the role is the same) in the audit trail."""
    new_role = Role(role)
    old_role = user.role
    if old_role == new_role:
        return user
    user.role = new_role
    record_audit(
        session,
        AuditEventKind.ROLE_CHANGED,
        AuditSubjectType.USER,
        user.id,
        organisation_id=user.organisation_id,
        actor=actor,
        details={"from": old_role.value if old_role is not None else None, "to": new_role.value},
    )
    await session.flush()
    return user


async def grant_role(session: AsyncSession, target: User, role: Role | str, actor: User) -> User:
    """An administrator, in chat, gives `target` a role. Never the admin role, and never to or from an admin:
    administrators are made (and unmade) only by the operator's command line (`python -m cli users grant`)."""
    new_role = Role(role)
    _require_manager(actor, target)
    if new_role == Role.ADMIN or target.role == Role.ADMIN:
        raise AccessDenied(f"User {actor.id} may not change administrator roles (user {target.id}) from chat")
    return await set_user_role(session, target, new_role, actor)


async def place_user(
    session: AsyncSession, target: User, organisation: Organisation | None, actor: User
) -> User:
    """An administrator, in chat, places `target` in a nämnd or bolag (None: not known)."""
    _require_manager(actor, target)
    return await set_user_organisation(session, target, organisation, actor)


def _require_manager(actor: User | None, target: User) -> None:
    if actor is None or not can_manage_users(actor):
        raise AccessDenied(f"User {actor.id if actor else None} may not change user {target.id}")


async def find_users(session: AsyncSession, who: str) -> list[User]:
    """The users an administrator means by `who`: a Teams user id, an Entra object id, an e-mail address or a
    display name (exact, case and extra spaces aside). Several people may share a name: the caller must then
    ask for an id.

    Names are compared in Python: SQLite's lower() folds ASCII only, and "åsa öberg" must find "Åsa Öberg".
    """
    stripped = who.strip()
    lowered = stripped.lower()
    by_id = select(User).where(
        (User.teams_user_id == stripped)
        | (func.lower(User.aad_object_id) == lowered)
        | (func.lower(User.email) == lowered)
    )
    found = {user.id: user for user in (await session.scalars(by_id)).all()}
    wanted_name = " ".join(stripped.split()).casefold()
    if wanted_name:
        for user in (await session.scalars(select(User))).all():
            if " ".join(user.name.split()).casefold() == wanted_name:
                found.setdefault(user.id, user)
    return sorted(found.values(), key=lambda user: user.id)


async def list_users(session: AsyncSession) -> list[User]:
    return list((await session.scalars(select(User).order_by(User.name))).all())
