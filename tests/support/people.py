"""Users for tests: someone who has written to Lotsen, placed in an organisation with a role."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organisation, Role, User
from storage.users import set_user_organisation, set_user_role, upsert_user


async def make_user(
    session: AsyncSession, teams_id: str, name: str, organisation: Organisation | None, role: Role = Role.OFFICIAL
) -> User:
    user = await upsert_user(session, teams_id, aad_object_id=None, name=name)
    await set_user_organisation(session, user, organisation)
    await set_user_role(session, user, role)
    return user
